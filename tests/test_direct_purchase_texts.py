"""direkte-anskaffelse names only the provisions of the walk's part (issue 12 § 1), says what is
missing after «vet ikke» and when a written reason is missing (issue 12 § 2, issue 14 § 1), and says
first whether the supplier in mind can take part in a reserved competition. Each walk is a case file of
the catalogue (trees/cases), so the same answers also prove the outcome id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from anskaffelse.answers import load_answers
from anskaffelse.export import build_trace
from anskaffelse.session import walk
from conftest import BUNDLED, engine_for

CASES = BUNDLED / "cases"
CREATED = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def outcome_of(name: str) -> dict[str, Any]:
    path: Path = next(CASES.glob(f"{name}-*.yaml"))
    case = load_answers(path)
    assert case.tree and case.date
    engine = engine_for(BUNDLED, dt.date.fromisoformat(case.date))
    state = walk(engine, case.tree, case, None)
    return build_trace(engine, state, case.tree, CREATED, complete=True)["outcome"]


def words(outcome: dict[str, Any]) -> str:
    parts = [outcome["title"], *_paragraphs(outcome["text"]), *outcome["steps"], *outcome.get("document", [])]
    return " ".join(" ".join(parts).split())


def _paragraphs(text: str | list[str]) -> list[str]:
    return [text] if isinstance(text, str) else list(text)


# case number → (verdict, must say, must not say)
EXPECTED: dict[str, tuple[str, list[str], list[str]]] = {
    # Del I: never «ulovlig direkte anskaffelse» as a risk, LOA § 4's five principles, no intention notice.
    "140": (
        "vurder",
        [
            "forutberegnelighet, etterprøvbarhet og forholdsmessighet",
            "KOFA 2022/50",
            "Begrunnelsen mangler",
            "ingen intensjonskunngjøring",
            "FOA § 7-1 (1) og (3)",
        ],
        ["§ 8-18", "§ 21-5", "§ 30-6", "§ 10-5", "§ 25-5"],
    ),
    "166": (
        "ikke_tillatt",
        [
            "ikke en «ulovlig direkte anskaffelse»",
            "ingen fast plikt til å spørre et bestemt antall",
            "300 000 kr",
            "FOA § 7-9",
            "revidert med virkning fra 1. juli 2026",
        ],
        ["§ 8-17", "§ 21-2", "§ 30-5", "§ 10-5", "§ 25-5", "Kjøper dere direkte likevel, er det en ulovlig"],
    ),
    "164": ("vurder", ["tegnspråktolk", "holdt utenfor del II", "3 000 000 kr"], ["Begrunnelsen mangler"]),
    # Del II (§ 5-2): § 7-1, not § 10-5; intention notice § 8-18 without suspension.
    "151": (
        "vurder",
        [
            "§ 5-2 (1) bokstav a",
            "FOA § 8-18",
            "ingen suspensjon",
            "§ 10-5 gjelder ikke",
            "Begrunnelsen mangler",
            "KOFA 2023/812",
        ],
        ["§ 21-5", "§ 30-6", "§ 25-3", "§ 25-5"],
    ),
    "165": (
        "ikke_tillatt",
        ["(FOA § 8-17)", "§ 5-2", "FOA § 8-11", "Protokoll etter FOA § 10-5."],
        ["§ 21-2", "§ 30-5", "§ 18-1", "§ 25-5", "§ 19-4"],
    ),
    # Særlige tjenester over the EØS threshold: § 8-17 (5) b, suspension § 10-3.
    "153": ("vurder", ["§ 8-17 (5) bokstav b", "§ 10-3", "§ 8-19", "bokstav o"], ["§ 21-5", "§ 30-6", "§ 25-5"]),
    "155": ("ikke_tillatt", ["§ 21-1", "§ 8-19", "§ 8-17 (5) bokstav b"], ["§ 21-2", "§ 30-5"]),
    # Del III: § 25-5 (2) e, § 21-5 and suspension § 25-3 (1) b.
    "149": (
        "vurder",
        ["§ 25-5 (2) bokstav e", "FOA § 21-5", "§ 25-3 (1) bokstav b", "patent nr. 123456", "3 000 000 kr"],
        ["§ 8-18", "§ 30-6", "§ 10-5", "Begrunnelsen mangler"],
    ),
    "150": ("vurder", ["Begrunnelsen mangler", "mangler og må skrives inn", "tekniske årsaker"], ["«vet ikke»"]),
    "163": ("vurder", ["Dere svarte «vet ikke» på verdien", "FOA § 5-4"], ["Anslått verdi er vet ikke"]),
    # Del IV: § 30-5 (4), § 30-6, § 30-10; brukervalg where award is advised.
    "152": (
        "vurder",
        ["§ 30-5 (4)", "FOA § 30-6", "§ 30-10 (1) bokstav b", "§ 30-1 (7)"],
        ["§ 8-18", "§ 21-5", "§ 25-5"],
    ),
    "154": (
        "ikke_tillatt",
        ["(FOA § 30-5)", "§ 30-1 (4)", "eneste tildelingskriteriet", "FOA § 7-9"],
        ["§ 8-17", "§ 21-2", "§ 8-11", "§ 18-1"],
    ),
    "162": ("vurder", ["FOA § 30-4", "Begrunnelsen mangler", "§ 7-1", "ikke etter § 10-5"], ["§ 10-5 (2)", "§ 25-5"]),
    # Other exceptions, by part.
    "156": (
        "vurder",
        ["ingen liste over unntak", "LOA § 4", "Leverandøren gikk konkurs"],
        ["§ 5-2", "§ 13-3", "§ 8-18"],
    ),
    "157": (
        "vurder",
        ["§ 13-3", "§ 21-5", "§ 25-5 (2) bokstav e", "Begrunnelsen mangler"],
        ["§ 5-2 (1)", "§ 8-18", "§ 30-6"],
    ),
    "158": (
        "vurder",
        ["§ 30-5 (4)", "§ 30-6", "§ 30-10 (1) bokstav b"],
        ["§ 5-2 (1)", "§ 21-5", "Begrunnelsen mangler"],
    ),
    # «Vet ikke»: the missing fact is named, never a permission or a prohibition.
    "141": ("vurder", ["Det som mangler: om noen andre", "LOA § 4"], ["Det som mangler: grunnen"]),
    "142": (
        "vurder",
        ["Det som mangler: grunnen til at dere vil kjøpe direkte", "FOA § 5-2 (1) bokstav a–g"],
        ["Det som mangler: om noen andre", "§ 13-3", "§ 30-5"],
    ),
    "143": ("vurder", ["Det som mangler: hva som gjør at bare denne leverandøren"], []),
    "144": ("vurder", ["Det som mangler: om det er nettopp denne kunstnerens"], []),
    "145": ("vurder", ["Det som mangler: om det finnes rimelige alternativer"], []),
    "146": ("vurder", ["Det som mangler: om vilkårene i FOA § 30-4"], []),
    # The supplier in mind, said first; and the change of topic.
    "147": (
        "vurder",
        ["Dere vet ikke hva slags leverandør det er", "kan ikke delta i en konkurranse som er reservert for ideelle"],
        [],
    ),
    "148": ("vurder", ["dere vet ikke om det dere kjøper, er helse- og sosialtjenester"], []),
    "159": (
        "vurder",
        [
            "kan delta i en konkurranse som er reservert for ideelle organisasjoner (FOA § 30-2a) bare hvis",
            "aksjeselskap som deler ut utbytte til private eiere, kan ikke delta",
            "§ 10-5 (2) bokstav n",
        ],
        ["§ 8-8", "§ 16-9"],
    ),
    "160": (
        "vurder",
        ["FOA § 30-3", "Den kan ikke delta i en konkurranse som er reservert for ideelle"],
        ["§ 8-8", "§ 16-9"],
    ),
    "161": (
        "vurder",
        ["FOA § 16-9", "Dere kan ikke kjøpe direkte fra én leverandør: forskriftens del III"],
        ["§ 8-8", "§ 30-3", "Den kan ikke delta i en konkurranse som er reservert for ideelle"],
    ),
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_the_outcome_names_only_what_applies_to_the_walk(number: str) -> None:
    verdict, present, absent = EXPECTED[number]
    outcome = outcome_of(number)
    said = words(outcome)
    assert outcome["verdict"] == verdict, outcome["node"]
    for phrase in present:
        assert phrase in said, f"{number}: «{phrase}» is missing from {outcome['node']}: {said}"
    for phrase in absent:
        assert phrase not in said, f"{number}: «{phrase}» should not be in {outcome['node']}: {said}"


def test_the_supplier_in_mind_comes_first() -> None:
    for number in ("147", "159", "160", "161"):
        first = _paragraphs(outcome_of(number)["text"])[0]
        assert first.startswith(("Leverandøren dere har i tankene", "Dere vet ikke hva slags leverandør")), first


def test_no_permissive_verdict_is_left_in_the_tree() -> None:
    from anskaffelse.catalog import open_catalogue

    tree = open_catalogue(BUNDLED).trees["direkte-anskaffelse"]
    permissive = {o.id for o in tree.outcomes() if o.verdict == "tillatt"}
    assert permissive == set()


def test_paths_follow_a_branch_written_as_an_expression(catalogue_with: Callable[..., Path]) -> None:
    """`show --paths` explores the future of each state once; a fact that only an expression branch reads
    (here one set by `call … sets:`) must keep two states apart, or an outcome is never listed."""
    from anskaffelse.paths import enumerate_paths

    root = catalogue_with(
        {
            "uttrykk.yaml": """id: uttrykk
title: Uttrykk i en forgrening
version: "1.0"
valid_from: 2026-01-01
start: kall
nodes:
  kall:
    call: under
    sets: svar
    returns: {a: tekst, b: tekst}
  tekst:
    question: Skriv noe
    help: Et fritt svar mellom kallet og forgreningen, slik at to tilstander møtes her.
    input: text
    fact: fritekst
    next: velg
  velg:
    branch:
      - when: 'svar = "a"'
        next: ut_a
      - otherwise: ut_b
  ut_a:
    outcome: {verdict: vurder, title: A, text: A, steps: [S], document: [D], sources: [loa-4]}
  ut_b:
    outcome: {verdict: vurder, title: B, text: B, steps: [S], document: [D], sources: [loa-4]}
"""
        }
    )
    engine = engine_for(root)
    assert {p.outcome for p in enumerate_paths(engine, "uttrykk")} == {"ut_a", "ut_b"}
