"""Text that depends on the walk (wording.py): expression conditions in branches, placeholders and
conditional parts in outcomes and questions, a called tree's outcome as a fact, «vet ikke» at free
questions, the cautious cursor, and the warning for a threshold written as a number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from anskaffelse.answers import Answers
from anskaffelse.catalog import check, open_catalogue
from anskaffelse.engine import Engine, State
from anskaffelse.export import build_trace
from anskaffelse.plainprompts import PlainAsker
from anskaffelse.session import walk

CALLER = """id: hoved2
title: Hoved
version: "1"
start: del
nodes:
  del:
    call: regler
    sets: regelverk
    returns: {lav: etter, hoy: etter}
  etter:
    branch:
      - when: 'regelverk = "hoy" og kjent(verdi)'
        next: over
      - when: "ikke kjent(verdi)"
        next: ukjent
      - otherwise: under
  over:
    outcome:
      verdict: vurder
      title: "Over {terskel(nasjonal)}"
      text:
        - "Verdien {verdi} er minst terskelverdien {terskel(nasjonal)}."
        - when: 'art = sosial'
          text: "Sosiale tjenester: se del IV."
        - when: 'art = annet'
          text: "Andre tjenester: se del III."
      steps:
        - Kunngjør i Doffin.
        - when: 'art = sosial'
          text: "Vurder å reservere for ideelle (FOA § 30-2a)."
      document: ["Verdien: {verdi}."]
      sources: [loa-4]
  under:
    outcome: {verdict: vurder, title: Under, text: "Under {terskel(nasjonal)}.", sources: [loa-4]}
  ukjent:
    outcome: {verdict: vurder, title: Verdien er ukjent, text: "Finn verdien først.", sources: [loa-4]}
"""

CALLED = """id: regler
title: Regler
version: "1"
start: art
nodes:
  art:
    question: "Hva kjøper dere (terskelen er {terskel(nasjonal)})?"
    help: "Velg art. Nasjonal terskel: {terskel(nasjonal)}."
    fact: art
    default: annet
    choices:
      sosial: {label: Sosiale tjenester, next: verdi}
      annet: {label: Annet, next: verdi}
  verdi:
    question: Verdi?
    help: Ekskl. mva.
    input: amount
    fact: verdi
    next: velg
  velg:
    branch:
      - when: "verdi >= terskel(nasjonal)"
        next: hoy
      - otherwise: lav
  hoy:
    outcome: {verdict: vurder, title: Høy, text: Høy verdi., sources: [loa-4]}
  lav:
    outcome: {verdict: vurder, title: Lav, text: Lav verdi., sources: [loa-4]}
"""

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def root(catalogue_with: Callable[..., Path]) -> Path:
    return catalogue_with({"hoved2.yaml": CALLER, "regler.yaml": CALLED})


def run(root: Path, **answers: str) -> tuple[Engine, State]:
    engine = Engine(open_catalogue(root), DAY)
    return engine, walk(engine, "hoved2", Answers(dict(answers), origin="test"), None, terminal=False)


def test_an_outcome_shows_the_amounts_of_the_walk_and_only_the_parts_that_hold(root: Path) -> None:
    engine, state = run(root, art="sosial", verdi="2 000 000")
    assert state.facts["regelverk"] == "hoy"  # the called tree's outcome, as a fact
    outcome = build_trace(engine, state, "hoved2", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), complete=True)["outcome"]
    assert outcome is not None
    assert outcome["title"] == "Over 1 300 000 kr"
    assert outcome["text"] == (
        "Verdien 2 000 000 kr er minst terskelverdien 1 300 000 kr.\n\nSosiale tjenester: se del IV."
    )
    assert outcome["steps"] == ["Kunngjør i Doffin.", "Vurder å reservere for ideelle (FOA § 30-2a)."]
    assert outcome["document"] == ["Verdien: 2 000 000 kr."]


def test_another_walk_gets_the_other_part(root: Path) -> None:
    engine, state = run(root, art="annet", verdi="2 000 000")
    outcome = build_trace(engine, state, "hoved2", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), complete=True)["outcome"]
    assert outcome is not None
    assert "del III" in outcome["text"] and "del IV" not in outcome["text"]
    assert outcome["steps"] == ["Kunngjør i Doffin."]


def test_a_threshold_a_text_shows_is_in_the_record_with_its_date(root: Path) -> None:
    engine, state = run(root, art="annet", verdi="2 000 000")
    trace = build_trace(engine, state, "hoved2", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), complete=True)
    assert [(u["id"], u["amount"]) for u in trace["thresholds"]] == [("nasjonal", 1300000)]


def test_vet_ikke_at_an_amount_is_unknown_and_takes_the_branch_for_it(root: Path) -> None:
    engine, state = run(root, art="annet", verdi="vet ikke")
    assert state.facts["verdi"] == "vet_ikke"
    assert state.facts["regelverk"] == "lav"  # «verdi >= terskel» is not true when the value is not known
    outcome = engine.outcome(state)
    assert outcome is not None and outcome.id == "ukjent"
    assert [s.answer_label for s in state.steps if s.key == "verdi"] == ["Vet ikke"]


def test_a_question_shows_its_placeholders_filled_in(root: Path) -> None:
    engine = Engine(open_catalogue(root), DAY)
    state = engine.start("hoved2")
    question = engine.question(state)
    assert question is not None
    assert question.text == "Hva kjøper dere (terskelen er 1 300 000 kr)?"
    assert question.help == "Velg art. Nasjonal terskel: 1 300 000 kr."


def test_the_cursor_starts_on_the_cautious_answer_and_enter_takes_it(root: Path) -> None:
    engine = Engine(open_catalogue(root), DAY)
    question = engine.question(engine.start("hoved2"))
    assert question is not None and question.cautious == "annet"
    typed = iter(["", "vet ikke"])
    said: list[str] = []
    asker = PlainAsker(read=lambda _prompt: next(typed), write=said.append)
    state = walk(engine, "hoved2", Answers({}, origin="test"), asker, terminal=True)
    assert state.facts["art"] == "annet"
    assert any("Enter = «Annet»" in line for line in said)


def test_the_bundled_questions_without_a_default_start_on_vet_ikke() -> None:
    from conftest import BUNDLED

    for tree in open_catalogue(BUNDLED).trees.values():
        for question in tree.questions():
            if question.choice("vet_ikke") is not None and question.default is None:
                assert question.cautious == "vet_ikke"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('title: "Over {terskel(nasjonl)}"', "ukjent terskelverdi «nasjonl» (mente du «nasjonal»?)"),
        ("when: 'art = sosial'", None),
        ("when: 'art = sosal'", "«sosal» er ikke et svar på «art» (mente du «sosial»?)"),
        ('"Verdien: {verdi}."', "ukjent faktum «verd»"),
    ],
)
def test_an_unknown_placeholder_or_condition_is_an_error_with_file_and_line(
    catalogue_with: Callable[..., Path], change: str, message: str | None
) -> None:
    broken = CALLER
    if message and "nasjonl" in change:
        broken = CALLER.replace('title: "Over {terskel(nasjonal)}"', change)
    elif message and "sosal" in change:
        sosial = "when: 'art = sosial'\n          text: \"Sos"
        broken = CALLER.replace(sosial, sosial.replace("sosial'", "sosal'"))
    elif message:
        broken = CALLER.replace('"Verdien: {verdi}."', '"Verdien: {verd}."')
    root = catalogue_with({"hoved2.yaml": broken, "regler.yaml": CALLED})
    _, findings = check(root)
    errors = [str(f) for f in findings if not f.warning]
    if message is None:
        assert errors == []
        return
    assert any(message in e and "hoved2.yaml:" in e for e in errors), errors
    line = next(e for e in errors if message in e).split(":")[1]
    assert int(line) > 5


def test_a_syntax_error_in_a_condition_points_at_its_column(catalogue_with: Callable[..., Path]) -> None:
    broken = CALLER.replace('- when: "ikke kjent(verdi)"', '- when: "ikke kjent(verdi"')
    _, findings = check(catalogue_with({"hoved2.yaml": broken, "regler.yaml": CALLED}))
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if 'ikke kjent(verdi"' in text)
    assert any(f.loc.line == line and f.loc.col > 14 for f in findings if not f.warning), findings


def test_comparing_with_vet_ikke_is_refused_with_what_to_write(catalogue_with: Callable[..., Path]) -> None:
    broken = CALLER.replace('- when: "ikke kjent(verdi)"', "- when: 'art = vet_ikke'")
    _, findings = check(catalogue_with({"hoved2.yaml": broken, "regler.yaml": CALLED}))
    assert any("skriv «ikke kjent(art)»" in f.message for f in findings), findings


def test_a_threshold_written_as_a_number_is_a_warning(catalogue_with: Callable[..., Path]) -> None:
    changed = CALLER.replace("Finn verdien først.", "Under 1,3 millioner kroner gjelder del I.")
    _, findings = check(catalogue_with({"hoved2.yaml": changed, "regler.yaml": CALLED}))
    warnings = [f for f in findings if f.warning and "terskel" in f.message]
    assert len(warnings) == 1
    assert "«nasjonal»" in warnings[0].message and "{terskel(nasjonal)}" in warnings[0].message
    assert "1,3 millioner" in warnings[0].message


def test_amounts_are_found_as_people_write_them() -> None:
    from decimal import Decimal

    from anskaffelse.wording import amounts_in

    found = [v for v, _ in amounts_in("1,3 millioner, 7,8 mill. og 100 000 kroner; § 30-3; 2026; 30 %; 2300000 kr")]
    assert found == [Decimal(1_300_000), Decimal(7_800_000), Decimal(100_000), Decimal(2_300_000)]


def test_a_reason_missing_from_an_answers_file_counts_as_vet_ikke_and_the_result_says_so() -> None:
    """A case written before the reason question existed still runs; the reason is recorded as missing."""
    from conftest import BUNDLED

    engine = Engine(open_catalogue(BUNDLED), dt.date(2026, 6, 1))
    answers = {
        "oppdragsgiver_type": "annen",
        "tjenestetype": "helse_sosial",
        "kontraktsverdi": "600000",
        "dir_d1_marked": "ja",
        "cpv": "vet_ikke",
        "verdi_metode": "total",
        "annen_del": "nei",
    }
    state = walk(engine, "direkte-anskaffelse", Answers(answers, origin="test"), None, terminal=False)
    assert state.facts["begrunnelse_eneleverandor"] == "vet_ikke"
    outcome = build_trace(engine, state, "direkte-anskaffelse", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), complete=True)
    assert outcome["outcome"] is not None and outcome["outcome"]["node"] == "direkte-del-1-dokumenter"
    assert "Begrunnelsen mangler" in " ".join(outcome["outcome"]["text"].split() + outcome["outcome"]["document"])


def test_a_question_that_is_not_optional_still_stops_a_walk_without_its_answer(root: Path) -> None:
    from anskaffelse.errors import AnswerError

    engine = Engine(open_catalogue(root), DAY)
    with pytest.raises(AnswerError, match="verdi"):
        walk(engine, "hoved2", Answers({"art": "annet"}, origin="test"), None, terminal=False)


def test_show_paths_tries_the_limits_in_expression_conditions_and_vet_ikke_at_an_amount(root: Path) -> None:
    from anskaffelse.paths import enumerate_paths

    engine = Engine(open_catalogue(root), DAY)
    # «verdi >= terskel(nasjonal)» is only in an expression, and «ukjent» needs «vet ikke» at the amount.
    assert {p.outcome for p in enumerate_paths(engine, "hoved2")} == {"over", "under", "ukjent"}


def test_a_source_with_a_condition_is_cited_only_on_walks_where_it_holds(catalogue_with: Callable[..., Path]) -> None:
    cited = CALLER.replace(
        '      document: ["Verdien: {verdi}."]\n      sources: [loa-4]',
        "      document: [\"Verdien: {verdi}.\"]\n      sources: [loa-4, {id: foa-5-3, when: 'art = sosial'}]",
    )
    root = catalogue_with({"hoved2.yaml": cited, "regler.yaml": CALLED})
    assert [str(f) for f in check(root)[1]] == []
    for art, expected in (("sosial", ["loa-4", "foa-5-3"]), ("annet", ["loa-4"])):
        engine, state = run(root, art=art, verdi="2 000 000")
        trace = build_trace(engine, state, "hoved2", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), complete=True)
        assert trace["outcome"] is not None
        assert [s["id"] for s in trace["outcome"]["sources"]] == expected


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("{id: foa-5-3, when: 'art = sosal'}", "«sosal» er ikke et svar på «art»"),
        ("{id: foa-5-3}", "mangler"),
        ("{id: foa-5-3, when: 'art = sosial', hvis: x}", "ukjent nøkkel «hvis»"),
        ("{id: foa-5-4, when: 'art = sosial'}", "ukjent kilde «foa-5-4»"),
    ],
)
def test_a_broken_conditional_source_is_an_error_with_file_and_line(
    catalogue_with: Callable[..., Path], item: str, message: str
) -> None:
    broken = CALLER.replace(
        '      document: ["Verdien: {verdi}."]\n      sources: [loa-4]',
        f'      document: ["Verdien: {{verdi}}."]\n      sources: [loa-4, {item}]',
    )
    _, findings = check(catalogue_with({"hoved2.yaml": broken, "regler.yaml": CALLED}))
    errors = [str(f) for f in findings if not f.warning]
    assert any(message in e and "hoved2.yaml:" in e for e in errors), errors


def test_a_condition_written_twice_is_parsed_once_and_a_broken_one_is_reported_at_each_place() -> None:
    from anskaffelse.findings import Findings
    from anskaffelse.wording import build_expression
    from anskaffelse.yamlfile import Reader, YMap, get, parse

    findings = Findings()
    reader = Reader(findings)
    y = parse(b'a: "x >= 1"\nb: "x >= 1"\nc: "x >="\nd: "x >="\n', "f.yaml", findings)
    assert isinstance(y, YMap) and not findings.sorted()
    built = [build_expression(get(y, key), reader, key) for key in "abcd"]
    first, second = built[0], built[1]
    assert first is not None and second is not None
    assert first.parsed is second.parsed  # one parse for one text (a parse is immutable)
    assert (first.loc.line, second.loc.line) == (1, 2)  # each keeps its own place
    assert built[2] is None and built[3] is None
    assert [f.loc.line for f in findings.sorted()] == [3, 4]
