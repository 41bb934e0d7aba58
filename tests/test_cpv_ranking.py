"""How `anskaffelse cpv` ranks words: the buyers' words, then the exact name, then whole words, then
shorter names; the exact code first for a code (issue 13, section 1, «Rank matches sensibly»)."""

from __future__ import annotations

import itertools

import pytest

from anskaffelse import cpv


def codes(query: str, limit: int = 20) -> list[str]:
    return [m.code for m in cpv.search(query, limit=limit)]


@pytest.mark.parametrize("query", ["rengjøring", "Rengjøring", "RENGJORING", "rengjoering", "rengjøringen"])
def test_the_exact_name_comes_first(query: str) -> None:
    found = cpv.search(query)
    assert found[0].code == "90910000" and found[0].name == "Rengjøring"
    assert found[0].why.startswith("navnet begynner med")


def test_names_with_the_whole_word_before_compounds_and_shorter_before_longer() -> None:
    found = cpv.search("rengjøring", limit=200)
    names = [m.name for m in found if m.why.startswith("navnet begynner med")]
    whole = [n for n in names if n.casefold().split()[0] == "rengjøring"]
    assert names[: len(whole)] == whole  # «Rengjøring av lokaler» before «Rengjøringsmidler»
    assert "Rengjøringsmidler" in names[len(whole) :]
    assert [len(n) for n in whole[1:]] == sorted(len(n) for n in whole[1:])
    # the goods «Rengjøringsmidler …» no longer come before the cleaning services
    assert codes("rengjøring", 5)[:3] == ["90910000", "90919300", "90911100"]


@pytest.mark.parametrize("query", ["rengjøring", "vask", "drift"])
def test_code_order_breaks_a_tie(query: str) -> None:
    found = [m for m in cpv.search(query, limit=300) if m.why.startswith("navnet begynner med")]
    ties = 0
    for first, second in itertools.pairwise(found):
        whole = [query in m.name.casefold().replace("-", " ").split() for m in (first, second)]
        if len(first.name) == len(second.name) and whole[0] == whole[1]:
            ties += 1
            assert first.code < second.code, (first, second)
    assert ties


def test_kantine_and_its_plural() -> None:
    assert codes("kantine")[:4] == ["55510000", "55512000", "55511000", "55500000"]
    assert codes("kantiner") == codes("kantine")
    assert codes("kantinene") == codes("kantine")
    # «Kantine- og cateringvirksomhet» (the word stands alone) before «Kantineutstyr» (a compound)
    assert codes("kantine").index("55500000") < codes("kantine").index("39312200")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("rusbehandling", ["85144000", "85312500", "85121270"]),
        ("leseprogram", ["80000000", "48190000"]),
        ("arbeidstrening", ["85312510", "80530000", "79611000"]),
    ],
)
def test_buyers_words_come_before_names(query: str, first: list[str]) -> None:
    assert codes(query)[: len(first)] == first


def test_a_two_word_query_matching_a_name_exactly_comes_first() -> None:
    assert codes("drift av kantiner") == ["55512000"]
    assert codes("undervisning i grunnskolen")[0] == "80100000"


def test_the_exact_code_then_its_sub_codes() -> None:
    assert codes("90910000")[:3] == ["90910000", "90911000", "90911100"]
    assert cpv.search("90910000-9")[0].why == "koden"
