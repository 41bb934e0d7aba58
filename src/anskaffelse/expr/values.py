"""Values at run time (amounts in whole øre, numbers, truth values, ids, text, dates) and how they are shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Literal

from anskaffelse.values import format_amount, written_date

_LIMIT = 10**30  # |amount in øre| and |number| beyond this is an error, never a slow or inexact result

Kind = Literal["money", "number", "bool", "choice", "text", "date"]
KINDS: tuple[Kind, ...] = ("money", "number", "bool", "choice", "text", "date")

_NOUN: dict[Kind, str] = {
    "money": "et beløp",
    "number": "et tall",
    "bool": "en sannhetsverdi",
    "choice": "et valg",
    "text": "en tekst",
    "date": "en dato",
}


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


# --- formatting -----------------------------------------------------------------------------------


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
    return written_date(day)


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
