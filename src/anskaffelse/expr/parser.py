"""Tokens into a syntax tree: recursive descent over precedence levels, with limits on length and nesting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from .errors import ExprError, _quote, _suggest
from .lexer import _WORD_HINTS, _lex, _Tok
from .syntax import (
    And,
    Arith,
    Bool,
    Call,
    ChoiceId,
    Compare,
    DateLit,
    Expr,
    Known,
    Member,
    MoneyLit,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
    Threshold,
)
from .values import Money

MAX_LENGTH = 2000
MAX_DEPTH = 32
FUNCTIONS = ("min", "maks", "rund", "summer", "terskel", "rapportert", "kjent", "begynner_med")
KEYWORDS = ("og", "eller", "ikke", "i", "sann", "usann")

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
        if name.text in ("terskel", "rapportert", "kjent"):
            arg = self.peek()
            ok = arg.kind in ("tid", "str") if name.text != "kjent" else arg.kind == "name"
            if not ok or arg.text in KEYWORDS:
                what = "navnet på et faktum"
                if name.text != "kjent":
                    what = f"id-en til en terskelverdi, f.eks. «{name.text}(nasjonal)»"
                raise self.unexpected(arg, what)
            self.take()
            self.expect(")", f"«)»; {name.text}() tar ett argument")
            self.depth -= 1
            text = arg.value if isinstance(arg.value, str) else arg.text
            if name.text != "kjent":
                return Threshold(text, name.offset, arg.offset, name.text == "rapportert")
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
