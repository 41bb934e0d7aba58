"""Lists joined into a sentence for a message, capped: a question with 100 000 choices must not
make a message of 800 KB. The one helper for that; stdlib only, imported by every layer."""

from __future__ import annotations

from collections.abc import Iterable

SHOWN = 10  # items named before «… og N til»


def number(n: int) -> str:
    """12345 → '12 345' (Norwegian grouping)."""
    return f"{n:,}".replace(",", " ")


def capped(items: Iterable[object], limit: int = SHOWN, sep: str = ", ", empty: str = "") -> str:
    """The first `limit` items joined by `sep`, then «og 99 990 til» for the rest."""
    shown: list[str] = []
    rest = 0
    for item in items:
        if len(shown) < limit:
            shown.append(str(item))
        else:
            rest += 1
    if not shown:
        return empty
    return sep.join(shown) + (f" … og {number(rest)} til" if rest else "")


def capped_lines(lines: list[str], limit: int = 100) -> list[str]:
    """At most `limit` lines of a message's details, and a last line that says how many more."""
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"… og {number(len(lines) - limit)} til"]


# C0 and C1 controls (but tab and newline), DEL, and the bidi overrides and isolates that can make
# text read differently from what it is («Trojan Source»).
_HIDDEN = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_SHOWN_AS = {code: f"\\u{code:04x}" for code in _HIDDEN}


def visible(text: str) -> str:
    """Text from any data (trees, file names, answers, traces) made safe for a terminal: control
    characters and bidi overrides are shown escaped, as `\\u001b`, never passed through raw (an ESC[2J
    would clear the screen). The escape is JSON's own, so a JSON text stays the same JSON."""
    return text.translate(_SHOWN_AS)
