"""The syntax tree: immutable nodes, one class per construct of the language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .values import Money

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
    """min, maks, rund, summer or begynner_med."""

    name: str
    args: tuple[Expr, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Threshold:
    """``terskel(id)``: the threshold in force on the assessment date, as an amount."""

    id: str
    offset: int  # of «terskel»
    id_offset: int
    reported: bool = False  # ``rapportert(id)``: a newer reported, unconfirmed value if there is one


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
