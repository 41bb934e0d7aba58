"""CPV codes and what FOA makes of them: the data file, read on first use, the hierarchy, the classification.

The rules are in the package docstring (anskaffelse.cpv).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Kind = Literal["bygg_anlegg", "saerlig", "helse_sosial", "annen_tjeneste", "vare", "ukjent"]
Certainty = Literal["listed", "probable", "not_listed"]

DATA_FILE = Path(__file__).parents[1] / "data" / "cpv.json"
GOODS = frozenset(f"{d:02d}" for d in (*range(3, 45), 48))
WORKS = "45"

_CODE = re.compile(r"([0-9]{8})(?:[-‐‑–—−]([0-9]))?")
_KIND_TEXT = {
    "saerlig": "særlig tjeneste",
    "helse_sosial": "helse- og sosialtjeneste",
}


class CodeProblem(ValueError):
    """Text that is not a CPV code; the message is Norwegian and says what to type."""


@dataclass(frozen=True, slots=True)
class Classification:
    """What FOA makes of one CPV code."""

    code: str
    name: str | None  # Norwegian name (English where DFØ has none); None if the code is not in CPV 2008
    known: bool  # the code is in the CPV 2008 vocabulary
    kind: Kind
    certainty: Certainty  # listed: in the annex; probable: below a listed code, not listed itself
    annex: int | None  # 1, 2 or 3: the FOA vedlegg that decides the kind
    citation: str | None  # «FOA vedlegg 3»
    via: str | None  # the annex entry that covers the code («85000000–85323000»), or the listed code above it
    vedlegg4: bool | None  # in vedlegg 4, so § 30-2 can apply; None: probably, check
    name_unverified: bool  # DFØ marks the Norwegian name as not yet checked
    explanation: str  # one Norwegian line a buyer understands


class _Annex:
    """One FOA vedlegg as CPV entries. The private holders are plain classes: a dataclass costs ~1 ms at import."""

    __slots__ = ("citation", "codes", "name", "number", "ranges")

    def __init__(
        self, number: int, name: str, citation: str, codes: frozenset[str], ranges: tuple[tuple[str, str], ...]
    ) -> None:
        self.number = number
        self.name = name
        self.citation = citation
        self.codes = codes
        self.ranges = ranges

    def covering(self, code: str) -> str | None:
        """The entry that lists `code` («55510000» or «92000000–92700000»), or None."""
        if code in self.codes:
            return code
        for start, end in self.ranges:
            if start <= code <= end:
                return f"{start}–{end}"
        return None


class _Synonym:
    __slots__ = ("codes", "note", "words")

    def __init__(self, words: tuple[str, ...], codes: tuple[str, ...], note: str | None) -> None:
        self.words = words
        self.codes = codes
        self.note = note


class _Data:
    __slots__ = ("annexes", "credit", "divisions", "names", "synonyms", "unverified")

    def __init__(
        self,
        names: dict[str, str],
        unverified: frozenset[str],
        annexes: dict[int, _Annex],
        synonyms: tuple[_Synonym, ...],
        credit: str,
    ) -> None:
        self.names = names  # in code order
        self.unverified = unverified
        self.divisions = frozenset(c[:2] for c in names)
        self.annexes = annexes
        self.synonyms = synonyms
        self.credit = credit


_DATA: _Data | None = None


# --- codes ------------------------------------------------------------------------------------------------------


def normalize_code(text: object) -> str | None:
    """The 8 digits of a CPV code written as 55510000, 5551 0000 or 55510000-4 (check digit ignored); else None."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    match = _CODE.fullmatch(compact)
    return match.group(1) if match else None


def parent(code: str) -> str | None:
    """The code one level up: 85311000 → 85310000 → 85300000 → 85000000 → None (a division has none)."""
    for index in range(7, 1, -1):
        if code[index] != "0":
            return code[:index] + "0" * (8 - index)
    return None


def ancestors(code: str) -> list[str]:
    """All codes above `code`, nearest first (whether or not each is in the vocabulary)."""
    found = []
    above = parent(code)
    while above is not None:
        found.append(above)
        above = parent(above)
    return found


def is_descendant(code: str, of: str) -> bool:
    """True if `code` is below `of` in the CPV hierarchy (not equal to it)."""
    return of in ancestors(code)


def name_of(code: str) -> str | None:
    """The Norwegian name of a known code."""
    return _data().names.get(code)


def classify(code: str) -> Classification:
    """What FOA makes of `code` (any form `normalize_code` accepts); CodeProblem if it is not a code."""
    digits = normalize_code(code)
    if digits is None:
        shown = code if isinstance(code, str) and len(code) <= 40 else "teksten"
        raise CodeProblem(f"«{shown}» er ikke en CPV-kode; skriv åtte sifre, f.eks. 85311000 eller 85311000-2")
    return _classify(digits, _data())


def _classify(code: str, data: _Data) -> Classification:
    known = code in data.names
    base: dict[str, Any] = {
        "code": code,
        "name": data.names.get(code),
        "known": known,
        "name_unverified": code in data.unverified,
    }
    unknown = "" if known else f"{code} finnes ikke i CPV 2008 – sjekk koden. Ellers: "
    division = code[:2]
    if division not in data.divisions:
        text = (
            f"{code} finnes ikke i CPV 2008: {division} er ingen CPV-hovedgruppe (de to første sifrene) – sjekk koden"
        )
        return _unlisted(base, "ukjent", text, vedlegg4=None)
    if division == WORKS:
        works = data.annexes[1]
        return Classification(
            **base,
            kind="bygg_anlegg",
            certainty="listed",
            annex=1,
            citation=works.citation,
            via=works.covering(code),
            vedlegg4=False,
            explanation=f"{unknown}bygge- og anleggsarbeid ({works.citation}) – ikke en tjeneste",
        )
    if division in GOODS:
        return _unlisted(base, "vare", f"{unknown}vare – ikke en tjeneste", vedlegg4=False)
    return _service(code, data, base, unknown)


def _unlisted(base: dict[str, Any], kind: Kind, explanation: str, *, vedlegg4: bool | None) -> Classification:
    """A code that no annex decides: an unknown division, goods, or another service."""
    return Classification(
        **base,
        kind=kind,
        certainty="not_listed",
        annex=None,
        citation=None,
        via=None,
        vedlegg4=vedlegg4,
        explanation=explanation,
    )


def _service(code: str, data: _Data, base: dict[str, Any], unknown: str) -> Classification:
    """A service: what vedlegg 2, 3 and 4 make of it (`unknown` starts the explanation of a code not in CPV)."""
    lineage = ancestors(code)
    status = {number: _status(code, lineage, data.annexes[number]) for number in (2, 3, 4)}
    number = _deciding_annex(status[2], status[3])
    if number is None:
        text = f"{unknown}annen tjeneste – ikke i FOA vedlegg 2 eller 3"
        return _unlisted(base, "annen_tjeneste", text, vedlegg4=False)
    certainty, via, _depth = status[number]
    annex = data.annexes[number]
    kind: Kind = "helse_sosial" if number == 3 else "saerlig"
    if certainty == "listed":
        text = f"{_KIND_TEXT[kind]} ({annex.citation})"
    else:
        text = (
            f"sannsynligvis {_KIND_TEXT[kind]} ({annex.citation}) – sjekk: koden står ikke selv i vedlegget, "
            f"men hører under {via}, som gjør det"
        )
    vedlegg4: bool | None = False
    if kind == "helse_sosial":
        in_4 = status[4][0]
        vedlegg4 = True if in_4 == "listed" else None if in_4 == "probable" else False
        text += {
            True: "; også i FOA vedlegg 4, så § 30-2 kan gjelde",
            None: "; sannsynligvis i FOA vedlegg 4 (§ 30-2) – sjekk",
            False: "; ikke i FOA vedlegg 4, så § 30-2 gjelder ikke",
        }[vedlegg4]
    return Classification(
        **base,
        kind=kind,
        certainty=certainty,
        annex=number,
        citation=annex.citation,
        via=via,
        vedlegg4=vedlegg4,
        explanation=unknown + text,
    )


def _status(code: str, lineage: list[str], annex: _Annex) -> tuple[Certainty, str | None, int]:
    """(certainty, covering entry or listed code above, how many levels up it is) for one annex."""
    entry = annex.covering(code)
    if entry is not None:
        return "listed", entry, 0
    for depth, above in enumerate(lineage, start=1):
        if annex.covering(above) is not None:
            return "probable", above, depth
    return "not_listed", None, 0


def _deciding_annex(two: tuple[Certainty, str | None, int], three: tuple[Certainty, str | None, int]) -> int | None:
    if three[0] == "listed":
        return 3
    if two[0] == "listed":
        return 2
    if three[0] == "probable" and (two[0] != "probable" or three[2] <= two[2]):
        return 3
    if two[0] == "probable":
        return 2
    return None


# --- data -------------------------------------------------------------------------------------------------------


def _data() -> _Data:
    global _DATA
    if _DATA is None:
        _DATA = _read(DATA_FILE)
    return _DATA


def _read(path: Path) -> _Data:
    import json

    from anskaffelse.errors import CatalogueError

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return _parse(raw)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CatalogueError(
            f"CPV-dataene i pakken ({path.name}) mangler eller er ødelagt; installer anskaffelse på nytt",
            details=[str(err)],
        ) from None


def _parse(raw: Any) -> _Data:
    if not isinstance(raw, dict) or raw.get("format") != 1:
        raise ValueError("unknown format")
    codes = raw["codes"]
    if not isinstance(codes, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in codes.items()):
        raise ValueError("codes must map code to name")
    names = {k: codes[k] for k in sorted(codes)}
    annexes = {}
    for key, entry in raw["annexes"].items():
        number = int(key)
        ranges = tuple((str(start), str(end)) for start, end in entry["ranges"])
        annexes[number] = _Annex(
            number, str(entry["name"]), str(entry["citation"]), frozenset(str(c) for c in entry["codes"]), ranges
        )
    if set(annexes) != {1, 2, 3, 4}:
        raise ValueError("annexes 1–4 expected")
    synonyms = tuple(
        _Synonym(tuple(str(w) for w in s["words"]), tuple(str(c) for c in s["codes"]), s["note"] and str(s["note"]))
        for s in raw["synonyms"]
    )
    return _Data(
        names=names,
        unverified=frozenset(str(c) for c in raw["name_unverified"]),
        annexes=annexes,
        synonyms=synonyms,
        credit=str(raw["credit"]),
    )
