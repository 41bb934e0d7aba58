"""A small, closed expression language for tree authors (stdlib only; see docs/uttrykk.md).

Three uses: conditions (``when: "kontraktsverdi >= terskel(nasjonal) og tjenestetype = helse_sosial"``),
computed facts (``compute: "enhetspris * enheter * aar"``) and text with placeholders
(``"Verdien er {kontraktsverdi}."``). Source text is parsed once, by hand, into an immutable tree of
frozen dataclasses; nothing is ever handed to Python's eval, ast or a template engine.

Decisions, in short (the Norwegian documentation for authors has the long version):

* Literals: integers with optional ``_`` between digits (``1_300_000``); decimals with a point only
  (``0.2``; ``0,2`` is refused because the comma separates arguments); ``20 %`` is the number 0.2;
  ``1_300_000 kr`` is an amount; strings in ``"…"`` or ``«…»`` (no escapes); ``sann``/``usann``;
  dates as ``2026-07-01``.
* A bare name is a fact, except directly after ``=``/``!=`` (and as an item of ``i [..]``), where it
  is an answer id (choice id): ``tjenestetype = helse_sosial``. To compare with another fact there,
  put it in parentheses: ``a = (b)``.
* Amounts are whole øre (``Money``); numbers are ``Decimal``. Every amount an operation produces is
  rounded to whole øre, half up (ties away from zero, ``ROUND_HALF_UP``): money × number and
  money / number. ``rund(x)`` rounds an amount to whole kroner and a number to a whole number, half up.
  money / money is a number. Amounts are compared only with amounts.
* Unknown («vet ikke», unanswered, missing) facts are ``None``. Arithmetic, comparisons and functions
  with an unknown operand give ``None``; ``og``/``eller``/``ikke`` follow Kleene's three-valued logic
  (usann og ukjent = usann, sann eller ukjent = sann). ``kjent(f)`` is never unknown.
  The caller treats a ``None`` condition as «not true».
* Limits: ``MAX_LENGTH`` characters per expression, ``MAX_DEPTH`` levels of nesting, ``MAX_PLACEHOLDERS``
  per template; chains (``a + b + …``, ``x og y og …``) are flat, so no input can exhaust the stack.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Literal

from .values import format_amount

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_PLACEHOLDERS",
    "MAX_TEMPLATE_LENGTH",
    "And",
    "Arith",
    "Bool",
    "Call",
    "ChoiceId",
    "Compare",
    "DateLit",
    "Env",
    "Expr",
    "ExprError",
    "FactType",
    "Kind",
    "Known",
    "Member",
    "Money",
    "MoneyLit",
    "Name",
    "Neg",
    "Not",
    "Num",
    "Or",
    "Str",
    "Template",
    "Threshold",
    "Value",
    "caret",
    "check",
    "check_template",
    "evaluate",
    "format_date",
    "format_money",
    "format_number",
    "format_value",
    "make_env",
    "parse",
    "parse_template",
    "render",
]

MAX_LENGTH = 2000
MAX_DEPTH = 32
MAX_PLACEHOLDERS = 100
MAX_TEMPLATE_LENGTH = 20_000
MAX_DIGITS = 18  # in a literal: larger than any amount in procurement, small enough to stay exact
_LIMIT = 10**30  # |amount in øre| and |number| beyond this is an error, never a slow or inexact result

Kind = Literal["money", "number", "bool", "choice", "text", "date"]
KINDS: tuple[Kind, ...] = ("money", "number", "bool", "choice", "text", "date")
FUNCTIONS = ("min", "maks", "rund", "summer", "terskel", "kjent")
KEYWORDS = ("og", "eller", "ikke", "i", "sann", "usann")


# --- errors -------------------------------------------------------------------------------------


class ExprError(Exception):
    """A problem with an expression: `message` is Norwegian for the author, `offset` a 0-based index into the source."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ExprError({self.message!r}, {self.offset})"

    def show(self, source: str) -> str:
        """The message, then the source line with a caret under the offset."""
        return f"{self.message}\n{caret(source, self.offset)}"


def caret(source: str, offset: int) -> str:
    """The line of `source` that holds `offset` and, under it, a ``^`` at that column (tabs kept)."""
    offset = max(0, min(offset, len(source)))
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    line = source[start : end if end >= 0 else len(source)]
    pad = "".join("\t" if ch == "\t" else " " for ch in source[start:offset])
    return f"{line}\n{pad}^"


def _suggest(word: str, options: Collection[str]) -> str:
    """« (mente du «x»?)» when something close exists, else ""."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (mente du «{close[0]}»?)" if close else ""


def _quote(text: str) -> str:
    """Source text as it may be quoted in a message: one line, printable, at most 30 characters."""
    shown = "".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in text)
    return shown if len(shown) <= 30 else shown[:29] + "…"


# --- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in whole øre (100 øre = 1 krone)."""

    ore: int

    @classmethod
    def from_kroner(cls, kroner: Decimal | int) -> Money:
        """Exactly: 150000 → 15 000 000 øre; a fraction of an øre (7799999.995) is a ValueError."""
        if isinstance(kroner, bool) or not isinstance(kroner, (int, Decimal)):
            raise ValueError(f"forventet et beløp i kroner, fant {type(kroner).__name__}")
        amount = Decimal(kroner)
        if not amount.is_finite():
            raise ValueError("beløpet er ikke et tall")
        if abs(amount) >= Decimal(_LIMIT) / 100:
            raise ValueError("beløpet er urimelig stort")
        ore = amount.scaleb(2, _context())
        if ore != ore.to_integral_value():
            raise ValueError(f"{amount} kr er ikke et helt antall øre")
        return cls(int(ore))

    @property
    def kroner(self) -> Decimal:
        return Decimal(self.ore).scaleb(-2)

    def __str__(self) -> str:
        return format_money(self)


Value = Money | Decimal | bool | str | dt.date
"""A value at run time: an amount, a number, a truth value, an answer id or text, a date."""


def _context() -> Context:
    """A fresh decimal context (never the thread's): wide enough that nothing below _LIMIT is inexact."""
    traps = [InvalidOperation, DivisionByZero, Overflow]
    return Context(prec=60, rounding=ROUND_HALF_UP, Emax=10_000, Emin=-10_000, traps=traps)


def _kind_of(value: Value) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Money):
        return "money"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "choice"
    return "date"


# --- the syntax tree ------------------------------------------------------------------------------
# Every node carries `offset`: where its token (for operators: the operator) starts in the source.


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal
    offset: int
    percent: bool = False  # written as «20 %»


@dataclass(frozen=True, slots=True)
class MoneyLit:
    value: Money
    offset: int


@dataclass(frozen=True, slots=True)
class Str:
    value: str
    offset: int


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool
    offset: int


@dataclass(frozen=True, slots=True)
class DateLit:
    value: dt.date
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    """A fact."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class ChoiceId:
    """A bare answer id after ``=``/``!=`` or in a list: ``helse_sosial`` in ``tjenestetype = helse_sosial``."""

    id: str
    offset: int


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class Arith:
    """``first op1 x1 op2 x2 …`` at one precedence level (+ - or * /), evaluated left to right."""

    first: Expr
    rest: tuple[tuple[str, Expr, int], ...]  # (operator, operand, operator offset)

    @property
    def offset(self) -> int:
        return _offset(self.first)


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # one of = != < <= > >=
    left: Expr
    right: Expr
    offset: int  # of the operator


@dataclass(frozen=True, slots=True)
class Member:
    item: Expr
    options: tuple[Expr, ...]
    offset: int  # of «i»


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Expr, ...]
    offset: int  # of the first «og»


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Expr, ...]
    offset: int  # of the first «eller»


@dataclass(frozen=True, slots=True)
class Call:
    """min, maks, rund or summer."""

    name: str
    args: tuple[Expr, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Threshold:
    """``terskel(id)``: the threshold in force on the assessment date, as an amount."""

    id: str
    offset: int  # of «terskel»
    id_offset: int


@dataclass(frozen=True, slots=True)
class Known:
    """``kjent(fakta)``: sann when the fact has an answer other than «vet ikke»."""

    fact: str
    offset: int  # of «kjent»
    fact_offset: int


Expr = (
    Num
    | MoneyLit
    | Str
    | Bool
    | DateLit
    | Name
    | ChoiceId
    | Neg
    | Not
    | Arith
    | Compare
    | Member
    | And
    | Or
    | Call
    | Threshold
    | Known
)


def _offset(node: Expr) -> int:
    return node.offset


# --- the lexer ------------------------------------------------------------------------------------


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
        if tokens and tokens[-1].text == "(" and len(tokens) >= 2 and tokens[-2].text == "terskel":
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
        op = next((o for o in _OPS if source.startswith(o, pos, end)), None)
        if op is None:
            hint = _CHAR_HINTS.get(ch)
            raise ExprError(f"ukjent tegn «{_quote(ch)}»" + (f"; {hint}" if hint else ""), pos)
        tokens.append(_Tok("op", _OP_NORMAL.get(op, op), pos))
        pos += len(op)


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


# --- the parser -----------------------------------------------------------------------------------

_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_ENDS_OPERAND = ("og", "eller", ")", "]", ",", *_COMPARISONS)


def parse(source: str) -> Expr:
    """Parse one expression; ExprError (with an offset into `source`) for anything outside the grammar."""
    if not isinstance(source, str):
        raise ExprError("uttrykket må være tekst", 0)
    return _parse_span(source, 0, len(source))


def _parse_span(source: str, start: int, end: int) -> Expr:
    if end - start > MAX_LENGTH:
        raise ExprError(f"uttrykket er for langt ({end - start} tegn; høyst {MAX_LENGTH}); del det opp", start)
    parser = _Parser(_lex(source, start, end))
    if parser.peek().kind == "end":
        raise ExprError("uttrykket er tomt", start)
    expr = parser.expression()
    tok = parser.peek()
    if tok.kind != "end":
        raise parser.unexpected(tok, "slutten av uttrykket (mangler det «og», «eller» eller en operator?)")
    return expr


class _Parser:
    """Recursive descent over precedence levels; recursion grows only with nesting, which is limited."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Tok:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> _Tok:
        tok = self.peek()
        self.pos += 1
        return tok

    def at(self, text: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok.kind in ("op", "name") and tok.text == text

    def expect(self, text: str, what: str) -> _Tok:
        if not self.at(text):
            raise self.unexpected(self.peek(), what)
        return self.take()

    def unexpected(self, tok: _Tok, expected: str) -> ExprError:
        if tok.kind == "end":
            return ExprError(f"uttrykket slutter for tidlig; forventet {expected}", tok.offset)
        hint = _WORD_HINTS.get(tok.text) if tok.kind == "name" else None
        if hint:
            return ExprError(f"uventet «{tok.text}»; skriv «{hint}»", tok.offset)
        return ExprError(f"uventet «{_quote(tok.text)}»; forventet {expected}", tok.offset)

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"uttrykket er nøstet for dypt (over {MAX_DEPTH} nivåer); del det opp", offset)

    def expression(self) -> Expr:
        return self.disjunction()

    def disjunction(self) -> Expr:
        first = self.conjunction()
        if not self.at("eller"):
            return first
        items, offset = [first], self.peek().offset
        while self.at("eller"):
            self.take()
            items.append(self.conjunction())
        return Or(tuple(items), offset)

    def conjunction(self) -> Expr:
        first = self.negation()
        if not self.at("og"):
            return first
        items, offset = [first], self.peek().offset
        while self.at("og"):
            self.take()
            items.append(self.negation())
        return And(tuple(items), offset)

    def negation(self) -> Expr:
        if not self.at("ikke"):
            return self.comparison()
        tok = self.take()
        self.enter(tok.offset)
        operand = self.negation()
        self.depth -= 1
        return Not(operand, tok.offset)

    def comparison(self) -> Expr:
        left = self.sum()
        tok = self.peek()
        if tok.kind == "op" and tok.text in _COMPARISONS:
            self.take()
            right = self.choice_or_sum() if tok.text in ("=", "!=") else self.sum()
            result: Expr = Compare(tok.text, left, right, tok.offset)
        elif self.at("i"):
            self.take()
            result = Member(left, self.options(), tok.offset)
        else:
            return left
        after = self.peek()
        if (after.kind == "op" and after.text in _COMPARISONS) or self.at("i"):
            raise ExprError("sammenligninger kan ikke lenkes; skriv f.eks. «a < b og b < c»", after.offset)
        return result

    def choice_or_sum(self) -> Expr:
        tok, after = self.peek(), self.peek(1)
        if (
            tok.kind == "name"
            and tok.text not in KEYWORDS
            and (after.kind == "end" or (after.kind in ("op", "name") and after.text in _ENDS_OPERAND))
        ):
            self.take()
            return ChoiceId(tok.text, tok.offset)
        return self.sum()

    def options(self) -> tuple[Expr, ...]:
        open_ = self.expect("[", "«[» med en liste, f.eks. «i [a, b]»")
        self.enter(open_.offset)
        items: list[Expr] = []
        while True:
            if self.at("]"):
                what = "en svar-id eller en verdi" if not items else "en verdi etter kommaet"
                raise self.unexpected(self.peek(), what)
            items.append(self.choice_or_sum())
            if self.at(","):
                self.take()
                continue
            self.expect("]", "«,» eller «]»")
            break
        self.depth -= 1
        return tuple(items)

    def sum(self) -> Expr:
        return self.chain(("+", "-"), self.product)

    def product(self) -> Expr:
        return self.chain(("*", "/"), self.unary)

    def chain(self, ops: tuple[str, ...], operand: Callable[[], Expr]) -> Expr:
        first = operand()
        rest: list[tuple[str, Expr, int]] = []
        while self.peek().kind == "op" and self.peek().text in ops:
            tok = self.take()
            rest.append((tok.text, operand(), tok.offset))
        return Arith(first, tuple(rest)) if rest else first

    def unary(self) -> Expr:
        if not self.at("-"):
            return self.atom()
        tok = self.take()
        self.enter(tok.offset)
        operand = self.unary()
        self.depth -= 1
        return Neg(operand, tok.offset)

    def atom(self) -> Expr:
        tok = self.peek()
        if tok.kind in ("num", "pct"):
            self.take()
            assert isinstance(tok.value, Decimal)
            return Num(tok.value, tok.offset, percent=tok.kind == "pct")
        if tok.kind == "money":
            self.take()
            assert isinstance(tok.value, Money)
            return MoneyLit(tok.value, tok.offset)
        if tok.kind == "str":
            self.take()
            assert isinstance(tok.value, str)
            return Str(tok.value, tok.offset)
        if tok.kind == "date":
            self.take()
            assert isinstance(tok.value, dt.date)
            return DateLit(tok.value, tok.offset)
        if self.at("("):
            self.take()
            self.enter(tok.offset)
            inner = self.expression()
            self.expect(")", "«)»")
            self.depth -= 1
            return inner
        if tok.kind == "name":
            if tok.text in ("sann", "usann"):
                self.take()
                return Bool(tok.text == "sann", tok.offset)
            if tok.text in KEYWORDS:
                raise self.unexpected(tok, "en verdi eller et faktum")
            self.take()
            if self.at("("):
                return self.call(tok)
            return Name(tok.text, tok.offset)
        raise self.unexpected(tok, "en verdi eller et faktum")

    def call(self, name: _Tok) -> Expr:
        if name.text not in FUNCTIONS:
            hint = _WORD_HINTS.get(name.text)
            suggestion = f" (mente du «{hint}»?)" if hint else _suggest(name.text, FUNCTIONS)
            raise ExprError(
                f"ukjent funksjon «{name.text}»{suggestion}; funksjonene er {', '.join(FUNCTIONS)}", name.offset
            )
        self.take()  # (
        self.enter(name.offset)
        if name.text in ("terskel", "kjent"):
            arg = self.peek()
            ok = arg.kind in ("tid", "str") if name.text == "terskel" else arg.kind == "name"
            if not ok or arg.text in KEYWORDS:
                what = "navnet på et faktum"
                if name.text == "terskel":
                    what = "id-en til en terskelverdi, f.eks. «terskel(nasjonal)»"
                raise self.unexpected(arg, what)
            self.take()
            self.expect(")", f"«)»; {name.text}() tar ett argument")
            self.depth -= 1
            text = arg.value if isinstance(arg.value, str) else arg.text
            if name.text == "terskel":
                return Threshold(text, name.offset, arg.offset)
            return Known(text, name.offset, arg.offset)
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.expression())
            while self.at(","):
                self.take()
                args.append(self.expression())
        self.expect(")", "«,» eller «)»")
        self.depth -= 1
        return Call(name.text, tuple(args), name.offset)


# --- templates ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    """Literal text and expressions, in order; `{{` and `}}` in the source are literal braces."""

    source: str
    parts: tuple[str | Expr, ...] = field(default=())

    @property
    def expressions(self) -> tuple[Expr, ...]:
        return tuple(part for part in self.parts if not isinstance(part, str))


def parse_template(source: str) -> Template:
    """Parse text with ``{uttrykk}`` placeholders; offsets in errors and nodes are into `source`."""
    if not isinstance(source, str):
        raise ExprError("teksten må være tekst", 0)
    if len(source) > MAX_TEMPLATE_LENGTH:
        raise ExprError(f"teksten er for lang ({len(source)} tegn; høyst {MAX_TEMPLATE_LENGTH})", 0)
    parts: list[str | Expr] = []
    text: list[str] = []
    pos, count = 0, 0
    while pos < len(source):
        ch = source[pos]
        if ch == "}":
            if source.startswith("}}", pos):
                text.append("}")
                pos += 2
                continue
            raise ExprError("«}» uten «{» foran; skriv «}}» for en klammeparentes i teksten", pos)
        if ch != "{":
            text.append(ch)
            pos += 1
            continue
        if source.startswith("{{", pos):
            text.append("{")
            pos += 2
            continue
        close = _placeholder_end(source, pos)
        count += 1
        if count > MAX_PLACEHOLDERS:
            raise ExprError(f"for mange {{…}} i teksten (høyst {MAX_PLACEHOLDERS})", pos)
        if text:
            parts.append("".join(text))
            text = []
        if not source[pos + 1 : close].strip():
            raise ExprError("tom {} i teksten; skriv et uttrykk mellom klammeparentesene, eller {{}} for «{}»", pos)
        parts.append(_parse_span(source, pos + 1, close))
        pos = close + 1
    if text:
        parts.append("".join(text))
    return Template(source, tuple(parts))


def _placeholder_end(source: str, start: int) -> int:
    """The index of the «}» that closes the placeholder opened at `start` (quotes may hold braces)."""
    pos = start + 1
    while pos < len(source):
        ch = source[pos]
        if ch in _CLOSE_QUOTE:
            close = source.find(_CLOSE_QUOTE[ch], pos + 1)
            if close < 0:
                raise ExprError(f"teksten som starter med {ch} er ikke lukket med {_CLOSE_QUOTE[ch]}", pos)
            pos = close + 1
            continue
        if ch == "}":
            return pos
        if ch == "{":
            raise ExprError("«{» inne i {…}; lukk det første med «}», eller skriv «{{» for en klammeparentes", pos)
        pos += 1
    raise ExprError("«{» er ikke lukket med «}»; skriv «{{» for en klammeparentes i teksten", start)


# --- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactType:
    """What a fact holds; `choices` are the answer ids of a choice fact."""

    kind: Kind
    choices: tuple[str, ...] = ()


_NOUN: dict[Kind, str] = {
    "money": "et beløp",
    "number": "et tall",
    "bool": "en sannhetsverdi",
    "choice": "et valg",
    "text": "en tekst",
    "date": "en dato",
}
_ARITH: dict[str, dict[tuple[Kind, Kind], Kind]] = {
    "+": {("money", "money"): "money", ("number", "number"): "number"},
    "-": {("money", "money"): "money", ("number", "number"): "number"},
    "*": {("money", "number"): "money", ("number", "money"): "money", ("number", "number"): "number"},
    "/": {("money", "number"): "money", ("money", "money"): "number", ("number", "number"): "number"},
}


def _literal(node: Compare) -> Expr | None:
    return node.right if isinstance(node.right, Num) else node.left


def _money_example(literal: Expr | None) -> str:
    """How to write an amount: the author's own number with kr when there is one."""
    if isinstance(literal, Num) and not literal.percent:
        return f"skriv beløpet med kr: «{literal.value} kr»"
    return "skriv beløp med kr, f.eks. «1_300_000 kr»"


def _arith_problem(op: str, left: Kind, right: Kind, literal: Expr | None = None) -> str:
    a, b = _NOUN[left], _NOUN[right]
    if op == "+":
        message = f"kan ikke legge sammen {a} og {b}"
    elif op == "-":
        message = f"kan ikke trekke {b} fra {a}"
    elif op == "*":
        message = f"kan ikke gange {a} med {b}"
    else:
        message = f"kan ikke dele {a} på {b}"
    if {left, right} == {"money", "number"} and op in "+-":
        message += "; " + _money_example(literal)
    elif left == right == "money" and op == "*":
        message += "; bare et beløp ganger et tall gir et beløp"
    return message


def _compare_problem(left: Kind, right: Kind, literal: Expr | None = None) -> str:
    message = f"kan ikke sammenligne {_NOUN[left]} med {_NOUN[right]}"
    if {left, right} == {"money", "number"}:
        message += "; " + _money_example(literal)
    return message


@dataclass(slots=True)
class _Checker:
    facts: Mapping[str, FactType]
    thresholds: Collection[str]
    errors: list[ExprError]

    def fail(self, message: str, offset: int) -> None:
        self.errors.append(ExprError(message, offset))

    def type_of(self, node: Expr) -> Kind | None:
        match node:
            case Num():
                return "number"
            case MoneyLit() | Threshold():
                if isinstance(node, Threshold) and node.id not in self.thresholds:
                    self.fail(f"ukjent terskelverdi «{node.id}»{_suggest(node.id, self.thresholds)}", node.id_offset)
                    return None
                return "money"
            case Str():
                return "text"
            case ChoiceId():
                return "choice"
            case Bool() | Known():
                if isinstance(node, Known) and self.fact(node.fact, node.fact_offset) is None:
                    return None
                return "bool"
            case DateLit():
                return "date"
            case Name():
                fact = self.fact(node.name, node.offset)
                return fact.kind if fact else None
            case Neg():
                kind = self.type_of(node.operand)
                if kind is not None and kind not in ("money", "number"):
                    self.fail(f"kan ikke sette minus foran {_NOUN[kind]}", node.offset)
                    return None
                return kind
            case Not():
                self.boolean(node.operand, "«ikke»")
                return "bool"
            case And() | Or():
                word = "«og»" if isinstance(node, And) else "«eller»"
                for item in node.items:
                    self.boolean(item, word)
                return "bool"
            case Arith():
                return self.arith(node)
            case Compare():
                return self.compare(node)
            case Member():
                return self.member(node)
            case Call():
                return self.call(node)

    def fact(self, name: str, offset: int) -> FactType | None:
        fact = self.facts.get(name)
        if fact is None:
            self.fail(f"ukjent faktum «{name}»{_suggest(name, self.facts)}", offset)
        return fact

    def boolean(self, node: Expr, word: str) -> None:
        kind = self.type_of(node)
        if kind is not None and kind != "bool":
            self.fail(f"{word} trenger en sannhetsverdi (f.eks. en sammenligning), ikke {_NOUN[kind]}", _offset(node))

    def arith(self, node: Arith) -> Kind | None:
        kind = self.type_of(node.first)
        for op, operand, offset in node.rest:
            right = self.type_of(operand)
            if kind is None or right is None:
                kind = None
                continue
            result = _ARITH[op].get((kind, right))
            if result is None:
                literal = operand if isinstance(operand, Num) else node.first
                self.fail(_arith_problem(op, kind, right, literal), offset)
            kind = result
        return kind

    def compare(self, node: Compare) -> Kind:
        if self.reversed_choice(node):
            return "bool"
        left = self.type_of(node.left)
        for side in (node.left, node.right):
            if isinstance(side, Num) and side.percent:
                self.fail(
                    "«%» hører til i utregninger (20 % er 0.2); i en sammenligning skriver du tallet slik "
                    "faktumet er lagret, f.eks. «andel >= 30»",
                    side.offset,
                )
                return "bool"
        if isinstance(node.right, ChoiceId):
            self.choice(node.left, left, node.right, node.op)
            return "bool"
        right = self.type_of(node.right)
        if left is None or right is None:
            return "bool"
        if isinstance(node.right, Str) and left == "choice":
            self.choice_value(node.left, node.right.value, node.right.offset)
            return "bool"
        if node.op in ("=", "!="):
            if left != right and {left, right} != {"choice", "text"}:
                self.fail(_compare_problem(left, right, _literal(node)), node.offset)
        elif left != right or left not in ("money", "number", "date"):
            if left == right:
                self.fail(f"«{node.op}» sammenligner beløp, tall og datoer, ikke {_NOUN[left]}", node.offset)
            else:
                self.fail(_compare_problem(left, right, _literal(node)), node.offset)
        return "bool"

    def reversed_choice(self, node: Compare) -> bool:
        """`helse_sosial = tjenestetype`: the answer id on the left is a common slip; say so plainly."""
        left, right = node.left, node.right
        if not (isinstance(left, Name) and isinstance(right, ChoiceId)) or left.name in self.facts:
            return False
        fact = self.facts.get(right.id)
        if fact is None or left.name not in fact.choices:
            return False
        self.fail(f"svar-id-en står til høyre: skriv «{right.id} {node.op} {left.name}»", left.offset)
        return True

    def choice(self, subject: Expr, kind: Kind | None, choice: ChoiceId, op: str) -> None:
        if kind is None or kind == "text":
            return
        if kind == "choice":
            self.choice_value(subject, choice.id, choice.offset)
            return
        if choice.id in self.facts:
            self.fail(
                f"etter «{op}» leses «{choice.id}» som en svar-id; for å sammenligne med faktumet, "
                f"skriv det i parentes: «({choice.id})»",
                choice.offset,
            )
        elif kind == "bool":
            self.fail(f"{_NOUN[kind]} sammenlignes med sann eller usann, ikke «{choice.id}»", choice.offset)
        else:
            self.fail(f"kan ikke sammenligne {_NOUN[kind]} med svar-id-en «{choice.id}»", choice.offset)

    def choice_value(self, subject: Expr, value: str, offset: int) -> None:
        if not isinstance(subject, Name) or subject.name not in self.facts:
            return
        allowed = self.facts[subject.name].choices
        if value not in allowed:
            listed = ", ".join(allowed) if allowed else "ingen"
            self.fail(
                f"«{value}» er ikke et svar på «{subject.name}»{_suggest(value, allowed)}; svarene er {listed}", offset
            )

    def member(self, node: Member) -> Kind:
        kind = self.type_of(node.item)
        for option in node.options:
            if isinstance(option, ChoiceId):
                self.choice(node.item, kind, option, "i")
                continue
            other = self.type_of(option)
            if kind is None or other is None:
                continue
            if isinstance(option, Str) and kind == "choice":
                self.choice_value(node.item, option.value, option.offset)
            elif kind != other and {kind, other} != {"choice", "text"}:
                self.fail(_compare_problem(kind, other), _offset(option))
        return "bool"

    def call(self, node: Call) -> Kind | None:
        kinds = [self.type_of(arg) for arg in node.args]
        if node.name == "rund":
            if len(node.args) != 1:
                self.fail(f"rund() tar ett argument, fikk {len(node.args)}", node.offset)
                return None
        elif len(node.args) < 2:
            self.fail(f"{node.name}() trenger minst to argumenter, fikk {len(node.args)}", node.offset)
            return None
        allowed: tuple[Kind, ...] = ("money", "number", "date") if node.name in ("min", "maks") else ("money", "number")
        first: Kind | None = None
        for arg, kind in zip(node.args, kinds, strict=True):
            if kind is None:
                return None
            if kind not in allowed:
                self.fail(f"{node.name}() regner med beløp eller tall, ikke {_NOUN[kind]}", _offset(arg))
                return None
            if first is None:
                first = kind
            elif kind != first:
                self.fail(f"{node.name}() kan ikke blande {_NOUN[first]} og {_NOUN[kind]}", _offset(arg))
                return None
        return first


def check(
    expr: Expr,
    facts: Mapping[str, FactType],
    thresholds: Collection[str],
    *,
    expect: Kind | None = None,
) -> tuple[Kind | None, list[ExprError]]:
    """The kind of value `expr` gives and every problem found (None as the kind when it cannot be told).

    `facts` names each known fact's type, `thresholds` the threshold ids. With `expect` (e.g. "bool" for a
    condition, "money" for an amount to compute) a result of another kind is an error too.
    """
    checker = _Checker(facts, thresholds, [])
    kind = checker.type_of(expr)
    if expect is not None and kind is not None and kind != expect:
        checker.fail(f"uttrykket skal gi {_NOUN[expect]}, men gir {_NOUN[kind]}", _offset(expr))
    return kind, sorted(checker.errors, key=lambda e: e.offset)


def check_template(template: Template, facts: Mapping[str, FactType], thresholds: Collection[str]) -> list[ExprError]:
    """Every problem in the template's expressions (any kind of value may be shown)."""
    errors: list[ExprError] = []
    for expr in template.expressions:
        errors.extend(check(expr, facts, thresholds)[1])
    return errors


# --- evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Env:
    """What an expression is evaluated against: fact values (None: «vet ikke» or not answered; a missing
    name is the same) and the threshold amounts in force on the assessment date."""

    facts: Mapping[str, Value | None]
    thresholds: Mapping[str, Money]


def make_env(
    answers: Mapping[str, object],
    facts: Mapping[str, FactType],
    thresholds: Mapping[str, Decimal | int | Money],
) -> Env:
    """An Env from answers as the rest of the program holds them: amounts as Decimal kroner (turned into
    øre exactly; a fraction of an øre is a ValueError), yes/no as "ja"/"nei" for a bool fact, None for
    «vet ikke». Answers to facts not in `facts` are left out."""
    values: dict[str, Value | None] = {}
    for name, fact in facts.items():
        raw = answers.get(name)
        values[name] = None if raw is None else _typed(name, raw, fact.kind)
    amounts = {key: a if isinstance(a, Money) else Money.from_kroner(a) for key, a in thresholds.items()}
    return Env(values, amounts)


def _typed(name: str, raw: object, kind: Kind) -> Value:
    if kind == "money" and isinstance(raw, (int, Decimal, Money)) and not isinstance(raw, bool):
        return raw if isinstance(raw, Money) else Money.from_kroner(raw)
    if kind == "number" and isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        return Decimal(raw)
    if kind == "bool" and (isinstance(raw, bool) or raw in ("ja", "nei")):
        return raw if isinstance(raw, bool) else raw == "ja"
    if kind in ("choice", "text") and isinstance(raw, str):
        return raw
    if kind == "date" and isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    raise ValueError(f"svaret på «{name}» skal være {_NOUN[kind]}, fant {type(raw).__name__}")


def evaluate(expr: Expr, env: Env) -> Value | None:
    """The value of `expr`; None when it depends on something unknown (see the module docstring).

    Run-time problems that checking cannot rule out (division by zero, a threshold with no value on the
    date, an absurdly large result, a value of the wrong kind in `env`) raise ExprError with the offset.
    """
    return _eval(expr, env)


def _eval(node: Expr, env: Env) -> Value | None:
    match node:
        case Num() | MoneyLit() | Str() | Bool() | DateLit():
            return node.value
        case ChoiceId():
            return node.id
        case Name():
            value = env.facts.get(node.name)
            if value is not None and not isinstance(value, (Money, Decimal, bool, str, dt.date)):
                raise ExprError(f"verdien av «{node.name}» har en ukjent type", node.offset)
            return value
        case Threshold():
            amount = env.thresholds.get(node.id)
            if amount is None:
                raise ExprError(f"terskelverdien «{node.id}» har ingen verdi på vurderingsdatoen", node.id_offset)
            return amount
        case Known():
            return env.facts.get(node.fact) is not None
        case Neg():
            value = _eval(node.operand, env)
            if value is None:
                return None
            if isinstance(value, Money):
                return Money(-value.ore)
            if isinstance(value, Decimal):
                return -value
            raise _mismatch(f"kan ikke sette minus foran {_NOUN[_kind_of(value)]}", node.offset)
        case Not():
            truth = _truth(node.operand, env)
            return None if truth is None else not truth
        case And():
            unknown = False
            for item in node.items:
                truth = _truth(item, env)
                if truth is False:
                    return False
                unknown = unknown or truth is None
            return None if unknown else True
        case Or():
            unknown = False
            for item in node.items:
                truth = _truth(item, env)
                if truth is True:
                    return True
                unknown = unknown or truth is None
            return None if unknown else False
        case Arith():
            result = _eval(node.first, env)
            for op, operand, offset in node.rest:
                right = _eval(operand, env)
                result = None if result is None or right is None else _arith(op, result, right, offset)
            return result
        case Compare():
            left, right = _eval(node.left, env), _eval(node.right, env)
            if left is None or right is None:
                return None
            return _compare(node.op, left, right, node.offset)
        case Member():
            subject = _eval(node.item, env)
            if subject is None:
                return None
            unknown = False
            for option in node.options:
                value = _eval(option, env)
                if value is None:
                    unknown = True
                elif _compare("=", subject, value, _offset(option)):
                    return True
            return None if unknown else False
        case Call():
            return _call(node, env)


def _mismatch(message: str, offset: int) -> ExprError:
    return ExprError(message + " (uttrykket er ikke sjekket mot faktaene?)", offset)


def _truth(node: Expr, env: Env) -> bool | None:
    value = _eval(node, env)
    if value is not None and not isinstance(value, bool):
        raise _mismatch(f"forventet en sannhetsverdi, fant {_NOUN[_kind_of(value)]}", _offset(node))
    return value


def _checked(value: Decimal, offset: int) -> Decimal:
    if abs(value) >= _LIMIT:
        raise ExprError("resultatet er urimelig stort", offset)
    return value


def _whole_ore(value: Decimal, offset: int) -> Money:
    return Money(int(_checked(value, offset).quantize(Decimal(1), context=_context())))


def _arith(op: str, left: Value, right: Value, offset: int) -> Value:
    kinds = (_kind_of(left), _kind_of(right))
    result = _ARITH[op].get(kinds)
    if result is None:
        raise _mismatch(_arith_problem(op, *kinds), offset)
    ctx = _context()
    a = Decimal(left.ore) if isinstance(left, Money) else left
    b = Decimal(right.ore) if isinstance(right, Money) else right
    assert isinstance(a, Decimal) and isinstance(b, Decimal)
    try:
        if op == "+":
            value = ctx.add(a, b)
        elif op == "-":
            value = ctx.subtract(a, b)
        elif op == "*":
            value = ctx.multiply(a, b)
        else:
            value = ctx.divide(a, b)
    except (DivisionByZero, InvalidOperation):
        raise ExprError("deling på null", offset) from None
    except Overflow:
        raise ExprError("resultatet er urimelig stort", offset) from None
    if result == "money":
        return _whole_ore(value, offset)
    return _checked(value, offset)


def _compare(op: str, left: Value, right: Value, offset: int) -> bool:
    a, b = _kind_of(left), _kind_of(right)
    if a != b:
        raise _mismatch(_compare_problem(a, b), offset)
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if a not in ("money", "number", "date"):
        raise _mismatch(f"«{op}» sammenligner beløp, tall og datoer, ikke {_NOUN[a]}", offset)
    # same kind, and that kind is ordered
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def _call(node: Call, env: Env) -> Value | None:
    values = [_eval(arg, env) for arg in node.args]
    if node.name == "rund":
        if len(values) != 1:
            raise _mismatch(f"rund() tar ett argument, fikk {len(values)}", node.offset)
        value = values[0]
        if value is None:
            return None
        if isinstance(value, Money):
            kroner = Decimal(value.ore).scaleb(-2, _context()).quantize(Decimal(1), context=_context())
            return Money(int(kroner) * 100)
        if isinstance(value, Decimal):
            return value.quantize(Decimal(1), context=_context())
        raise _mismatch(f"rund() regner med beløp eller tall, ikke {_NOUN[_kind_of(value)]}", node.offset)
    if not values:
        raise _mismatch(f"{node.name}() trenger minst to argumenter", node.offset)
    if any(value is None for value in values):
        return None
    known = [value for value in values if value is not None]
    kinds = {_kind_of(value) for value in known}
    allowed = {"money", "number", "date"} if node.name in ("min", "maks") else {"money", "number"}
    if len(kinds) != 1 or not kinds <= allowed:
        raise _mismatch(f"{node.name}() fikk verdier av ulike eller gale slag", node.offset)
    if node.name == "min":
        return min(known)
    if node.name == "maks":
        return max(known)
    result = known[0]
    for value in known[1:]:
        result = _arith("+", result, value, node.offset)
    return result


# --- formatting -----------------------------------------------------------------------------------

_MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def format_money(amount: Money) -> str:
    """1 300 000 kr, 1 234,50 kr (values.format_amount), −500 kr."""
    if amount.ore < 0:
        return "−" + format_amount(Money(-amount.ore).kroner)
    return format_amount(amount.kroner)


def format_number(number: Decimal) -> str:
    """4 → «4», 0.2 → «0,2», 1234567 → «1 234 567»; at most six decimals."""
    rounded = number.quantize(Decimal("0.000001"), context=_context())
    sign = "−" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", " ")
    return sign + grouped + ("," + frac if frac else "")


def format_date(day: dt.date) -> str:
    """2026-07-01 → «1. juli 2026»."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def format_value(
    value: Value | None, *, format_money: Callable[[Money], str] = format_money, unknown: str = "vet ikke"
) -> str:
    """A value as shown in text: amounts in kroner, sann/usann as ja/nei, dates in Norwegian."""
    if value is None:
        return unknown
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, str):
        return value
    return format_date(value)


def render(
    template: Template,
    env: Env,
    *,
    format_money: Callable[[Money], str] = format_money,
    unknown: str = "vet ikke",
) -> str:
    """The template's text with each placeholder replaced by its value (`unknown` for an unknown one)."""
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(format_value(evaluate(part, env), format_money=format_money, unknown=unknown))
    return "".join(out)
