"""The pure walker, driven by scripted answers through every path of the fixture trees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from anskaffelse.engine import Engine
from anskaffelse.errors import AnswerError
from anskaffelse.model import Outcome
from anskaffelse.paths import enumerate_paths
from conftest import KINDS, SKETCH, engine_for


def walk(engine: Engine, tree: str, answers: list[str]) -> tuple[str, str, list[str]]:
    state = engine.start(tree)
    for raw in answers:
        state = engine.answer(state, raw)
    outcome = engine.outcome(state)
    assert outcome is not None, f"walk stopped at {state.tree}/{state.node}"
    return state.tree, outcome.id, [s.origin for s in state.steps]


def _all_paths() -> list[tuple[Path, str]]:
    return [(SKETCH, "reserverte-kontrakter"), (SKETCH, "ideell-status"), (KINDS, "hoved"), (KINDS, "under")]


@pytest.mark.parametrize(("root", "tree_id"), _all_paths(), ids=lambda v: getattr(v, "name", v))
def test_every_path_ends_in_an_outcome_with_known_sources(root: Path, tree_id: str) -> None:
    engine = engine_for(root)
    paths = enumerate_paths(engine, tree_id)
    reached = {(p.outcome_tree, p.outcome) for p in paths}
    for path in paths:
        # Walk the recorded answers again through the public API: the same outcome must come out.
        state = engine.start(tree_id)
        for _, raw in path.answers:
            state = engine.answer(state, raw)
        outcome = engine.outcome(state)
        assert outcome is not None and outcome.id == path.outcome
        assert outcome.sources and all(s in engine.catalogue.sources for s in outcome.sources)
    own = {(tree_id, o.id) for o in engine.catalogue.trees[tree_id].outcomes()}
    called = {p.outcome_tree for p in paths} - {tree_id}
    assert own - reached == set(), "outcomes no path reaches"
    assert all(t in engine.catalogue.trees for t in called)


def test_sketch_paths_are_exactly_the_expected_routes() -> None:
    engine = engine_for(SKETCH)
    outcomes = sorted({(p.outcome_tree, p.outcome) for p in enumerate_paths(engine, "reserverte-kontrakter")})
    assert outcomes == [
        ("reserverte-kontrakter", "integrering"),
        ("reserverte-kontrakter", "kan_ikke"),
        ("reserverte-kontrakter", "kan_reservere"),
        ("reserverte-kontrakter", "under_terskel"),
    ]


def test_call_returns_to_the_caller_by_outcome_id() -> None:
    engine = engine_for(SKETCH)
    assert walk(engine, "reserverte-kontrakter", ["helse_sosial", "8 mill", "ja"])[:2] == (
        "reserverte-kontrakter",
        "kan_reservere",
    )
    assert walk(engine, "reserverte-kontrakter", ["helse_sosial", "8 mill", "vet_ikke"])[:2] == (
        "reserverte-kontrakter",
        "kan_ikke",
    )


def test_threshold_is_the_value_in_force_on_the_date_of_assessment() -> None:
    answers = ["helse_sosial", "7 500 000", "ja"]
    before = engine_for(SKETCH, dt.date(2024, 3, 13))
    after = engine_for(SKETCH, dt.date(2024, 3, 14))
    assert walk(before, "reserverte-kontrakter", answers)[1] == "kan_reservere"  # 7.5 M ≥ 7.2 M
    assert walk(after, "reserverte-kontrakter", answers[:2])[1] == "under_terskel"  # 7.5 M < 7.8 M
    state = after.start("reserverte-kontrakter")
    for raw in answers[:2]:
        state = after.answer(state, raw)
    assert [(u.id, int(u.amount), u.start) for u in state.thresholds] == [
        ("eos-helse-sosial", 7_800_000, dt.date(2024, 3, 14))
    ]


@pytest.mark.parametrize(
    ("amount", "outcome"), [("7799999", "under_terskel"), ("7800000", "kan_reservere"), ("7800001", "kan_reservere")]
)
def test_a_value_on_the_threshold_is_in_the_higher_band(amount: str, outcome: str) -> None:
    engine = engine_for(SKETCH)
    answers = ["helse_sosial", amount] + (["ja"] if outcome == "kan_reservere" else [])
    assert walk(engine, "reserverte-kontrakter", answers)[1] == outcome


def test_a_known_fact_is_not_asked_again_and_the_trace_says_where_it_came_from() -> None:
    engine = engine_for(KINDS)
    tree, outcome, origins = walk(engine, "hoved", ["stat", "500000", "a"])
    assert (tree, outcome) == ("under", "a")
    assert origins == ["asked", "asked", "asked", "fact"]


def test_goto_ends_with_the_other_trees_outcome_and_call_end_too() -> None:
    engine = engine_for(KINDS)
    assert walk(engine, "hoved", ["annen", "1", "b"])[:2] == ("under", "b")  # goto
    answers = ["stat", "2 mill", "2026-01-01", "Kafé", "ja", "b"]
    assert walk(engine, "hoved", answers)[:2] == ("under", "b")  # call … b: end
    answers[-1] = "a"
    assert walk(engine, "hoved", answers)[:2] == ("hoved", "stor")  # call … a: stor


def test_a_wrong_answer_names_the_question_the_valid_ids_and_the_file_line() -> None:
    engine = engine_for(KINDS)
    state = engine.start("hoved")
    with pytest.raises(AnswerError) as caught:
        engine.answer(state, "fylke")
    assert (
        caught.value.message
        == "ugyldig svar på «kjopertype»: «fylke» er ikke et av valgene; gyldige svar: stat, kommune, annen"
    )
    assert caught.value.details[-1].endswith("hoved.yaml:7:3")
    state = engine.answer(state, "stat")
    with pytest.raises(AnswerError, match="ugyldig svar på «belop»: «mye» er ikke et beløp"):
        engine.answer(state, "mye")


def test_back_returns_to_the_previous_question_with_its_facts() -> None:
    engine = engine_for(KINDS)
    first = engine.start("hoved")
    second = engine.answer(first, "kommune")
    third = engine.answer(second, "2 mill")
    back = engine.back(third)
    assert back is second and back.node == "verdi" and "belop" not in back.facts
    assert engine.back(first) is None


def test_the_engine_never_reaches_an_outcome_that_is_not_an_outcome_node() -> None:
    engine = engine_for(KINDS)
    for path in enumerate_paths(engine, "hoved"):
        node = engine.catalogue.trees[path.outcome_tree].nodes[path.outcome]
        assert isinstance(node, Outcome)
