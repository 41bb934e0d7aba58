"""Property-based tests (hypothesis): nothing a file or a person can type crashes the loader or the engine.

Only the documented errors may come out: YamlProblem from the YAML reader, findings (never exceptions) from
the loader and the validator, AnskaffelseError subclasses with exit code 1 or 2 from answers and walks.
And for every valid tree, every walk with valid answers ends in an outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from anskaffelse import yamlfile
from anskaffelse.answers import Answers, load_answers
from anskaffelse.catalog import check, open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.errors import AnskaffelseError, AnswerError
from anskaffelse.findings import Findings, errors_only
from anskaffelse.loader import build_tree
from anskaffelse.model import VERDICTS, Catalogue, Question
from anskaffelse.registry import build_sources, build_thresholds
from anskaffelse.session import walk
from anskaffelse.validate import validate
from anskaffelse.values import ValueProblem, parse_amount, parse_date, parse_text, parse_yesno
from anskaffelse.yamlfile import Reader
from conftest import BUNDLED, DAY, KINDS, SKETCH

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CATALOGUES = {"kinds": open_catalogue(KINDS), "sketch": open_catalogue(SKETCH), "bundled": open_catalogue(BUNDLED)}
KINDS_CATALOGUE = CATALOGUES["kinds"]
ENGINES = {name: Engine(catalogue, DAY) for name, catalogue in CATALOGUES.items()}
WALKS = [(name, tree_id) for name, catalogue in CATALOGUES.items() for tree_id in sorted(catalogue.trees)]
CHOICE_IDS = sorted(
    {c.id for cat in CATALOGUES.values() for t in cat.trees.values() for q in t.questions() for c in q.choices}
)

# --- random YAML-ish documents --------------------------------------------------------

WORDS = [
    *("id", "title", "version", "valid_from", "start", "nodes", "question", "help", "choices", "label", "next"),
    *("input", "amount", "yesno", "branch", "when", "otherwise", "fact", "eq", "in", "gte", "threshold", "all"),
    *("not", "call", "returns", "goto", "outcome", "verdict", "tillatt", "sources", "loa-4", "nasjonal", "end"),
    *("citation", "url", "https://lovdata.no/x", "values", "from", "2026-01-01", "1300000", "ja", "no", "yes"),
]
TOKENS = [
    *WORDS,
    *(": ", ":", "\n", "\n  ", "\n    ", "  ", "- ", "[", "]", "{", "}", ", ", "&a ", "*a", "<<: ", "? ", "|\n"),
    *("!!python/object/apply:os.system ", "!!binary ", "!foo ", "!!str ", "---\n", "...\n", "'", '"', "\t", "# x"),
    *("~", "null", ".inf", "1e9", "-", "\\e", "\\x1b", "%YAML 1.1\n", "\ufeff", "\r\n", "æøå", "\u2028", "\x85"),
]
yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=60).map("".join)

# Structured documents near the tree schema, dumped by PyYAML: they get past the parser into the loader.
KEYS = st.sampled_from([*WORDS, "q", "o", "Q 1", "on", ""])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True),
    st.dates(),
    st.sampled_from(WORDS),
    st.text(max_size=12),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=40,
)
tree_like = st.fixed_dictionaries(
    {"id": st.just("t"), "title": st.text(max_size=8), "version": st.sampled_from(["1", 1]), "start": KEYS},
    optional={"nodes": st.dictionaries(KEYS, documents, max_size=6), "valid_from": scalars},
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(document: Any) -> bytes:
    return yaml.dump(document, Dumper=_NoAliases, allow_unicode=True, sort_keys=False).encode("utf-8")


def _flow(document: Any) -> str:
    """One line of YAML flow (JSON) with every character YAML would refuse raw written as an escape."""
    text = json.dumps(document, default=str, ensure_ascii=False)
    return re.sub("[\x7f-\x9f\u2028\u2029\ufeff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _load_everything(data: bytes) -> list[str]:
    """Parse and build a document as a tree, a source list and a threshold list, then validate."""
    reader = Reader()
    try:
        y = yamlfile.parse(data, "t.yaml", reader.findings)
    except yamlfile.YamlProblem as problem:
        assert problem.finding.loc.file == "t.yaml"
        assert problem.finding.message
        return [str(problem.finding)]
    built = build_tree(y, reader, "t.yaml")
    sources = build_sources(y, reader)
    thresholds = build_thresholds(y, reader)
    trees = {built.id: built} if built else {}
    catalogue = Catalogue(trees, {**KINDS_CATALOGUE.sources, **sources}, {**KINDS_CATALOGUE.thresholds, **thresholds})
    validate(catalogue, reader.findings)
    found = reader.findings.sorted()
    for finding in found:
        assert finding.message and finding.loc.file in ("t.yaml", "")
    return [str(f) for f in found]


@FAST
@given(yamlish)
def test_random_yamlish_text_gives_findings_never_an_exception(text: str) -> None:
    _load_everything(text.encode("utf-8"))


@FAST
@given(st.binary(max_size=200))
def test_random_bytes_give_findings_never_an_exception(data: bytes) -> None:
    _load_everything(data)


@FAST
@given(st.one_of(documents, tree_like))
def test_random_documents_near_the_schema_give_findings_never_an_exception(document: Any) -> None:
    findings = _load_everything(_dump(document))
    if not isinstance(document, dict):
        assert findings, "a document that is not a mapping must be refused"


@FEWER
@given(yamlish, st.sampled_from(["ideell-status.yaml", "kilder.yaml", "terskelverdier.yaml"]))
def test_a_random_file_in_a_catalogue_is_reported_and_never_crashes(text: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for source in SKETCH.iterdir():
            (root / source.name).write_bytes(source.read_bytes())
        (root / name).write_text(text, encoding="utf-8")
        _, findings = check(root)
        assert all(f.message for f in findings)


@FAST
@given(documents, st.sampled_from(["", "!!python/object/apply:os.system ", "!foo ", "&anker ", "!!binary ", "*"]))
def test_whatever_one_node_holds_the_rest_of_the_tree_still_loads(document: Any, prefix: str) -> None:
    """Whatever one node holds (a refused tag, an alias, escapes, nesting), the rest of the tree still loads."""
    value = "*anker" if prefix == "*" else prefix + _flow(document)
    text = "id: t\ntitle: T\nversion: '1'\nstart: o\nnodes:\n  x: " + value + "\n"
    text += "  o: {outcome: {verdict: tillatt, title: T, text: T, sources: [loa-4]}}\n"
    reader = Reader()
    y = yamlfile.parse(text.encode("utf-8"), "t.yaml", reader.findings)
    findings = reader.findings.sorted()
    built = build_tree(y, reader, "t.yaml")
    assert built is not None and "o" in built.nodes
    assert all(f.loc.line >= 1 for f in findings)
    if prefix in ("!!python/object/apply:os.system ", "!foo ", "!!binary ", "*"):
        assert any(f.loc.line == 6 for f in findings), "the refused node is reported on its own line"


# --- random answers -----------------------------------------------------------------

answer_values = st.one_of(
    st.sampled_from(CHOICE_IDS),
    st.sampled_from(["2500000", "2,5 mill", "-1", "0", "1e99", "9" * 30, "ja", "nei", "2026-02-30", "yes", "~"]),
    st.integers(-(10**14), 10**14),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _documented(error: AnskaffelseError) -> None:
    assert int(error.exit_code) in (1, 2)
    assert error.message.strip()


@st.composite
def answer_files(draw: st.DrawFn, catalogue_name: str) -> bytes:
    """Mostly valid answers for every question of a catalogue, some wrong or missing, as YAML, JSON or cut short."""
    catalogue = CATALOGUES[catalogue_name]
    questions = {q.key: q for t in catalogue.trees.values() for q in t.questions()}
    values: dict[str, Any] = {}
    for key, question in sorted(questions.items()):
        how = draw(st.sampled_from(["valid"] * 8 + ["random", "missing"]))
        if how == "valid":
            values[key] = draw(valid_answer(question))
        elif how == "random":
            values[key] = draw(answer_values)
    document: dict[str, Any] = {"answers": values}
    if draw(st.booleans()):
        document["dato"] = draw(st.one_of(st.dates(), st.text(max_size=12), st.just(DAY)))
    if draw(st.booleans()):
        document["tree"] = draw(st.one_of(st.sampled_from([t for _, t in WALKS]), st.text(max_size=8)))
    form = draw(st.sampled_from(["yaml", "yaml", "json", "cut", "bytes"]))
    if form == "bytes":
        return draw(st.binary(max_size=100))
    data = _dump(document) if form == "yaml" else json.dumps(document, default=str).encode("utf-8")
    return data[: draw(st.integers(0, len(data)))] if form == "cut" else data


@FAST
@given(st.sampled_from(WALKS), st.data())
def test_random_answer_files_only_raise_documented_errors(walk_of: tuple[str, str], data: st.DataObject) -> None:
    catalogue_name, tree_id = walk_of
    content = data.draw(answer_files(catalogue_name), label="the answers file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "svar.yaml"
        path.write_bytes(content)
        try:
            preset = load_answers(path)
        except AnskaffelseError as error:
            _documented(error)
            event("the file was refused")
            return
    engine = ENGINES[catalogue_name]
    try:
        state = walk(engine, tree_id, preset, None, terminal=False)
    except AnswerError as error:
        _documented(error)
        assert re.search(r"«[^»]+»", error.message), "the message names the question"
        event("an answer was missing or refused")
        return
    outcome = engine.outcome(state)
    assert outcome is not None and outcome.verdict in VERDICTS
    event("the walk ended in an outcome")


@FAST
@given(st.sampled_from(WALKS), st.data())
def test_any_raw_answer_at_any_question_is_a_value_or_an_error_naming_the_question(
    walk_of: tuple[str, str], data: st.DataObject
) -> None:
    catalogue_name, tree_id = walk_of
    engine = ENGINES[catalogue_name]
    questions = engine.catalogue.trees[tree_id].questions()
    if not questions:
        return
    question = data.draw(st.sampled_from(questions))
    raw = data.draw(answer_values)
    try:
        engine.parse(question, raw)
    except AnswerError as error:
        assert f"ugyldig svar på «{question.key}»" in error.message
        assert "\x1b" not in error.message or "\x1b" in str(raw)


@FAST
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.decimals(), st.booleans(), st.none()))
def test_value_parsers_return_a_value_or_a_norwegian_value_problem(raw: object) -> None:
    for parse in (parse_amount, parse_date, parse_yesno, parse_text):
        try:
            value = parse(raw)
        except ValueProblem as problem:
            assert str(problem)
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", str(problem)), "control characters in a message"
            continue
        if parse is parse_amount:
            assert isinstance(value, Decimal) and 0 < value <= 10**12
        if parse is parse_date:
            assert isinstance(value, dt.date) and 1900 <= value.year <= 2100


# --- every walk of a valid tree ends in an outcome -------------------------------------


def valid_answer(question: Question) -> st.SearchStrategy[str]:
    if question.input == "choice":
        return st.sampled_from([c.id for c in question.choices])
    if question.input == "amount":
        return st.integers(1, 10**12).map(str) | st.sampled_from(["2,5 mill", "40 MNOK", "1 300 000 kr", "500k"])
    if question.input == "date":
        return st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
    if question.input == "yesno":
        return st.sampled_from(["ja", "nei", "Ja", "n", "yes", "no"])
    if question.input == "number":
        return st.integers(1, 10**6).map(str) | st.sampled_from(["2,5", "12", "48"])
    if question.input == "cpv":
        return st.sampled_from(["85311000", "55510000-4", "45000000", "48190000", "98311200", "vet_ikke", "vet ikke"])
    return st.text(min_size=1, max_size=60).filter(lambda t: parse_ok(parse_text, t))


def parse_ok(parse: Any, raw: str) -> bool:
    try:
        parse(raw)
    except ValueProblem:
        return False
    return True


def random_walk(engine: Engine, tree_id: str, data: st.DataObject) -> None:
    state = engine.start(tree_id)
    limit = sum(len(t.nodes) for t in engine.catalogue.trees.values())
    for _ in range(limit + 1):
        question = engine.question(state)
        if question is None:
            break
        state = engine.answer(state, data.draw(valid_answer(question), label=question.key))
    outcome = engine.outcome(state)
    assert outcome is not None, f"the walk stopped at {state.tree}/{state.node}"
    assert outcome.verdict in VERDICTS and outcome.sources
    assert len(state.steps) <= limit


@FAST
@given(st.sampled_from(WALKS), st.data())
def test_every_random_walk_of_the_fixture_and_bundled_trees_ends_in_an_outcome(
    walk_of: tuple[str, str], data: st.DataObject
) -> None:
    catalogue_name, tree_id = walk_of
    random_walk(ENGINES[catalogue_name], tree_id, data)


@st.composite
def valid_trees(draw: st.DrawFn) -> dict[str, Any]:
    """A random acyclic tree that must pass validation: a chain of three questions whose facts are known
    everywhere after it, then a hub question, then random questions and branches, then outcomes."""
    middle = draw(st.integers(0, 8))
    outcomes = draw(st.integers(1, 4))
    names = [f"n{i}" for i in range(4 + middle + outcomes)]
    first_outcome = 4 + middle
    nodes: dict[str, Any] = {
        "n0": {
            "question": "Type?",
            "help": "h",
            "fact": "f0",
            "choices": {c: {"label": c, "next": "n1"} for c in "abc"},
        },
        "n1": {"question": "Verdi?", "help": "h", "input": "amount", "fact": "f1", "next": "n2"},
        "n2": {"question": "Haster?", "help": "h", "input": "yesno", "fact": "f2", "next": "n3"},
    }
    incoming: set[str] = set()

    def later(i: int) -> str:
        return names[draw(st.integers(i + 1, len(names) - 1))]

    conditions = st.recursive(
        st.one_of(
            st.builds(lambda v: {"fact": "f0", "eq": v}, st.sampled_from("abc")),
            st.builds(lambda v: {"fact": "f0", "in": v}, st.lists(st.sampled_from("abc"), min_size=1, unique=True)),
            st.builds(
                lambda op, v: {"fact": "f1", op: v},
                st.sampled_from(["gt", "gte", "lt", "lte"]),
                st.one_of(st.integers(1, 10**9), st.just({"threshold": "nasjonal"})),
            ),
            st.builds(lambda v: {"fact": "f2", "eq": v}, st.sampled_from(["ja", "nei"])),
        ),
        lambda inner: st.one_of(
            st.builds(lambda items: {"all": items}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda items: {"any": items}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda item: {"not": item}, inner),
        ),
        max_leaves=5,
    )
    for i in range(4, first_outcome):
        kind = draw(st.sampled_from(["choice", "amount", "date", "text", "yesno", "branch"]))
        if kind == "choice":
            targets = [later(i) for _ in range(draw(st.integers(2, 3)))]
            node: dict[str, Any] = {"question": f"Q{i}?", "help": "h", "fact": f"f{i}"}
            node["choices"] = {f"c{k}": {"label": f"C{k}", "next": t} for k, t in enumerate(targets)}
        elif kind == "branch":
            targets = [later(i) for _ in range(draw(st.integers(1, 3)))]
            rules: list[dict[str, Any]] = [{"when": draw(conditions), "next": t} for t in targets[:-1]]
            node = {"branch": [*rules, {"otherwise": targets[-1]}]}
        else:
            targets = [later(i)]
            node = {"question": f"Q{i}?", "help": "h", "input": kind, "fact": f"f{i}", "next": targets[0]}
        incoming.update(targets)
        nodes[names[i]] = node
    # The hub reaches every node that nothing else reaches, so that all nodes are reachable from start.
    hub_targets = [n for n in names[4:] if n not in incoming] or [names[first_outcome]]
    hub_targets += [names[first_outcome]] * (2 - len(hub_targets))
    nodes["n3"] = {
        "question": "Hvor?",
        "help": "h",
        "fact": "hub",
        "choices": {f"h{k}": {"label": f"H{k}", "next": t} for k, t in enumerate(hub_targets)},
    }
    verdicts = st.sampled_from(VERDICTS)
    for name in names[first_outcome:]:
        nodes[name] = {"outcome": {"verdict": draw(verdicts), "title": "T", "text": "T", "sources": ["loa-4"]}}
    order = [*names[:4], *sorted(names[4:], key=lambda _: draw(st.integers(0, 3)))]  # file order is free
    return {
        "id": "gen",
        "title": "Tilfeldig",
        "version": "1",
        "valid_from": dt.date(2026, 1, 1),
        "start": "n0",
        "nodes": {n: nodes[n] for n in order},
    }


@FAST
@given(valid_trees(), st.data())
def test_every_random_walk_of_a_random_valid_tree_ends_in_an_outcome(
    document: dict[str, Any], data: st.DataObject
) -> None:
    reader = Reader()
    y = yamlfile.parse(_dump(document), "gen.yaml", reader.findings)
    built = build_tree(y, reader, "gen.yaml")
    assert built is not None, reader.findings.sorted()
    catalogue = Catalogue({"gen": built}, KINDS_CATALOGUE.sources, KINDS_CATALOGUE.thresholds)
    validate(catalogue, reader.findings)
    errors = errors_only(reader.findings.sorted())
    assert errors == [], "\n".join(map(str, errors))
    random_walk(Engine(catalogue, DAY), "gen", data)


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_the_catalogues_walked_above_are_valid(name: str) -> None:
    assert CATALOGUES[name].trees, name
    findings = Findings()
    validate(CATALOGUES[name], findings)
    assert errors_only(findings.sorted()) == []


def test_a_preset_from_a_random_walk_replays_to_the_same_outcome() -> None:
    """A sanity check of the walk helper itself: the recorded answers lead to the recorded outcome."""
    engine = ENGINES["sketch"]
    values = {"tjenestetype": "helse_sosial", "kontraktsverdi": "9 mill", "utbytteforbud": "nei"}
    state = walk(engine, "reserverte-kontrakter", Answers(values, None, "test"), None)
    outcome = engine.outcome(state)
    assert outcome is not None and outcome.id == "kan_ikke"
