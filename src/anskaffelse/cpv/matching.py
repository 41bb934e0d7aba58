"""Search by code, code prefix or Norwegian words: folding, stems, compound parts, buyers' words, ranking.

The matching rule and the ranking are in the package docstring (anskaffelse.cpv).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .codes import Classification, _classify, _Data, _data, _Synonym, is_descendant, normalize_code

DEFAULT_LIMIT = 20
MAX_QUERY = 200  # characters of a query that are read; the rest is ignored
MAX_WORDS = 8
MIN_STEM = 4  # an ending is dropped only if this many letters remain
MIN_PART = 5  # a query word this long also matches inside a compound

_PREFIX = re.compile(r"[0-9]{1,7}")
_WORD = re.compile(r"[a-z0-9]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")  # accents
_ENDINGS = ("ene", "ane", "er", "en", "et", "a")
_SMALL_WORDS = frozenset({"og", "i", "av", "for", "til", "med", "pa", "paa", "en", "et", "ei", "som", "eller", "fra"})


@dataclass(frozen=True, slots=True)
class Match:
    """One search hit: the code, its name, what FOA makes of it, and why it matched (Norwegian)."""

    code: str
    name: str
    classification: Classification
    why: str
    note: str | None = None  # from the list of buyers' words: what to check


class _Index:
    __slots__ = ("all_names", "names", "synonyms")

    def __init__(self, data: _Data) -> None:
        folded = fold("\n".join(data.names.values())).split("\n")  # one pass over all names: faster than 9 454
        texts = [" " + " ".join(_WORD.findall(line)) for line in folded]
        self.names: tuple[tuple[str, str], ...] = tuple(zip(data.names, texts, strict=True))
        self.all_names = "\n".join(texts)  # to tell quickly whether a word occurs in any name
        self.synonyms: tuple[tuple[tuple[str, ...], str, _Synonym], ...] = tuple(
            (tuple(query_words(word)), word, entry) for entry in data.synonyms for word in entry.words
        )


_INDEX: _Index | None = None


def _index() -> _Index:
    global _INDEX
    if _INDEX is None:
        _INDEX = _Index(_data())
    return _INDEX


def fold(text: str) -> str:
    """Lower case without accents; æ is ae, and ø, oe and o are all o, å, aa and a all a, so a buyer
    may write «grøntvedlikehold», «groentvedlikehold» or «grontvedlikehold»: «Kantiner på Øya» → «kantiner pa oya»."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")  # str.translate is 5 times slower here
    text = text.replace("oe", "o").replace("aa", "a")
    if text.isascii():  # most names, once æ/ø/å are folded
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def stem(word: str) -> str:
    """A folded word without one simple Norwegian ending: kantinene → kantin, sykehjemmet → sykehjem."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            word = word[: -len(ending)]
            if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiouy0123456789":
                word = word[:-1]  # hjemmet → hjemm → hjem
            break
    return word


def query_words(text: str) -> list[str]:
    """The stemmed words of a query, small words left out unless they are all there is."""
    words = _WORD.findall(fold(text[:MAX_QUERY]))[:MAX_WORDS]
    kept = [w for w in words if w not in _SMALL_WORDS] or words
    return [stem(w) for w in kept]


def _word_tier(word: str, text: str) -> int:
    """1: the name starts with `word`; 2: a word in it does; 3: a compound part; 0: no match."""
    if (" " + word) in text:
        return 1 if text.startswith(" " + word) else 2
    if len(word) >= MIN_PART and word in text:
        return 3
    return 0


_TIER_WHY = {
    1: "navnet begynner med {q}",
    2: "et ord i navnet begynner med {q}",
    3: "{q} er del av et sammensatt ord i navnet",
}


def search(query: str, limit: int = DEFAULT_LIMIT) -> list[Match]:
    """Codes for a code, a code prefix or Norwegian words; [] for an empty or unknown query. Never raises on text."""
    if not isinstance(query, str) or limit <= 0:
        return []
    text = query[:MAX_QUERY].strip()
    if not text:
        return []
    data = _data()
    code = normalize_code(text)
    if code is not None:
        return _code_matches(code, data, limit)
    digits = "".join(text.split())
    if _PREFIX.fullmatch(digits):
        hits = [c for c in data.names if c.startswith(digits)]  # names are in code order
        return [_match(c, data, f"koden begynner med {digits}") for c in hits[:limit]]
    words = query_words(text)
    if not words:
        return []
    index = _index()
    tails = [_compound_tail(word, index) for word in words]
    shown = "«" + " ".join(text.split()) + "»"
    if tails != words:
        shown = "«" + " ".join(tails) + f"» (sist i {shown})"
        words = tails
    found: dict[str, Match] = {}
    for exact in (True, False):
        for key, word, synonym in index.synonyms:
            if _synonym_hit(words, key, exact=exact):
                for c in synonym.codes:
                    if c not in found:
                        found[c] = _match(c, data, f"søkeordet «{word}»", synonym.note)
    ranked: list[tuple[int, int, int, int, str]] = []
    for c, name_text in index.names:
        if c in found:
            continue
        worst = 0
        for word in words:
            tier = _word_tier(word, name_text)
            if tier == 0:
                break
            worst = max(worst, tier)
        else:
            ranked.append((worst, *_closeness(words, name_text), len(data.names[c]), c))
    ranked.sort()
    for tier, _exact, _whole, _length, c in ranked[: max(0, limit - len(found))]:
        found[c] = _match(c, data, _TIER_WHY[tier].format(q=shown))
    return list(found.values())[:limit]


def _closeness(words: list[str], text: str) -> tuple[int, int]:
    """How closely a name fits the query, smaller first, within one tier: (0 if the name is the query
    words and nothing else, 0 if every query word is a whole word of the name); the caller adds the
    name's length.

    «Rengjøring» before «Rengjøring av lokaler» before «Rengjøringsmidler»; then shorter (more
    general) names before longer ones, and code order breaks a tie (the caller sorts by code last).
    """
    name_words = [_base(w) for w in text.split()]
    kept = [w for w in name_words if w not in _SMALL_WORDS] or name_words
    wanted = [_base(w) for w in words]
    exact = 0 if kept == wanted else 1
    whole = 0 if all(w in name_words for w in wanted) else 1
    return exact, whole


def _base(word: str) -> str:
    """A stemmed word without a last «e», for telling whole words apart: «kantine» and «kantiner» → «kantin»."""
    word = stem(word)
    return word[:-1] if word.endswith("e") and len(word) > MIN_STEM else word


def _compound_tail(word: str, index: _Index) -> str:
    """`word`, or the longest last part of it that starts a word in some name, if `word` occurs nowhere.

    «skolekantine» is in no name and is no buyers' word, but «kantine» starts words in names: search for that.
    """
    if (" " + word) in index.all_names or (len(word) >= MIN_PART and word in index.all_names):
        return word
    if any(any(k.startswith(word) for k in key) for key, _word, _entry in index.synonyms):
        return word
    for start in range(3, len(word) - MIN_PART + 1):
        tail = word[start:]
        if (" " + tail) in index.all_names or any(tail in key for key, _word, _entry in index.synonyms):
            return tail
    return word


def _synonym_hit(words: list[str], key: tuple[str, ...], *, exact: bool) -> bool:
    if exact:
        return tuple(words) == key
    return tuple(words) != key and all(
        any(k.startswith(w) or (len(w) >= MIN_PART and w in k) for k in key) for w in words
    )


def _code_matches(code: str, data: _Data, limit: int) -> list[Match]:
    """The code itself (known or not), then the known codes below it in code order."""
    matches = [_match(code, data, "koden")]
    significant = code.rstrip("0")
    prefix = significant if len(significant) >= 2 else code[:2]
    for c in data.names:
        if len(matches) >= limit:
            break
        if c != code and c.startswith(prefix) and is_descendant(c, code):
            matches.append(_match(c, data, f"underkode av {code}"))
    return matches[:limit]


def _match(code: str, data: _Data, why: str, note: str | None = None) -> Match:
    found = _classify(code, data)
    return Match(code, found.name or "(ikke en kjent CPV-kode)", found, why, note)
