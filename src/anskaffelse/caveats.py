"""The caveats of the thresholds a walk used, as the report and the screen say them (the common one once)."""

from __future__ import annotations

from decimal import Decimal

from .catalog import confirmation_warning, said_once
from .trace import Trace
from .values import format_amount


def threshold_caveats(trace: Trace) -> tuple[str | None, dict[str, list[str]]]:
    """The caveats of the thresholds a walk used: one sentence for the common case (every amount
    confirmed only until the same date, before the date of assessment), and each threshold's own
    other caveats (all of them when there is no common case)."""
    used = trace["thresholds"]
    day = trace["date_of_assessment"]
    common = said_once([u.get("confirmed_until") for u in used], day)
    until = used[0].get("confirmed_until") if used else None  # when there is a common case, the one date
    if common is None or until is None:
        return None, {u["id"]: list(u.get("warnings", [])) for u in used}
    own = {}
    for u in used:
        said = confirmation_warning(u["title"], format_amount(Decimal(str(u["amount"]))), until, day)
        own[u["id"]] = [w for w in u.get("warnings", []) if w != said]
    return common, own


def caveat_lines(trace: Trace) -> list[str]:
    """threshold_caveats as one list, the common sentence first."""
    common, own = threshold_caveats(trace)
    return ([common] if common else []) + [w for warnings in own.values() for w in warnings]
