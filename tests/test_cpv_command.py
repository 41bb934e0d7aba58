"""`anskaffelse cpv` checked point by point against issue 13, section 1: codes from each vedlegg, the range
edges, the check digit, a prefix, «sannsynligvis … – sjekk», goods and works by division, --json, the
shipped data (8-digit codes, ordered ranges) and its credit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from anskaffelse import cpv
from conftest import cli

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = json.loads(cpv.DATA_FILE.read_text(encoding="utf-8"))


def as_json(query: str, *more: str) -> list[dict[str, Any]]:
    code, out, err = cli("cpv", query, "--json", *more)
    assert code == 0 and not err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def first_line(query: str) -> str:
    code, out, _ = cli("cpv", query, width=300)
    assert code == 0
    return out.splitlines()[0]


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("45000000", "45000000  Bygge- og anleggsvirksomhet – bygge- og anleggsarbeid (FOA vedlegg 1) – "
         "ikke en tjeneste"),
        ("55510000", "55510000  Kantinevirksomhet – særlig tjeneste (FOA vedlegg 2)"),
        ("85311000", "85311000  Sosialomsorg med innkvartering – helse- og sosialtjeneste (FOA vedlegg 3); "
         "også i FOA vedlegg 4, så § 30-2 kan gjelde"),
        ("80100000", "80100000  Undervisning i grunnskolen – helse- og sosialtjeneste (FOA vedlegg 3); "
         "ikke i FOA vedlegg 4, så § 30-2 gjelder ikke"),
        ("72000000", "72000000  Datatjenester: rådgivning, programvareutvikling, internett og systemstøtte – "
         "annen tjeneste – ikke i FOA vedlegg 2 eller 3"),
        ("03111000", "03111000  Frø – vare – ikke en tjeneste"),
    ],
)  # fmt: skip
def test_a_code_from_each_vedlegg_and_each_other_kind(query: str, line: str) -> None:
    assert first_line(query) == line


@pytest.mark.parametrize(
    ("code", "known", "kind", "certainty", "vedlegg4"),
    [
        ("85000000", True, "helse_sosial", "listed", True),  # the first code of the range 85000000–85323000
        ("85323000", True, "helse_sosial", "listed", True),  # the last
        ("85323001", False, "helse_sosial", "probable", None),  # past it: not a CPV code, below 85323000
    ],
)
def test_the_edges_of_the_vedlegg_3_range(
    code: str, known: bool, kind: str, certainty: str, vedlegg4: bool | None
) -> None:
    row = as_json(code)[0]
    assert (row["code"], row["known"], row["kind"], row["certainty"], row["vedlegg4"]) == (
        code,
        known,
        kind,
        certainty,
        vedlegg4,
    )
    assert row["annex"] == 3 and row["citation"] == "FOA vedlegg 3"


def test_85323001_says_it_is_not_a_cpv_code_and_what_to_check() -> None:
    line = first_line("85323001")
    assert line.startswith("85323001  (ikke en kjent CPV-kode) – 85323001 finnes ikke i CPV 2008 – sjekk koden.")
    assert "sannsynligvis helse- og sosialtjeneste (FOA vedlegg 3) – sjekk" in line and "85323000" in line


@pytest.mark.parametrize("typed", ["55510000-7", "55510000-4", "55510000 - 7", "5551 0000-7"])
def test_the_check_digit_is_accepted_and_ignored(typed: str) -> None:
    rows = as_json(typed)
    assert rows[0]["code"] == "55510000" and rows[0]["why"] == "koden"
    assert [r["code"] for r in rows] == ["55510000", "55511000", "55512000"]


def test_a_prefix() -> None:
    rows = as_json("5551")
    assert [r["code"] for r in rows] == ["55510000", "55511000", "55512000"]
    assert {r["why"] for r in rows} == {"koden begynner med 5551"}


def test_a_code_below_a_listed_code_is_only_probably_covered() -> None:
    row = as_json("98341140")[0]  # vaktmestertjenester, below 98000000 of vedlegg 2
    assert (row["certainty"], row["annex"], row["via"]) == ("probable", 2, "98000000")
    assert row["explanation"].startswith("sannsynligvis særlig tjeneste (FOA vedlegg 2) – sjekk")


def test_probably_covered_is_never_taken_as_a_yes_in_a_walk() -> None:
    from anskaffelse.facts import service_kind

    assert service_kind("98341140")[0] is None  # the walk asks for the kind of service instead
    assert service_kind("55510000")[0] == "saerlige"  # listed: it answers «Hva skal dere kjøpe?»


def test_divisions_03_to_44_and_48_are_goods_and_45_is_works() -> None:
    by_division: dict[str, set[str]] = {}
    for code in SHIPPED["codes"]:
        by_division.setdefault(code[:2], set()).add(cpv.classify(code).kind)
    goods = {f"{d:02d}" for d in (*range(3, 45), 48)}
    for division, kinds in by_division.items():
        if division in goods:
            assert kinds == {"vare"}, division
        elif division == "45":
            assert kinds == {"bygg_anlegg"}
        else:
            assert "vare" not in kinds and "bygg_anlegg" not in kinds, division
    assert {"03", "44", "45", "48"} <= set(by_division)  # the vocabulary has no 04–08 and few in between


def test_json_for_words() -> None:
    rows = as_json("kantine", "--limit", "3")
    assert [r["code"] for r in rows] == ["55510000", "55512000", "55511000"]
    assert rows[0]["kind"] == "saerlig" and rows[0]["why"] == "søkeordet «kantine»"
    assert as_json("xyzzyq") == []


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("KANTINE", "55510000"),  # case
        ("grontvedlikehold", "77310000"),  # ø typed as o
        ("groentvedlikehold", "77310000"),  # ø typed as oe
        ("kantinene", "55510000"),  # the definite plural
        ("skolekantine", "55510000"),  # a word inside a longer one
        ("rengjoring", "90910000"),
    ],
)
def test_forgiving_matching(typed: str, first: str) -> None:
    assert as_json(typed)[0]["code"] == first


def test_rus_finds_treatment_not_gravel() -> None:
    rows = as_json("rus", "--limit", "200")
    assert rows and not [r for r in rows if "grus" in r["name"].casefold()]


# --- the shipped data --------------------------------------------------------------------------------------------

EIGHT = re.compile(r"[0-9]{8}")


def test_every_code_in_the_shipped_data_is_8_digits_and_every_range_is_ordered() -> None:
    assert all(EIGHT.fullmatch(c) for c in SHIPPED["codes"])
    for number, annex in SHIPPED["annexes"].items():
        assert all(EIGHT.fullmatch(c) for c in annex["codes"]), number
        for start, end in annex["ranges"]:
            assert EIGHT.fullmatch(start) and EIGHT.fullmatch(end) and start <= end, (number, start, end)
        assert all(c in SHIPPED["codes"] for c in annex["codes"]), number
    for entry in SHIPPED["synonyms"]:
        assert entry["codes"] and all(c in SHIPPED["codes"] for c in entry["codes"]), entry["words"]


def test_the_vedlegg_3_range_of_the_issue_is_in_the_data() -> None:
    assert ["85000000", "85323000"] in SHIPPED["annexes"]["3"]["ranges"]
    assert ["80000000", "80660000"] in SHIPPED["annexes"]["3"]["ranges"]


def test_the_readme_credits_dfo_and_the_licence() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "DFØ (anskaffelser/eforms-sdk-nor), CC BY 4.0" in readme
    _, out, _ = cli("cpv", "kantine")
    assert out.rstrip().endswith(f"({cpv.CREDIT})")
