"""Words the user reads that more than one module shows, and text made safe for markdown. No rich here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .model import AllOf, AnyOf, Catalogue, Compare, Expression, Not, ThresholdRef
from .phrases import visible
from .values import format_amount, written_date

DISCLAIMER = (
    "Dette er veiledning, ikke juridisk rådgivning. Vurder alltid den konkrete saken, og søk juridisk bistand ved tvil."
)

VERDICT_LABELS = {
    "tillatt": "Tillatt",
    "ikke_tillatt": "Ikke tillatt",
    "vurder": "Må vurderes nærmere",
    "utenfor_regelverket": "Utenfor regelverket",
}

PERMISSIVE = ("tillatt", "utenfor_regelverket")  # verdicts that let the buyer go ahead: the caveat comes first
# A result other trees go on from (which part of the regulation applies, «this is a procurement»): settled, so
# not labelled «Må vurderes nærmere» when a walk ends there.
WAYPOINT_LABEL = "Avklaring"

ORIGIN_LABELS = {
    "asked": "besvart i veiviseren",
    "file": "oppgitt på forhånd",
    "fact": "kjent fra et tidligere svar",
    "computed": "beregnet",
}


_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING = re.compile(r"^(?:(#{1,6}(?=\s|$)|>|[+=-](?=[\s+=-]|$))|(\d{1,9})([.)])(?=\s|$))")


def md(text: object) -> str:
    """Text from a tree, a trace or a user, escaped so it stays literal in CommonMark, on one line
    (control characters and bidi overrides shown as `\\u001b`)."""
    flat = _INLINE.sub(r"\\\1", " ".join(visible(str(text)).split()))
    lead = _LEADING.match(flat)
    if lead and lead.group(1):
        return "\\" + flat  # would open a heading, quote or list
    if lead:
        return f"{lead.group(2)}\\{flat[len(lead.group(2)) :]}"  # "2024. " would open a list
    return flat


_SHA256 = re.compile(r"[0-9a-f]{64}")
_SAFE_URL = re.compile(r"https://[^\s<>\"'`\\]+", re.ASCII)


def md_code(text: object) -> str:
    """A checksum in backticks, when it is one; anything else escaped as text (it cannot break out)."""
    return f"`{text}`" if isinstance(text, str) and _SHA256.fullmatch(text) else md(text)


def md_url(text: object) -> str:
    """An address as an autolink, when it is a plain https address; anything else escaped as text."""
    return f"<{text}>" if isinstance(text, str) and _SAFE_URL.fullmatch(text) else md(text)


def md_block(text: object) -> str:
    """A multi-line text escaped paragraph by paragraph."""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return "\n\n".join(md(p) for p in paragraphs)


def describe_condition(cond: object, catalogue: Catalogue) -> str:
    if isinstance(cond, AllOf):
        return " og ".join(describe_condition(c, catalogue) for c in cond.items)
    if isinstance(cond, AnyOf):
        return "(" + " eller ".join(describe_condition(c, catalogue) for c in cond.items) + ")"
    if isinstance(cond, Not):
        return f"ikke ({describe_condition(cond.item, catalogue)})"
    if isinstance(cond, Expression):
        return cond.source
    assert isinstance(cond, Compare)
    symbols = {"eq": "=", "ne": "≠", "in": "∈", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
    operand = cond.operand
    if isinstance(operand, ThresholdRef):
        shown = f"terskel {operand.id}"
    elif isinstance(operand, Decimal):
        shown = format_amount(operand)
    elif isinstance(operand, tuple):  # the ids of `in` (a ThresholdRef, also a tuple, is handled above)
        shown = "{" + ", ".join(str(item) for item in operand) + "}"
    else:
        shown = str(operand)
    return f"{cond.fact} {symbols[cond.op]} {shown}"


def marked_md(u: Mapping[str, Any]) -> str:
    """marked() for markdown: the text escaped, the space before it kept."""
    shown = marked(u)
    return f" {md(shown.strip())}" if shown else ""


def marked(u: Mapping[str, Any]) -> str:
    """How a threshold value that is not the catalogue's confirmed one is marked, wherever it is shown."""
    if u.get("status") == "oppgitt":
        return f" – oppgitt av brukeren ({u.get('origin', '')})"
    if u.get("status") == "rapportert":
        return f" – rapportert, ikke bekreftet ({u.get('origin', '')})"
    return ""


def prose_date(iso: str) -> str:
    """2026-06-01 → «1. juni 2026», as a date is written in Norwegian prose (the text itself when it is no date:
    the caller escapes it as any other text)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return _written(day)


def md_date(iso: str) -> str:
    """prose_date for markdown: a real date as it is written («1. juni 2026»: it opens no list in the middle
    of a line), anything else escaped."""
    written = prose_date(iso)
    return written if written != iso else md(iso)


def md_time(iso: str) -> str:
    """prose_time for markdown (anything that is no time escaped)."""
    written = prose_time(iso)
    return written if written != iso else md(iso)


def answer_md(step: Mapping[str, Any]) -> str:
    """A step's answer for the report: its label, escaped; a date as it is written in prose."""
    if step.get("input") == "date" and step["answer"] != "vet_ikke":
        return md_date(str(step["answer"]))
    return md(step["answer_label"])


def _written(day: dt.date) -> str:
    return written_date(day)


def prose_time(iso: str) -> str:
    """2026-11-30T10:12:05+01:00 → «30. november 2026 kl. 10.12», in the time the trace was written with
    (« UTC» added when that is UTC: traces from before version 3 were written in UTC)."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    utc = " UTC" if moment.utcoffset() == dt.timedelta(0) else ""
    return f"{_written(moment.date())} kl. {moment.hour:02d}.{moment.minute:02d}{utc}"


def estimated_value(steps: Iterable[Mapping[str, Any]]) -> str | None:
    """The contract's estimated value (the fact «kontraktsverdi») as «40 000 000 kr», when the walk knows it."""
    for step in steps:
        if step["key"] == "kontraktsverdi" and step["answer"] != "vet_ikke":
            try:
                return format_amount(Decimal(str(step["answer"])))
            except ArithmeticError:
                return None
    return None
