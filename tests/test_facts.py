"""Computed facts (compute:), number and CPV questions, walked and validated on a small catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from anskaffelse.answers import Answers
from anskaffelse.catalog import check, open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.errors import AnswerError
from anskaffelse.session import walk

TREE = """id: verdi
title: Verdi
version: "1"
start: type
nodes:
  type:
    question: Hvilken CPV-kode?
    help: Koden for det dere kjøper.
    input: cpv
    fact: cpv
    sets: tjenestetype
    next: art
  art:
    question: Hva slags tjeneste?
    help: Bare når koden ikke avgjør det.
    fact: tjenestetype
    choices:
      helse_sosial: {label: Helse og sosial, next: enheter}
      saerlige: {label: Særlige, next: enheter}
      bygg_anlegg: {label: Bygg, next: enheter}
      annet: {label: Annet, next: enheter}
      vet_ikke: {label: Vet ikke, next: enheter}
  enheter:
    question: Hvor mange skoler kjøper det samme?
    help: Tell alle enhetene som kjøper det samme.
    input: number
    fact: enheter
    next: pris
  pris:
    question: Hva koster det per skole per år?
    help: Ekskl. mva.
    input: amount
    fact: enhetspris
    next: aar
  aar:
    question: Hvor mange år varer kontrakten, med opsjoner?
    help: Alle år som kan komme, også opsjoner.
    input: number
    fact: aar
    next: sum
  sum:
    compute: kontraktsverdi
    value: "enheter * enhetspris * aar"
    label: Slik er verdien beregnet
    explain: "{enheter} skoler × {enhetspris} × {aar} år = {kontraktsverdi} (FOA § 5-4 (3), (1))"
    sources: [loa-4]
    next: total
  total:
    question: Samlet verdi?
    help: Bare når den ikke er beregnet.
    input: amount
    fact: kontraktsverdi
    next: over
  over:
    branch:
      - when: {fact: kontraktsverdi, gte: 7200000}
        next: stor
      - otherwise: liten
  stor:
    outcome: {verdict: vurder, title: Stor, text: T, sources: [loa-4]}
  liten:
    outcome: {verdict: vurder, title: Liten, text: T, sources: [loa-4]}
"""


@pytest.fixture
def catalogue(catalogue_with: Callable[..., Path]) -> Path:
    return catalogue_with({"verdi.yaml": TREE})


def run(root: Path, **answers: str) -> tuple[str, list[tuple[str, object, str, str]]]:
    engine = Engine(open_catalogue(root), dt.date(2026, 6, 1))
    state = walk(engine, "verdi", Answers(dict(answers), origin="test"), None, terminal=False)
    outcome = engine.outcome(state)
    assert outcome is not None
    return outcome.id, [(s.key, s.answer, s.answer_label, s.origin) for s in state.steps]


def test_twelve_schools_times_a_yearly_order_times_four_years_is_computed_and_shown(catalogue: Path) -> None:
    outcome, steps = run(catalogue, cpv="55524000", enheter="12", enhetspris="150 000", aar="4")
    assert outcome == "stor"
    computed = [s for s in steps if s[0] == "kontraktsverdi"]
    assert computed[0][1] == Decimal("7200000")
    assert computed[0][2] == "12 skoler × 150 000 kr × 4 år = 7 200 000 kr (FOA § 5-4 (3), (1))"
    assert computed[0][3] == "computed"
    assert len(computed) == 2 and computed[1][3] == "fact"  # the total question is then known, not asked


def test_a_listed_cpv_code_settles_the_service_kind_and_is_shown_with_its_name(catalogue: Path) -> None:
    _, steps = run(catalogue, cpv="85311000-2", enheter="1", enhetspris="100000", aar="1")
    cpv = next(s for s in steps if s[0] == "cpv")
    assert cpv[1] == "85311000"  # the check digit is accepted and left out
    assert "Sosialomsorg med innkvartering" in cpv[2] and "vedlegg 3" in cpv[2]
    assert ("tjenestetype", "helse_sosial") in [(s[0], s[1]) for s in steps if s[3] == "fact"]


@pytest.mark.parametrize(
    ("code", "kind"), [("55510000", "saerlige"), ("48000000", "annet"), ("45000000", "bygg_anlegg")]
)
def test_each_kind_of_code_settles_its_kind(catalogue: Path, code: str, kind: str) -> None:
    _, steps = run(catalogue, cpv=code, enheter="1", enhetspris="100000", aar="1")
    assert ("tjenestetype", kind) in [(s[0], s[1]) for s in steps]


def test_vet_ikke_leaves_the_service_kind_to_be_asked(catalogue: Path) -> None:
    with pytest.raises(AnswerError, match="tjenestetype"):
        run(catalogue, cpv="vet ikke", enheter="1", enhetspris="100000", aar="1")
    _, steps = run(catalogue, cpv="vet_ikke", tjenestetype="annet", enheter="1", enhetspris="100000", aar="1")
    assert ("tjenestetype", "annet", "file") in [(s[0], s[1], s[3]) for s in steps]


@pytest.mark.parametrize(
    ("raw", "message"),
    [("kantine", "er ikke en CPV-kode"), ("12345678", "finnes ikke i CPV 2008"), ("5551", "er ikke en CPV-kode")],
)
def test_a_cpv_answer_that_is_no_code_is_refused_with_what_to_do(catalogue: Path, raw: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        run(catalogue, cpv=raw, enheter="1", enhetspris="100000", aar="1")


@pytest.mark.parametrize("raw", ["0", "-3", "tolv", "1e9", "2,5555"])
def test_a_number_question_refuses_what_is_not_a_positive_number(catalogue: Path, raw: str) -> None:
    with pytest.raises(AnswerError, match="enheter"):
        run(catalogue, cpv="55524000", enheter=raw, enhetspris="100000", aar="1")


@pytest.mark.parametrize(
    ("value", "message", "column"),
    [
        ('"enheter * enhetsprs * aar"', "ukjent faktum «enhetsprs» (mente du «enhetspris»?)", 23),
        ('"enheter * enhetspris * aar * tjenestetype"', "kan ikke gange et beløp med et valg", 40),
        ('"enheter * enhetspris +"', "uttrykket slutter for tidlig", 35),
    ],
)
def test_a_broken_computation_is_reported_where_it_is_written(
    catalogue_with: Callable[..., Path], value: str, message: str, column: int
) -> None:
    root = catalogue_with({"verdi.yaml": TREE.replace('"enheter * enhetspris * aar"', value)})
    _, findings = check(root)
    errors = [f for f in findings if not f.warning and f.loc.file.endswith("verdi.yaml")]
    assert errors, findings
    assert errors[0].loc.line == 43
    assert message in errors[0].message
    assert errors[0].loc.col == column, errors[0]


def test_sets_must_name_a_choice_fact_with_every_service_kind(catalogue_with: Callable[..., Path]) -> None:
    root = catalogue_with(
        {
            "verdi.yaml": TREE.replace("      vet_ikke: {label: Vet ikke, next: enheter}\n", "").replace(
                "      bygg_anlegg: {label: Bygg, next: enheter}\n", ""
            )
        }
    )
    _, findings = check(root)
    assert any("sets: «tjenestetype» må være et valgspørsmål med valgene" in f.message for f in findings)


def test_a_whole_number_is_shown_as_written_not_in_exponent_form(catalogue: Path) -> None:
    _, steps = run(catalogue, cpv="55524000", enheter="10", enhetspris="100000", aar="60")
    shown = {key: label for key, _, label, _ in steps}
    assert shown["enheter"] == "10" and shown["aar"] == "60"  # not «1E+1» and «6E+1»
