"""The bundled legal catalogue: valid, every path walked, every case a buyer described, every threshold boundary."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from anskaffelse.catalog import check, open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.model import Call, Catalogue, Goto, Outcome, Question
from anskaffelse.paths import WalkedPath, enumerate_paths
from conftest import BUNDLED, cli

CASES = sorted((BUNDLED / "cases").glob("*.yaml"))
DAY = dt.date(2026, 6, 1)
PRIMARY = re.compile(r"^https://(lovdata\.no|eur-lex\.europa\.eu|curia\.europa\.eu)/")


@cache
def catalogue() -> Catalogue:
    return open_catalogue(BUNDLED)


@cache
def paths_of(tree: str) -> tuple[WalkedPath, ...]:
    return tuple(enumerate_paths(Engine(catalogue(), DAY), tree))


def test_the_bundled_catalogue_validates_without_errors_or_warnings() -> None:
    _, findings = check(BUNDLED)
    assert [str(f) for f in findings] == []


def test_the_five_trees_of_the_issue_are_there() -> None:
    assert {
        "er-det-en-anskaffelse",
        "ideell-status",
        "direkte-anskaffelse",
        "reserverte-kontrakter",
        "veiviser",
    } <= set(catalogue().trees)


REQUIRED_OUTCOMES = {
    "er-det-en-anskaffelse": {"anskaffelse", "tilskudd", "unntak-2-4", "utenfor-regelverket"},
    "ideell-status": {"ideell", "kommersiell", "uavklart"},
    "direkte-anskaffelse": {
        "utenfor-regelverket",
        "direkte-del-1-dokumenter",
        "direkte-13-4-tillatt",
        "konkurranse-kreves",
        "vurder-reservasjon",
    },
    "reserverte-kontrakter": {
        "reservert-integrering",
        "reservert-ideell-30-2a",
        "reservert-art-77-30-2",
        "del-1-kan-invitere-ideelle",
        "kan-ikke-reservere",
    },
}


@pytest.mark.parametrize("tree", sorted(REQUIRED_OUTCOMES))
def test_each_tree_has_the_outcome_ids_the_issue_names(tree: str) -> None:
    assert REQUIRED_OUTCOMES[tree] <= {o.id for o in catalogue().trees[tree].outcomes()}


def _tree_ids() -> list[str]:
    return sorted(p.stem for p in BUNDLED.glob("*.yaml") if p.stem not in ("kilder", "terskelverdier", "katalog"))


@pytest.mark.parametrize("tree", _tree_ids())
def test_every_path_ends_in_an_outcome_with_sources_in_the_registry(tree: str) -> None:
    cat = catalogue()
    paths = paths_of(tree)
    assert paths
    for path in paths:
        outcome = cat.trees[path.outcome_tree].nodes[path.outcome]
        assert isinstance(outcome, Outcome)
        assert outcome.sources and all(s in cat.sources for s in outcome.sources), path
    reached = {(p.outcome_tree, p.outcome) for p in paths}
    own = {(tree, o.id) for o in cat.trees[tree].outcomes()}
    assert own <= reached, f"no path reaches {sorted(own - reached)}"


def _outcomes_without_asking(
    cat: Catalogue, tree: str, node: str, seen: set[tuple[str, str]]
) -> set[tuple[str, str, str]]:
    """Outcomes reachable from a node through branches, calls and gotos alone – no further question."""
    if (tree, node) in seen:
        return set()
    seen.add((tree, node))
    n = cat.trees[tree].nodes[node]
    if isinstance(n, Outcome):
        return {(tree, n.id, n.verdict)}
    if isinstance(n, Question):
        return set()
    if isinstance(n, Goto):
        return _outcomes_without_asking(cat, n.tree, cat.trees[n.tree].start, seen)
    if isinstance(n, Call):
        called = cat.trees[n.tree]
        if _outcomes_without_asking(cat, called.id, called.start, set()) == set():
            return set()  # the called tree asks first
        found: set[tuple[str, str, str]] = set()
        for outcome_id, target in n.returns:
            verdict = cat.trees[n.tree].nodes[outcome_id]
            assert isinstance(verdict, Outcome)
            found |= (
                {(n.tree, outcome_id, verdict.verdict)}
                if target == "end"
                else _outcomes_without_asking(cat, tree, target, seen)
            )
        return found
    return set().union(*(_outcomes_without_asking(cat, tree, t, seen) for t in n.targets()))


def test_vet_ikke_never_leads_straight_to_a_permissive_outcome() -> None:
    cat = catalogue()
    offered = 0
    for tree in cat.trees.values():
        for question in tree.questions():
            choice = question.choice("vet_ikke")
            if choice is None:
                continue
            offered += 1
            reached = _outcomes_without_asking(cat, tree.id, choice.next, set())
            assert not [o for o in reached if o[2] == "tillatt"], f"{tree.id}/{question.id}: {reached}"
    assert offered >= 10


@pytest.mark.parametrize("tree", [t for t in _tree_ids() if t != "veiviser"])
def test_vet_ikke_on_the_supplier_or_the_conditions_ends_cautiously(tree: str) -> None:
    """Every enumerated path of a single tree that chose «vet ikke» ends in a non-permissive outcome,
    except where vet_ikke only routed on to more questions or to the cautious assumption (the
    organisational form; the CPV code, after which the kind of service is asked; the value
    estimate's questions, after which more is asked or the cautious value is used (for lots: no lot
    follows simpler rules); the kind of
    service and whether the contract is mixed, which decide the part only above the national
    threshold: below it, del I applies whatever the answer). «Vet ikke» typed at a free question
    (an amount) is listed by show --paths too; where it ends, see test_safe_defaults."""
    routing = {"leverandor_form", "cpv", "vb_type", "vb_enheter_spm", "vb_opsjoner", "vb_varighet", "vb_delkontrakter"}
    routing |= {"tjenestetype", "annen_del"}  # shown since show --paths lists every answer at least once
    choices = {q.key for t in catalogue().trees.values() for q in t.questions() if q.choices}
    for path in paths_of(tree):
        unknown = [key for key, raw in path.answers if raw == "vet_ikke" and key in choices - routing]
        if unknown:
            assert path.verdict != "tillatt", path


def test_every_outcome_says_answer_why_steps_protocol_and_sources() -> None:
    for tree in catalogue().trees.values():
        for outcome in tree.outcomes():
            where = f"{tree.id}/{outcome.id}"
            assert outcome.title.strip() and len(outcome.title) < 200, where
            assert len(" ".join(p.source for p in outcome.text).split()) >= 15, f"{where}: 'text' (why) is too thin"
            assert outcome.steps, f"{where}: no next steps"
            assert outcome.document, f"{where}: nothing to write in the protocol"
            assert outcome.sources, where


def test_results_speak_to_the_buyer_not_of_the_tools_trees_or_commands() -> None:
    """No outcome (the record a lawyer reads) names a tree by its id or tells the buyer to run a tree by
    command: it names the choice in the guide instead («Om vi kan reservere konkurransen»)."""
    trees = set(catalogue().trees)
    for tree in catalogue().trees.values():
        for outcome in tree.outcomes():
            for part in (*outcome.text, *outcome.steps, *outcome.document):
                where = f"{tree.id}/{outcome.id}: {part.source[:80]}"
                assert "treet «" not in part.source, where
                assert not re.search(r"anskaffelse run [a-z]", part.source), where
                assert not {f"«{t}»" for t in trees} & set(re.findall(r"«[^»]+»", part.source)), where


def test_every_question_has_help_with_an_example() -> None:
    for tree in catalogue().trees.values():
        for question in tree.questions():
            assert len(question.help.split()) >= 12, f"{tree.id}/{question.id}: help is too thin"


def test_every_source_has_an_https_link_and_a_checked_date() -> None:
    for source in catalogue().sources.values():
        assert source.url.startswith("https://"), f"{source.id}: {source.url}"
        assert source.checked is not None and source.checked <= dt.date.today(), source.id
        assert source.status in ("primary", "confirmed", "verify"), source.id


def test_every_outcome_cites_at_least_one_primary_legal_text() -> None:
    cat = catalogue()
    for tree in cat.trees.values():
        for outcome in tree.outcomes():
            urls = [cat.sources[s].url for s in outcome.sources]
            assert any(PRIMARY.match(u) for u in urls), f"{tree.id}/{outcome.id}: {urls}"


def test_lovdata_links_point_at_the_cited_paragraph() -> None:
    for source in catalogue().sources.values():
        match = re.search(
            r"lovdata\.no/(forskrift/2016-08-12-974|lov/2016-06-17-73)/§(\d+(?:-\d+)?[a-z]?)$", source.url
        )
        if not match:
            continue
        law = "FOA" if "forskrift" in match.group(1) else "LOA"
        assert source.citation.startswith(f"{law} § {match.group(2)}"), (
            f"{source.id}: {source.citation} vs {source.url}"
        )


def test_citations_marked_verify_are_not_more_precise_than_a_paragraph() -> None:
    for source in catalogue().sources.values():
        if source.status == "verify":
            assert not re.search(r"\(\d+\)|bokstav|nr\.", source.citation), f"{source.id}: {source.citation}"


# --- realistic cases ---------------------------------------------------------------------


def _expected(path: Path) -> str:
    """The outcome a case file expects (`expect: id`, or `expect: {outcome: id, …}`)."""
    from anskaffelse.cases import read_expectation

    found = read_expectation(path).outcome
    assert found, path
    return found


def test_there_are_at_least_15_cases_and_they_cover_every_required_outcome() -> None:
    assert len(CASES) >= 15
    expected = {_expected(p) for p in CASES}
    for outcomes in REQUIRED_OUTCOMES.values():
        assert outcomes <= expected, outcomes - expected


def test_the_catalogues_own_cases_pass_through_anskaffelse_test() -> None:
    """The bundled cases (trees/cases) are run the way an author runs them: `anskaffelse test`."""
    code, out, err = cli("test", width=200)
    assert code == 0, out[-3000:] + err
    assert f"{len(CASES)} saker: {len(CASES)} OK, 0 FEIL" in out
    assert "advarsel" not in out  # no case gives an answer its walk never uses
    assert "Utfall ingen sak når" not in out  # every outcome of the catalogue is reached by some case


# --- threshold boundaries ---------------------------------------------------------------------

PROBE = """id: probe
title: Terskelprøve
version: "1"
start: verdi
nodes:
  verdi:
    question: Verdi?
    help: Et beløp i kroner ekskl. mva. som sammenlignes med én terskelverdi, for eksempel 1 300 000.
    input: amount
    fact: probe_verdi
    next: sammenlign
  sammenlign:
    branch:
      - when: {fact: probe_verdi, gte: {threshold: THRESHOLD}}
        next: over
      - otherwise: under
  over:
    outcome: {verdict: vurder, title: Lik eller over, text: T, steps: [S], document: [D], sources: [SOURCE]}
  under:
    outcome: {verdict: vurder, title: Under, text: T, steps: [S], document: [D], sources: [SOURCE]}
"""


def _thresholds() -> list[tuple[str, dt.date, int]]:
    # A reported value is never the threshold (tests/test_reported.py): only confirmed values are probed.
    found = catalogue().thresholds.values()
    amounts = [t for t in found if t.unit == "kr"]  # not a rule's percentage or months
    return [(t.id, v.start, int(v.amount)) for t in amounts for v in t.values if v.status == "bekreftet"]


@pytest.mark.parametrize(("threshold", "start", "amount"), _thresholds())
def test_one_krone_below_on_and_above_each_dated_value(
    threshold: str, start: dt.date, amount: int, tmp_path: Path, catalogue_with: Callable[..., Path]
) -> None:
    root = tmp_path / "probe"
    root.mkdir()
    for name in ("kilder.yaml", "terskelverdier.yaml"):
        shutil.copy(BUNDLED / name, root / name)
    source = catalogue().thresholds[threshold].source
    (root / "probe.yaml").write_text(PROBE.replace("THRESHOLD", threshold).replace("SOURCE", source), encoding="utf-8")
    engine = Engine(open_catalogue(root), start)
    results = []
    for value in (amount - 1, amount, amount + 1):
        state = engine.answer(engine.start("probe"), str(value))
        results.append(state.node)
        assert [(u.id, int(u.amount), u.start) for u in state.thresholds] == [(threshold, amount, start)]
    assert results == ["under", "over", "over"]
