"""Source text into tokens: numbers, amounts, percentages, text, dates, names and operators."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import ExprError, _quote
from .values import Money, _context

MAX_DIGITS = 18  # in a literal: larger than any amount in procurement, small enough to stay exact


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # num money pct str date name tid op end
    text: str
    offset: int
    value: object = None


_SPACE = re.compile(r"[ \t\r\n\u00a0]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9A-Za-z_])")
_NUMBER = re.compile(r"[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?")
_WORD = re.compile(r"[^\W\d]\w*")
_IDENT = re.compile(r"[a-z][a-z0-9_]*")
_TID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_UNIT = re.compile(r"[ \t\u00a0]*(%|kr(?![\w]))")
_OPS = ("<=", ">=", "!=", "==", "+", "-", "*", "/", "(", ")", "[", "]", ",", "=", "<", ">", "≤", "≥", "≠", "−")
_OP = re.compile("|".join(map(re.escape, _OPS)))  # the first that matches, as listed: «<=» before «<»
_OP_NORMAL = {"==": "=", "≤": "<=", "≥": ">=", "≠": "!=", "−": "-"}
_CHAR_HINTS = {
    "×": "skriv * for gange",
    "·": "skriv * for gange",
    "÷": "skriv / for dele",
    "'": 'tekst skrives i doble anførselstegn: "…"',
    "&": "skriv «og»",
    "|": "skriv «eller»",
    "!": "skriv «ikke», eller != for «ikke lik»",
    "{": "klammeparenteser hører til i tekstmaler, ikke i uttrykk",
    "}": "klammeparenteser hører til i tekstmaler, ikke i uttrykk",
    ".": "desimaltall skrives med siffer før punktum: 0.5",
}
_WORD_HINTS = {
    "and": "og",
    "or": "eller",
    "not": "ikke",
    "in": "i",
    "true": "sann",
    "false": "usann",
    "sant": "sann",
    "usant": "usann",
    "max": "maks",
    "round": "rund",
    "sum": "summer",
    "threshold": "terskel",
    "startswith": "begynner_med",
    "starter_med": "begynner_med",
}
_CLOSE_QUOTE = {'"': '"', "«": "»"}


def _lex(source: str, start: int, end: int) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = start
    while True:
        space = _SPACE.match(source, pos, end)
        if space:
            pos = space.end()
        if pos >= end:
            tokens.append(_Tok("end", "", pos))
            return tokens
        ch = source[pos]
        if ch in _CLOSE_QUOTE:
            close = source.find(_CLOSE_QUOTE[ch], pos + 1, end)
            if close < 0:
                raise ExprError(f"teksten som starter med {ch} er ikke lukket med {_CLOSE_QUOTE[ch]}", pos)
            tokens.append(_Tok("str", source[pos : close + 1], pos, source[pos + 1 : close]))
            pos = close + 1
            continue
        if tokens and tokens[-1].text == "(" and len(tokens) >= 2 and tokens[-2].text in ("terskel", "rapportert"):
            tid = _TID.match(source, pos, end)
            if tid:
                tokens.append(_Tok("tid", tid.group(), pos, tid.group()))
                pos = tid.end()
                continue
        date = _DATE.match(source, pos, end)
        if date:
            tokens.append(_Tok("date", date.group(), pos, _read_date(date.group(), pos)))
            pos = date.end()
            continue
        number = _NUMBER.match(source, pos, end)
        if number:
            pos = _lex_number(source, number, end, tokens)
            continue
        word = _WORD.match(source, pos, end)
        if word:
            text = word.group()
            if not _IDENT.fullmatch(text):
                raise ExprError(_bad_name(text), pos)
            tokens.append(_Tok("name", text, pos))
            pos = word.end()
            continue
        op = _OP.match(source, pos, end)
        if op is None:
            hint = _CHAR_HINTS.get(ch)
            raise ExprError(f"ukjent tegn «{_quote(ch)}»" + (f"; {hint}" if hint else ""), pos)
        tokens.append(_Tok("op", _OP_NORMAL.get(op.group(), op.group()), pos))
        pos = op.end()


def _lex_number(source: str, number: re.Match[str], end: int, tokens: list[_Tok]) -> int:
    pos, text = number.start(), number.group()
    after = number.end()
    unit = _UNIT.match(source, after, end)
    if not unit and after < end and (source[after].isalnum() or source[after] == "_"):
        raise ExprError(f"«{_quote(source[pos : after + 1])}» er verken et tall eller et navn", pos)
    if source.startswith(",", after, end) and after + 1 < end and source[after + 1].isdigit():
        raise ExprError(
            f"desimaltall skrives med punktum: «{text}.{source[after + 1]}…»; skill argumenter med komma og mellomrom",
            after,
        )
    digits = text.replace("_", "").replace(".", "").lstrip("0")
    if len(digits) > MAX_DIGITS:
        raise ExprError(f"tallet er urimelig langt (over {MAX_DIGITS} siffer)", pos)
    value = Decimal(text.replace("_", ""))
    if unit and unit.group(1) == "kr":
        money = value.scaleb(2, _context())
        if money != money.to_integral_value():
            raise ExprError(f"«{text} kr» er ikke et helt antall øre; bruk høyst to desimaler", pos)
        tokens.append(_Tok("money", source[pos : unit.end()], pos, Money(int(money))))
        return unit.end()
    if unit:
        tokens.append(_Tok("pct", source[pos : unit.end()], pos, value.scaleb(-2, _context())))
        return unit.end()
    tokens.append(_Tok("num", text, pos, value))
    return after


def _read_date(text: str, offset: int) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ExprError(f"«{text}» finnes ikke i kalenderen", offset) from None
    if not 1900 <= day.year <= 2100:
        raise ExprError(f"«{text}» er utenfor årene 1900–2100; sjekk årstallet", offset)
    return day


def _bad_name(text: str) -> str:
    if text.lower() != text and _IDENT.fullmatch(text.lower()):
        return f"navn skrives med små bokstaver: «{text.lower()}»"
    return f"«{_quote(text)}» er ikke et gyldig navn; bruk bare a–z, 0–9 og _ (ikke æ, ø, å), og start med en bokstav"
