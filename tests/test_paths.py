"""Every path through a tree (paths.Walker): states with the same future are walked once, and nothing
is lost by it; the number of questions per path, the median and the most; the progress line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable
from decimal import Decimal
from pathlib import Path

import pytest

from anskaffelse.catalog import open_catalogue
from anskaffelse.engine import Engine, State
from anskaffelse.futures import SameFuture
from anskaffelse.paths import Future, Route, Tally, Walker, enumerate_paths, listing, summary
from anskaffelse.progress import Progress
from conftest import BUNDLED, KINDS, SKETCH, cli, engine_for

DAY = dt.date(2026, 6, 1)

# Expression conditions (Kleene logic, kjent(), amounts against thresholds and literals, a number),
# a computed amount, a re-asked choice that routes by its known answer, and a call whose outcome
# becomes a fact: the merging of states must keep every route apart that the walk keeps apart.
UTTRYKK = """id: uttrykk
title: Uttrykk
version: "1"
valid_from: 2026-01-01
start: hvem
nodes:
  hvem:
    question: Hvem kjøper?
    help: h
    fact: kjopertype
    choices:
      stat: {label: Staten, next: andel}
      kommune: {label: En kommune, next: andel}
      annen: {label: Andre, next: andel}
      vet_ikke: {label: Vet ikke, next: andel}
  andel:
    question: Hvor stor andel?
    help: h
    input: number
    fact: andel
    next: pris
  pris:
    question: Pris per år?
    help: h
    input: amount
    fact: pris
    next: aar
  aar:
    question: Hvor mange år?
    help: h
    input: number
    fact: aar
    next: sum
  sum:
    compute: belop
    value: "pris * aar"
    next: del
  del:
    call: under
    sets: utfall
    returns: {a: vurder, b: vurder}
  vurder:
    branch:
      - when: 'andel >= 30 og kjopertype i [stat, kommune]'
        next: stor
      - when: 'ikke kjent(andel) eller belop > 2_000_000 kr'
        next: ukjent
      - when: 'utfall = a og pris >= terskel(nasjonal)'
        next: mellom
      - when: 'aar * 2 > 3 og utfall != b'
        next: mellom
      - otherwise: liten
  stor: {outcome: {verdict: vurder, title: Stor, text: T, sources: [loa-4]}}
  ukjent: {outcome: {verdict: vurder, title: Ukjent, text: T, sources: [loa-4]}}
  mellom: {outcome: {verdict: vurder, title: Mellom, text: T, sources: [loa-4]}}
  liten: {outcome: {verdict: vurder, title: Liten, text: T, sources: [loa-4]}}
"""
UNDER = """id: under
title: Under
version: "1"
valid_from: 2026-01-01
start: spor
nodes:
  spor:
    question: Velg
    help: h
    choices:
      a: {label: A, next: gjenta}
      b: {label: B, next: b}
  gjenta:
    question: Hvem kjøper? (kjent)
    help: h
    fact: kjopertype
    choices:
      stat: {label: Staten, next: a}
      kommune: {label: En kommune, next: a}
      annen: {label: Andre, next: b}
      vet_ikke: {label: Vet ikke, next: b}
  a: {outcome: {verdict: vurder, title: A, text: T, sources: [loa-4]}}
  b: {outcome: {verdict: vurder, title: B, text: T, sources: [loa-4]}}
"""


@pytest.fixture(scope="module")
def uttrykk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from test_facts import TREE  # a CPV code that answers the kind of service, and a computed value

    root = tmp_path_factory.mktemp("uttrykk")
    for name in ("kilder.yaml", "terskelverdier.yaml"):
        shutil.copy(KINDS / name, root / name)
    (root / "uttrykk.yaml").write_text(UTTRYKK, encoding="utf-8")
    (root / "under.yaml").write_text(UNDER, encoding="utf-8")
    (root / "verdi.yaml").write_text(TREE, encoding="utf-8")
    return root


def routes(future: Future) -> set[tuple[Route, int]]:
    """Every route in a future with the questions it asks, spelled out (for small trees only)."""
    found: set[tuple[Route, int]] = set()
    todo: list[tuple[Future, Route, int]] = [(future, (), 0)]
    while todo:
        here, before, asked = todo.pop()
        for route, then in here.ways:
            if then is None:
                found.add((before + route, asked + 1))
            else:
                todo.append((then, before + route, asked + 1))
    return found


def unmerged(monkeypatch: pytest.MonkeyPatch) -> None:
    """States merged only when every fact is the same (the slow, obviously right way)."""

    def exact(self: SameFuture, state: State) -> Hashable:
        facts = state.facts.items()
        known = sorted((k, str(v)) for k, v in facts)
        return (state.tree, state.node, state.stack, tuple(known))

    monkeypatch.setattr(SameFuture, "key", exact)


CASES = [
    (SKETCH, "reserverte-kontrakter"),
    (KINDS, "hoved"),
    (BUNDLED, "hvilke-regler"),
    (BUNDLED, "er-det-en-anskaffelse"),
    (BUNDLED, "ideell-status"),
    (BUNDLED, "verdiberegning"),
]


# er-det-en-anskaffelse and hvilke-regler call verdiberegning (with leasing, small lots and the
# mixed contract's other part): walked without merging they try millions of states and take many
# minutes and gigabytes. Merging is checked exactly on the other trees and fixtures instead,
# verdiberegning (computed facts, rule values) and the expression fixtures among them.
EXACT = [c for c in CASES if c[1] not in ("er-det-en-anskaffelse", "hvilke-regler")]


@pytest.mark.parametrize(
    ("root", "tree"), [*EXACT, (None, "uttrykk"), (None, "verdi")], ids=lambda v: getattr(v, "name", v)
)
def test_merging_states_loses_no_route_and_adds_none(
    root: Path | None, tree: str, uttrykk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(open_catalogue(root or uttrykk), DAY)
    merged = Walker(engine)
    fast = merged.future(engine.start(tree))
    unmerged(monkeypatch)
    slow_walker = Walker(engine, limit=10**7)
    slow = slow_walker.future(engine.start(tree))
    assert routes(fast) == routes(slow)
    assert fast.counts() == slow.counts() and fast.counts(typed=True) == slow.counts(typed=True)
    assert merged.tries <= slow_walker.tries


def test_values_are_told_apart_as_far_as_the_conditions_can(uttrykk: Path) -> None:
    from anskaffelse.futures import Kinds

    kinds = Kinds(Engine(open_catalogue(uttrykk), DAY))
    assert kinds.strict["andel"] == {Decimal(30)} and kinds.strict["pris"] == {Decimal(1_300_000)}
    assert kinds.loose["belop"] == {Decimal(2_000_000)}
    assert kinds.named["kjopertype"] == {"stat", "kommune"} and kinds.named["utfall"] == {"a", "b"}
    assert "aar" in kinds.opaque  # in a sum: every value counts
    assert kinds.compared("andel", Decimal(29)) == kinds.compared("andel", Decimal(1))
    assert kinds.compared("andel", Decimal(30)) == kinds.compared("andel", Decimal(31))
    assert kinds.compared("andel", Decimal(29)) != kinds.compared("andel", Decimal(30))
    assert kinds.compared("belop", Decimal(2_000_000)) != kinds.compared("belop", Decimal(2_000_001))
    assert kinds.compared("kjopertype", "annen") == kinds.compared("kjopertype", "noe annet")
    assert kinds.compared("kjopertype", "vet_ikke") not in (kinds.compared("kjopertype", x) for x in ("stat", "annen"))
    assert kinds.of("pris", Decimal(5)) != kinds.of("pris", Decimal(6))  # read by a computation


def test_the_expression_tree_has_every_outcome_and_kleene_logic_counts(uttrykk: Path) -> None:
    engine = Engine(open_catalogue(uttrykk), DAY)
    paths = enumerate_paths(engine, "uttrykk")
    assert {p.outcome for p in paths} == {"stor", "ukjent", "mellom", "liten"}
    # a known share under 30 with an unknown buyer is not «stor» (Kleene: the known fact decides)
    assert any(("kjopertype", "vet_ikke") in p.answers and p.outcome != "stor" for p in paths)


@pytest.mark.parametrize(("root", "tree"), CASES, ids=lambda v: getattr(v, "name", v))
def test_the_listing_shows_every_answer_tried_and_every_outcome(root: Path, tree: str) -> None:
    engine = engine_for(root, DAY)
    tried: set[tuple[str, str, str]] = set()
    answer = engine.answer

    def spy(state: State, raw: object, *args: object, **kwargs: object) -> State:
        question = engine.question(state)
        assert question is not None
        tried.add((state.tree, question.id, str(raw)))
        return answer(state, raw)

    engine.answer = spy  # type: ignore[method-assign]
    walker = Walker(engine, listing=True)
    paths = walker.paths(tree)
    assert tried == walker.shown
    every = {route[-1] for route, _ in routes(walker.future(engine.start(tree)))}
    assert {(p.outcome_tree, p.outcome) for p in paths} == every


def _brute(engine: Engine, state: State, candidates: Callable[[State], list[str]]) -> list[tuple[Route, int]]:
    """Every route by trying every answer, nothing merged, nothing shared: (nodes, questions)."""
    found = []
    for raw in candidates(state):
        child = engine.answer(state, raw)
        if child.done:
            found.append((child.visited, 1))
        else:
            found += [(v, n + 1) for v, n in _brute(engine, child, candidates)]
    return found


def test_the_count_of_questions_is_the_count_over_every_distinct_route() -> None:
    engine = engine_for(KINDS, DAY)
    walker = Walker(engine, listing=True)  # every answer tried

    def candidates(state: State) -> list[str]:
        question = engine.question(state)
        assert question is not None
        return walker._candidates(state.tree, question)

    distinct = set(_brute(engine, engine.start("hoved"), candidates))
    result = summary(engine, "hoved")
    counts = sorted(n for _, n in distinct)
    assert result.estimated is None and result.typed is not None
    assert result.typed.paths == len(distinct)
    assert result.typed.most == max(counts)
    assert result.typed.median == (Decimal(counts[(len(counts) - 1) // 2]) + counts[len(counts) // 2]) / 2


def test_a_tally_is_the_median_and_the_most() -> None:
    assert Tally.of({}) is None
    assert Tally.of({3: 1}) == Tally(1, Decimal(3), 3)
    assert Tally.of({2: 1, 5: 1}) == Tally(2, Decimal("3.5"), 5)
    assert Tally.of({1: 10, 9: 1}) == Tally(11, Decimal(1), 9)


def test_the_guided_estimate_is_counted_apart() -> None:
    engine = engine_for(BUNDLED, DAY)
    paths, result = listing(engine, "hvilke-regler")
    assert result.typed is not None and result.estimated is not None
    typed = [p for p in paths if not p.estimated]
    assert typed and all(("verdi_metode", "beregn") not in p.answers for p in typed)
    assert all(("verdi_metode", "beregn") in p.answers for p in paths if p.estimated)
    assert result.typed.most == max(p.questions for p in typed)  # a longest path of each kind is listed
    assert result.estimated.most == max(p.questions for p in paths if p.estimated)
    assert result.estimated.median > result.typed.median


def test_show_paths_gives_the_questions_per_path_and_the_median_in_markdown_and_text() -> None:
    code, out, err = cli("show", "hoved", "--trees", KINDS, "--paths", "--format", "markdown", "--dato", "2026-06-01")
    assert code == 0, err
    assert "Spørsmål per vei: median 3, høyst 6 (over alle" in out
    assert "Listen viser hvert svar på hvert spørsmål og hvert utfall minst én gang." in out
    items = [line for line in out.splitlines() if re.match(r"^\d+\. ", line)]
    assert items and all(re.search(r" – \d+ spørsmål$", line) for line in items)
    assert "kjopertype = Staten; belop = 1 kr → **hoved/lite** (Utenfor regelverket) – 2 spørsmål" in out
    for width in (60, 120):
        code, out, err = cli("show", "hoved", "--trees", KINDS, "--paths", "--dato", "2026-06-01", width=width)
        assert code == 0, err
        flat = " ".join(out.split())
        assert "Spørsmål per vei: median 3, høyst 6" in flat and "6 spørsmål" in flat


def test_show_paths_of_the_bundled_value_tree_names_both_kinds_of_path() -> None:
    code, out, _ = cli("show", "hvilke-regler", "--paths", "--format", "markdown", "--dato", "2026-06-01")
    assert code == 0
    assert re.search(r"Spørsmål når dere skriver inn verdien: median [\d,]+, høyst \d+ \(over alle \d+ veier", out)
    assert re.search(r"Spørsmål med verdiberegningen: median [\d,]+, høyst \d+ \(over alle [\d\xa0 ]+ veier", out)


# --- the progress line ------------------------------------------------------------------------


def test_the_progress_line_gives_the_usual_number_of_questions_and_the_last() -> None:
    engine = engine_for(KINDS, DAY)
    progress = Progress(engine, wait=None)
    start = engine.start("hoved")
    typed = summary(engine, "hoved").typed
    assert typed is not None
    assert progress.line(start) == f"spørsmål 1 av vanligvis {int(typed.median + Decimal('0.5'))}"
    state = engine.answer(engine.answer(start, "stat"), "1300000")  # to «frist», then four more
    line = progress.line(state)
    assert line.startswith("spørsmål 3 av vanligvis ") and int(line.rsplit(" ", 1)[1]) >= 6
    last = engine.answer(engine.answer(engine.answer(state, "2026-06-01"), "x"), "ja")
    assert progress.line(last) == "spørsmål 6 (siste)"  # «spor», then the outcome


def test_after_choosing_the_guided_estimate_the_count_is_over_the_estimate_paths() -> None:
    engine = engine_for(BUNDLED, DAY)
    state = engine.start("hvilke-regler")
    for raw in ("statlig", "85311000", "nei", "beregn"):
        state = engine.answer(state, raw)
    assert state.tree == "verdiberegning"
    line = Progress(engine, wait=None).line(state)
    assert re.fullmatch(r"spørsmål 5 av vanligvis \d+", line), line
    assert int(line.rsplit(" ", 1)[1]) >= 7  # the estimate's questions, then the total if not found


def test_the_progress_line_never_waits_long_and_gives_up_on_a_huge_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_for(BUNDLED, DAY)
    progress = Progress(engine, wait=0)
    start = engine.start("veiviser")
    assert progress.line(start) == "spørsmål 1"  # counted in the background; the question does not wait
    assert progress.job is not None
    progress.job.join()
    monkeypatch.setattr(Progress, "TRIES", 10)
    small = Progress(engine, wait=None)
    assert small.line(start) == "spørsmål 1" and small.gave_up


def test_the_readme_table_of_questions_is_what_show_paths_counts() -> None:
    from anskaffelse.pathtext import questions_table

    text = (BUNDLED.parent / "README.md").read_text(encoding="utf-8")
    between = text.split("<!-- spørsmål: start -->\n", 1)[1].split("<!-- spørsmål: slutt -->", 1)[0]
    day = re.search(r"Vurderingsdato (\d{4}-\d\d-\d\d)", between)
    assert day is not None
    engine = Engine(open_catalogue(BUNDLED), dt.date.fromisoformat(day.group(1)))
    assert between == questions_table(engine), "kjør python scripts/gen_readme_paths.py"


def test_the_first_question_of_the_veiviser_says_the_readme_median() -> None:
    text = (BUNDLED.parent / "README.md").read_text(encoding="utf-8")
    row = re.search(r"^\| `veiviser` \| [\d ]+ \| ([\d,]+) \|", text, re.M)
    day = re.search(r"Vurderingsdato (\d{4}-\d\d-\d\d)", text)
    assert row is not None and day is not None
    usual = int(Decimal(row.group(1).replace(",", ".")) + Decimal("0.5"))
    engine = Engine(open_catalogue(BUNDLED), dt.date.fromisoformat(day.group(1)))
    assert Progress(engine, wait=None).line(engine.start("veiviser")) == f"spørsmål 1 av vanligvis {usual}"
