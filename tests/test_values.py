from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anskaffelse.values import ValueProblem, format_amount, parse_amount, parse_date, parse_text, parse_yesno


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2500000", 2_500_000),
        ("2 500 000", 2_500_000),
        ("2\u00a0500\u00a0000", 2_500_000),
        ("2,5 mill", 2_500_000),
        ("2,5 millioner", 2_500_000),
        ("2.5m", 2_500_000),
        ("2.5M", 2_500_000),
        ("40 MNOK", 40_000_000),
        ("kr 1 300 000", 1_300_000),
        ("1 300 000 kr", 1_300_000),
        ("1 300 000,-", 1_300_000),
        ("2.500.000", 2_500_000),
        ("2,500,000", 2_500_000),
        ("1.234.567,50", Decimal("1234567.50")),
        ("500k", 500_000),
        ("750 tusen", 750_000),
        ("1,49 mrd", 1_490_000_000),
        (2500000, 2_500_000),
        (2.5e6, 2_500_000),
    ],
)
def test_amounts_a_buyer_types_are_read(raw: object, expected: int | Decimal) -> None:
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "er ikke et beløp"),
        ("", "skriv inn et beløp"),
        ("   ", "skriv inn et beløp"),
        ("-5", "kan ikke være negativt"),
        ("0", "må være større enn 0"),
        ("2 mill kroner og litt", "er ikke et beløp"),
        ("1e13", "er ikke et beløp"),
        ("10000000000000", "urimelig stort"),
        ("1,2,3", "tusenskilletegnene står feil"),
        (True, "sannhetsverdi"),
    ],
)
def test_nonsense_amounts_are_refused_in_norwegian(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem, match=message):
        parse_amount(raw)


def test_dates_iso_and_norwegian() -> None:
    assert parse_date("2026-03-01") == dt.date(2026, 3, 1)
    assert parse_date("1.3.2026") == dt.date(2026, 3, 1)
    with pytest.raises(ValueProblem, match="finnes ikke i kalenderen"):
        parse_date("2026-02-30")
    with pytest.raises(ValueProblem, match="er ikke en dato"):
        parse_date("i morgen")


def test_yes_no_and_text() -> None:
    assert parse_yesno("J") == "ja"
    assert parse_yesno("nei") == "nei"
    with pytest.raises(ValueProblem):
        parse_yesno("kanskje")
    assert parse_text("  hei\x07 på deg\x1b ") == "hei på deg"
    with pytest.raises(ValueProblem, match="for langt"):
        parse_text("x" * 10_000)


def test_amounts_are_shown_with_norwegian_grouping() -> None:
    assert format_amount(Decimal(7_800_000)) == "7 800 000 kr"
    assert format_amount(Decimal("1234.5")) == "1 234,50 kr"


@pytest.mark.parametrize(
    ("raw", "kroner"),
    [
        ("ca 3 millioner", 3_000_000),
        ("3 millioner", 3_000_000),
        ("3 mill.", 3_000_000),
        ("kr 3 000 000,-", 3_000_000),
        ("3' 000 000", 3_000_000),
        ("ca. 2,5 mill", 2_500_000),
        ("Ca 400 000 kr", 400_000),
        ("cirka 1,3 mill", 1_300_000),
    ],
)
def test_amounts_as_buyers_write_them(raw: str, kroner: int) -> None:
    assert parse_amount(raw) == kroner


@pytest.mark.parametrize("raw", ["7 799 999,995", "0,001", "1,234 kr"])
def test_a_fraction_of_an_ore_is_refused_not_rounded_across_a_threshold(raw: str) -> None:
    with pytest.raises(ValueProblem, match="brøkdeler av en øre"):
        parse_amount(raw)
