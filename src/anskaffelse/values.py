"""Parsing and formatting of answer values (amounts, dates, yes/no). Stdlib only."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal(10) ** 12
MAX_TEXT = 2000
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a date outside is a typo, not a procurement

_MULTIPLIERS = (
    (("milliarder", "milliard", "mrd", "mrdnok", "bnok", "b"), Decimal(10) ** 9),
    (("millioner", "million", "mill", "mnok", "mln", "mio", "m"), Decimal(10) ** 6),
    (("tusen", "knok", "k"), Decimal(10) ** 3),
)
_NOISE = re.compile(r"(ekskl\.?|eks\.?|mva\.?|nok|kroner|kr\.?|,-|\.-)")
_NUMBER = re.compile(r"^[0-9][0-9.,]*$")
_ABOUT = re.compile(r"^(ca\.?|cirka|omtrent|om lag)\s*")


class ValueProblem(ValueError):
    """A raw answer that does not fit; the message is Norwegian and says what to type."""


def parse_amount(raw: object) -> Decimal:
    """Read an amount in NOK: 2500000, '2 500 000', '2,5 mill', '2.5m', '40 MNOK'."""
    if isinstance(raw, bool):
        raise ValueProblem("forventet et beløp i kroner, fant en sannhetsverdi")
    if isinstance(raw, (int, Decimal)):
        return _checked_amount(Decimal(raw))
    if isinstance(raw, float):
        return _checked_amount(Decimal(str(raw)))
    if not isinstance(raw, str):
        raise ValueProblem("forventet et beløp i kroner, f.eks. 2 500 000 eller 2,5 mill")
    if raw.isascii() and raw.isdigit():  # the common case, in trees above all: 1300000
        return _checked_amount(Decimal(raw))
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if not text:
        raise ValueProblem("skriv inn et beløp, f.eks. 2 500 000 eller 2,5 mill")
    if text.startswith("-") or text.startswith("−"):
        raise ValueProblem("beløpet kan ikke være negativt")
    text = _ABOUT.sub("", text)  # «ca 3 millioner»: an estimate is what is asked for anyway
    text = _NOISE.sub(" ", text).strip().rstrip(".")  # «3 mill.»
    text = re.sub(r"[\s_']+", "", text)
    multiplier = Decimal(1)
    for words, factor in _MULTIPLIERS:
        word = next((w for w in words if text.endswith(w)), None)
        if word:
            text = text[: -len(word)]
            multiplier = factor
            break
    if not text or not _NUMBER.match(text):
        raise ValueProblem(f"«{_short(raw)}» er ikke et beløp; skriv f.eks. 2500000, 2 500 000, 2,5 mill eller 2.5m")
    number = _read_number(text, has_multiplier=multiplier != 1)
    return _checked_amount(number * multiplier)


def _read_number(text: str, *, has_multiplier: bool) -> Decimal:
    if "." in text and "," in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        sep = "," if "," in text else "."
        if not re.fullmatch(r"\d{1,3}(" + re.escape(sep) + r"\d{3})+", text):
            raise ValueProblem("tusenskilletegnene står feil; skriv f.eks. 2 500 000")
        text = text.replace(sep, "")
    elif "." in text and not has_multiplier and re.fullmatch(r"\d{1,3}\.\d{3}", text):
        text = text.replace(".", "")  # Norwegian thousands: 2.500
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueProblem("forventet et beløp i kroner, f.eks. 2 500 000") from None


def _checked_amount(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise ValueProblem("forventet et beløp i kroner")
    if amount < 0:
        raise ValueProblem("beløpet kan ikke være negativt")
    if amount > MAX_AMOUNT:
        raise ValueProblem("beløpet er urimelig stort (over 1 000 milliarder kr); sjekk antall nuller")
    if amount != amount.quantize(Decimal("0.01")):  # 7 799 999,995 must not round up across a threshold
        raise ValueProblem("beløpet har brøkdeler av en øre; skriv høyst to desimaler, f.eks. 7 799 999,99")
    if amount == 0:
        raise ValueProblem("beløpet må være større enn 0 kr")
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def parse_date(raw: object) -> dt.date:
    """Read a date as YYYY-MM-DD or DD.MM.YYYY."""
    if isinstance(raw, dt.datetime):
        return _checked_date(raw.date(), raw)
    if isinstance(raw, dt.date):
        return _checked_date(raw, raw)
    text = str(raw).strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text, re.ASCII)
    if not match and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        raise ValueProblem(f"«{_short(raw)}» er ikke en dato; skriv ÅÅÅÅ-MM-DD, f.eks. 2026-03-01")
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            found = dt.date(year, month, day)
        else:
            found = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueProblem(f"«{_short(raw)}» finnes ikke i kalenderen") from None
    return _checked_date(found, raw)


def _checked_date(day: dt.date, raw: object) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueProblem(f"«{_short(raw)}» er utenfor årene {FIRST_YEAR}–{LAST_YEAR}; sjekk årstallet")
    return day


def parse_yesno(raw: object) -> str:
    """Read yes/no as 'ja' or 'nei'."""
    if isinstance(raw, bool):
        return "ja" if raw else "nei"
    text = str(raw).strip().lower()
    if text in ("ja", "j", "yes", "y", "true", "sant"):
        return "ja"
    if text in ("nei", "n", "no", "false", "usant"):
        return "nei"
    raise ValueProblem(f"«{_short(raw)}» er verken ja eller nei")


MAX_NUMBER = Decimal(10) ** 6  # a count of units, months or years; more is a typo


def parse_number(raw: object) -> Decimal:
    """A count or a length, not money: 12, «2,5», «4 år» is not accepted (just the number)."""
    if isinstance(raw, bool):
        raise ValueProblem("forventet et tall, fant en sannhetsverdi")
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,7}(\.[0-9]{1,3})?", text):
        raise ValueProblem(f"«{_short(raw)}» er ikke et tall; skriv for eksempel 12 eller 2,5")
    number = Decimal(text)
    if number <= 0 or number > MAX_NUMBER:
        raise ValueProblem(f"tallet må være over 0 og høyst {MAX_NUMBER:,}".replace(",", " "))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def is_unknown(raw: object) -> bool:
    """«vet ikke» (or vet_ikke, vet-ikke, ?) typed where an amount, a number, a date, a text or a code is asked."""
    return isinstance(raw, str) and " ".join(raw.lower().replace("_", " ").replace("-", " ").split()) in _UNKNOWN


_UNKNOWN = ("vet ikke", "?", "vetikke")


def parse_cpv(raw: object) -> str:
    """A CPV code (8 digits; the check digit after a dash is ignored), or «vet_ikke»."""
    text = str(raw).strip()
    if is_unknown(text):
        return "vet_ikke"
    from .cpv import classify, normalize_code

    code = normalize_code(text)
    if code is None:
        raise ValueProblem(
            f"«{_short(raw)}» er ikke en CPV-kode; skriv de åtte sifrene (finn dem med «anskaffelse cpv ORD»), "
            "eller vet_ikke"
        )
    if not classify(code).known:
        raise ValueProblem(f"{code} finnes ikke i CPV 2008; sjekk koden med «anskaffelse cpv {code[:4]}»")
    return code


def parse_text(raw: object) -> str:
    """Free text, with control characters removed and a length limit."""
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else "" for ch in str(raw))
    text = text.strip()
    if not text:
        raise ValueProblem("svaret kan ikke være tomt")
    if len(text) > MAX_TEXT:
        raise ValueProblem(f"svaret er for langt ({len(text)} tegn; høyst {MAX_TEXT})")
    return text


def format_amount(amount: Decimal) -> str:
    """2500000 → '2 500 000 kr' (Norwegian grouping, comma decimals)."""
    whole = int(amount)
    grouped = f"{whole:,}".replace(",", " ")
    frac = amount - whole
    if frac:
        cents = f"{frac:.2f}"[2:]
        return f"{grouped},{cents} kr"
    return f"{grouped} kr"


def _short(raw: object) -> str:
    """A raw answer as it may be quoted in a message: one line, no control characters, at most 40 characters."""
    text = "".join(" " if ch in "\n\r\t" else "\ufffd" if unicodedata.category(ch)[0] == "C" else ch for ch in str(raw))
    return text if len(text) <= 40 else text[:37] + "…"


MONTHS = (
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


def written_date(day: dt.date) -> str:
    """2026-07-01 → «1. juli 2026», as a date is written in Norwegian prose."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
