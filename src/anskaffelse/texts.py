"""Words the user reads that more than one module shows, and text made safe for markdown. No rich here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .model import AllOf, AnyOf, Catalogue, Compare, Expression, Not, ThresholdRef
from .phrases import visible
from .values import format_amount

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


def marked(u: Mapping[str, Any]) -> str:
    """How a threshold value that is not the catalogue's confirmed one is marked, wherever it is shown."""
    if u.get("status") == "oppgitt":
        return f" – oppgitt av brukeren ({u.get('origin', '')})"
    if u.get("status") == "rapportert":
        return f" – rapportert, ikke bekreftet ({u.get('origin', '')})"
    return ""
