"""begynner_med(tekst, "80"): a text's (a CPV code's) first characters, with «vet ikke» as unknown; and a
known CPV code answering the catalogue's yes/no questions about the kind of service (computed, not asked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from anskaffelse.answers import Answers
from anskaffelse.catalog import check as check_catalogue
from anskaffelse.catalog import open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.expr import FactType, check, evaluate, make_env, parse
from anskaffelse.session import walk
from conftest import BUNDLED

FACTS = {
    "cpv": FactType("text"),
    "navn": FactType("text"),
    "verdi": FactType("money"),
    "art": FactType("choice", ("ja", "nei")),
    "ideell": FactType("bool"),
}


def run(source: str, **answers: object) -> object:
    expr = parse(source)
    kind, errors = check(expr, FACTS, ())
    assert errors == [] and kind == "bool", [e.show(source) for e in errors]
    return evaluate(expr, make_env(answers, FACTS, {}))


def problems(source: str) -> list[tuple[str, int]]:
    _, errors = check(parse(source), FACTS, ())
    return [(e.message, e.offset) for e in errors]


@pytest.mark.parametrize(
    ("source", "code", "expected"),
    [
        ('begynner_med(cpv, "80")', "80530000", True),
        ('begynner_med(cpv, "80")', "85311000", False),
        ("begynner_med(cpv, «8531»)", "85311000", True),
        ('begynner_med(cpv, "")', "85311000", True),
        ('begynner_med(cpv, "853110001")', "85311000", False),
        ("begynner_med(cpv, navn)", "85311000", True),  # the start may be a fact too
    ],
)
def test_a_text_starts_with_another(source: str, code: str, expected: bool) -> None:
    assert run(source, cpv=code, navn="85") is expected


def test_an_unknown_text_gives_unknown_and_kleene_logic_still_decides() -> None:
    assert run('begynner_med(cpv, "80")') is None
    assert run('begynner_med(cpv, "80") eller sann') is True
    assert run('begynner_med(cpv, "80") og usann') is False
    assert run('ikke begynner_med(cpv, "80")') is None
    assert run('begynner_med(cpv, "80")', navn="x") is None
    assert run("begynner_med(cpv, navn)", cpv="80530000") is None


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("begynner_med(cpv)", "begynner_med() tar to argumenter", 0),
        ('begynner_med(cpv, "8", "0")', "begynner_med() tar to argumenter", 0),
        ('begynner_med(verdi, "80")', "begynner_med() sammenligner tekst, ikke et beløp", 13),
        ('begynner_med(art, "ja")', "begynner_med() sammenligner tekst, ikke et valg", 13),
        ("begynner_med(cpv, 80)", "begynner_med() sammenligner tekst, ikke et tall", 18),
        ('begynner_med(cpvv, "80")', "ukjent faktum «cpvv» (mente du «cpv»?)", 13),
        ('begynner_med(cpv, "80") + 1', "", -1),
    ],
)
def test_wrong_arguments_are_errors_where_they_are_written(source: str, message: str, offset: int) -> None:
    found = problems(source)
    if offset < 0:
        assert found  # a truth value in a sum
        return
    assert len(found) == 1, found
    assert message in found[0][0] and found[0][1] == offset


def test_a_misspelt_name_suggests_it() -> None:
    from anskaffelse.expr import ExprError

    with pytest.raises(ExprError, match="mente du «begynner_med»"):
        parse('starter_med(cpv, "80")')


TREE = """id: kode
title: Kode
version: "1"
start: kode
nodes:
  kode:
    question: CPV-kode?
    help: Koden.
    input: cpv
    fact: kode
    next: regn
  regn:
    compute: opplaering
    value: 'begynner_med(kode, "80")'
    label: Er det opplæring?
    explain: "Koden {kode}: {opplaering}."
    next: spm
  spm:
    question: Er det opplæring?
    help: Svar ja eller nei.
    fact: opplaering
    choices:
      ja: {label: Ja, next: ja}
      nei: {label: Nei, next: nei}
      vet_ikke: {label: Vet ikke, next: nei}
  ja:
    outcome: {verdict: vurder, title: Opplæring, text: Opplæring., sources: [loa-4]}
  nei:
    outcome: {verdict: vurder, title: Annet, text: Annet., sources: [loa-4]}
"""


def test_a_broken_prefix_test_is_an_error_with_file_and_line(catalogue_with: Callable[..., Path]) -> None:
    root = catalogue_with({"kode.yaml": TREE.replace('begynner_med(kode, "80")', "begynner_med(kode, 80)")})
    _, findings = check_catalogue(root)
    errors = [f for f in findings if not f.warning and f.loc.file.endswith("kode.yaml")]
    assert errors, findings
    assert "begynner_med() sammenligner tekst, ikke et tall" in errors[0].message
    assert errors[0].loc.line == 14


def test_a_known_code_answers_a_yes_no_question_and_vet_ikke_leaves_it_to_be_asked(
    catalogue_with: Callable[..., Path],
) -> None:
    root = catalogue_with({"kode.yaml": TREE})
    _, findings = check_catalogue(root)
    assert [f for f in findings if not f.warning and f.loc.file.endswith("kode.yaml")] == []
    engine = Engine(open_catalogue(root), dt.date(2026, 6, 1))
    state = walk(engine, "kode", Answers({"kode": "80530000"}, origin="test"), None, terminal=False)
    assert engine.outcome(state).id == "ja"
    assert [(s.key, s.answer, s.origin) for s in state.steps][1:] == [
        ("opplaering", "ja", "computed"),
        ("opplaering", "ja", "fact"),
    ]
    state = walk(engine, "kode", Answers({"kode": "85311000"}, origin="test"), None, terminal=False)
    assert engine.outcome(state).id == "nei"
    state = walk(engine, "kode", Answers({"kode": "vet_ikke", "opplaering": "ja"}, origin="test"), None, terminal=False)
    assert engine.outcome(state).id == "ja"
    assert [s.origin for s in state.steps if s.key == "opplaering"] == ["file"]


def test_a_computed_yes_no_needs_a_truth_value(catalogue_with: Callable[..., Path]) -> None:
    root = catalogue_with({"kode.yaml": TREE.replace('begynner_med(kode, "80")', "kode")})
    _, findings = check_catalogue(root)
    assert any("sannhetsverdi" in f.message for f in findings if not f.warning), findings


@pytest.mark.parametrize(
    ("code", "opplaering", "vedlegg4"),
    [
        ("80530000", "ja", "nei"),
        ("85311000", "nei", "ja"),
        ("85323000", "nei", "ja"),
        ("98513100", "nei", "nei"),
        ("75121000", None, "ja"),  # administrative educational services: the code does not say; asked
    ],
)
def test_the_bundled_trees_read_training_and_vedlegg_4_from_the_code(
    code: str, opplaering: str | None, vedlegg4: str
) -> None:
    engine = Engine(open_catalogue(BUNDLED), dt.date(2026, 6, 1))
    base = {
        "oppdragsgiver_type": "annen",
        "cpv": code,
        "annen_del": "nei",
        "verdi_metode": "total",
        "kontraktsverdi": "10 mill",
        "leverandor_i_tankene": "ingen",
    }
    answers = {**base, "reservasjon_for": "ideelle", "tjeneste_opplaering": "vet_ikke", "ideell_sosiale_maal": "nei"}
    state = walk(engine, "reserverte-kontrakter", Answers(answers, origin="test"), None, terminal=False)
    origins = [s.origin for s in state.steps if s.key == "tjeneste_opplaering"]
    if opplaering is None:
        assert origins == ["file"]
    else:
        assert state.facts["tjeneste_opplaering"] == opplaering
        assert origins == ["computed", "fact"]
    answers = {**base, "reservasjon_for": "art77", "res_77_formaal": "nei"}
    state = walk(engine, "reserverte-kontrakter", Answers(answers, origin="test"), None, terminal=False)
    assert state.facts["res_77_vedlegg4"] == vedlegg4
    assert [s.origin for s in state.steps if s.key == "res_77_vedlegg4"] == ["computed", "fact"]


def test_paths_share_the_future_of_codes_that_give_the_same_result(catalogue_with: Callable[..., Path]) -> None:
    """`show --paths` walks two states once when a computation ahead gives the same result for both (the
    CPV code itself is not read again): 85311000 and 90911200 are both «not training»."""
    from anskaffelse.futures import SameFuture

    tree = TREE.replace(
        "    next: regn\n  regn:",
        "    next: mellom\n  mellom:\n    question: Mellom?\n"
        "    help: Et spørsmål før beregningen.\n    input: text\n    fact: mellom\n"
        "    next: regn\n  regn:",
        1,
    )
    engine = Engine(open_catalogue(catalogue_with({"kode.yaml": tree})), dt.date(2026, 6, 1))
    same = SameFuture(engine)

    def key(code: str) -> object:
        state = engine.answer(engine.start("kode"), code)
        assert state.node == "mellom"
        return same.key(state)

    assert key("85311000") == key("90911200")
    assert key("80530000") != key("85311000")
    assert key("vet_ikke") not in (key("80530000"), key("85311000"))
