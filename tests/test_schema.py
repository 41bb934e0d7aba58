"""The JSON Schemas for authors' editors: every bundled file fits them, broken shapes do not, each key
is described (and README says the same), and each bundled file declares its schema on its first line."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from anskaffelse import loader, model
from anskaffelse.catalog import check
from anskaffelse.options import SCHEMA_NAMES
from anskaffelse.treeschema import SCHEMAS, declaration, key_tables, keys, schema_for, schema_path
from conftest import BUNDLED, KINDS, ROOT, SKETCH, cli

README = ROOT / "README.md"
FILES = sorted([*BUNDLED.glob("*.yaml"), *(ROOT / "tests" / "trees").rglob("*.yaml")])


def as_editor_reads(value: Any) -> Any:
    """YAML as a JSON-Schema-aware editor sees it (YAML 1.2): a date is a string, keys are strings."""
    if isinstance(value, dict):
        return {str(k): as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def problems(name: str, text: str) -> list[str]:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    document = as_editor_reads(yaml.safe_load(text))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Treformatet", 1)[1]
    return re.search(r"```yaml\n(id: .*?)```", section, re.S).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_schema_is_a_valid_draft_07_schema(name: str) -> None:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_bundled_file_fits_its_schema(path: Path) -> None:
    assert problems(schema_for(path.name), path.read_text(encoding="utf-8")) == []


def test_the_readme_example_fits_the_tree_schema() -> None:
    assert problems("tree", readme_example()) == []


BROKEN = {
    "a misspelt key": ("tree", "id: t\ntitle: T\nversion: '1'\nstart: a\nnodes: {a: {queston: Hva}}\n", "queston"),
    "two kinds in one node": (
        "tree",
        "id: t\ntitle: T\nversion: '1'\nstart: a\nnodes:\n  a: {goto: x, call: y, returns: {}}\n",
        "nodes/a",
    ),
    "an unquoted version": ("tree", "id: t\ntitle: T\nversion: 1.0\nstart: a\nnodes: {a: {goto: x}}\n", "version"),
    "an unknown verdict": (
        "tree",
        "id: t\ntitle: T\nversion: '1'\nstart: a\nnodes:\n  a: {outcome: {verdict: kanskje, title: T, text: X}}\n",
        "nodes/a",
    ),
    "two operators in a condition": (
        "tree",
        "id: t\ntitle: T\nversion: '1'\nstart: a\nnodes:\n"
        "  a: {branch: [{when: {fact: f, eq: x, ne: y}, next: b}, {otherwise: b}]}\n",
        "nodes/a",
    ),
    "next on a question with choices": (
        "tree",
        "id: t\ntitle: T\nversion: '1'\nstart: a\nnodes:\n"
        "  a: {question: Q, next: b, choices: {x: {label: X, next: b}, y: {label: Y, next: b}}}\n",
        "nodes/a",
    ),
    "an unknown input kind": (
        "tree",
        "id: t\ntitle: T\nversion: '1'\nstart: a\nnodes: {a: {question: Q, input: tall, next: b}}\n",
        "nodes/a",
    ),
    "an http address": ("sources", "foa: {citation: FOA, title: T, url: 'http://lovdata.no/x'}\n", "foa/url"),
    "a threshold value without amount": (
        "thresholds",
        "nasjonal: {title: T, source: foa, values: [{from: 2024-01-01}]}\n",
        "nasjonal/values/0",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_the_schema_refuses_broken_shapes(case: str) -> None:
    name, text, where = BROKEN[case]
    found = problems(name, text)
    assert found, case
    assert any(where in line for line in found), found


def test_validate_stays_the_authority_on_meaning(catalogue_with: Any) -> None:
    """A tree of the right shape that points at a node which is not there: the schema cannot know, validate does."""
    text = "id: ny\ntitle: Ny\nversion: '1'\nstart: a\nnodes:\n  a: {goto: finnes-ikke}\n"
    assert problems("tree", text) == []
    _, findings = check(catalogue_with({"ny.yaml": text}))
    assert any("finnes-ikke" in f.message for f in findings if not f.warning)


def all_properties(schema: Any) -> list[tuple[str, Any]]:
    found = []
    if isinstance(schema, dict):
        for key, value in schema.get("properties", {}).items():
            found.append((key, value))
        for value in schema.values():
            found += all_properties(value)
    elif isinstance(schema, list):
        for value in schema:
            found += all_properties(value)
    return found


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_key_has_a_norwegian_description_and_no_object_takes_unknown_keys(name: str) -> None:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    undescribed = [key for key, value in all_properties(schema) if not value.get("description")]
    assert undescribed == []

    def objects(node: Any) -> list[Any]:
        here = [node] if isinstance(node, dict) and "properties" in node else []
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        return here + [o for child in children for o in objects(child)]

    assert all(o.get("additionalProperties") is False for o in objects(schema))


def test_the_schema_knows_every_key_the_loader_accepts() -> None:
    tree = {key for key, _ in all_properties(json.loads(schema_path("tree").read_text(encoding="utf-8")))}
    accepted = {*loader._TREE_KEYS, *loader._NODE_KEYS, *loader._OUTCOME_KEYS, *loader._COMPARE_OPS}
    accepted |= {"label", "when", "otherwise", "all", "any", "not", "threshold"}
    assert accepted <= tree
    text = schema_path("tree").read_text(encoding="utf-8")
    for word in (*loader._FREE_INPUTS, *model.VERDICTS):
        assert f'"{word}"' in text
    sources = {key for key, _ in all_properties(json.loads(schema_path("sources").read_text(encoding="utf-8")))}
    assert {"citation", "title", "url", "checked", "status", "note", "changes", "from", "text"} == sources
    thresholds = {k for k, _ in all_properties(json.loads(schema_path("thresholds").read_text(encoding="utf-8")))}
    expected = {"title", "source", "checked", "confirmed_until", "values", "note", "from", "amount", "status", "unit"}
    expected.add("before_first")
    assert expected == thresholds


def test_the_readme_key_tables_are_made_from_the_schema_descriptions() -> None:
    text = README.read_text(encoding="utf-8")
    between = text.split("<!-- nøkler: start -->\n", 1)[1].split("<!-- nøkler: slutt -->", 1)[0]
    assert between == key_tables(), "kjør python scripts/gen_readme_keys.py"
    schema = json.loads(schema_path("tree").read_text(encoding="utf-8"))
    assert ("nodes.<id>.choices.<id>.label", "Valget slik innkjøperen ser det.") in list(keys(schema))


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.name)
def test_each_bundled_file_declares_its_schema_on_the_first_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == declaration(path.name)
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == schema_path(schema_for(path.name)).resolve()


def test_the_test_catalogues_stay_as_they_are() -> None:
    """The sketch and kinds fixtures are read byte for byte by other tests: no declaration line there."""
    for path in [*SKETCH.glob("*.yaml"), *KINDS.glob("*.yaml")]:
        assert not path.read_text(encoding="utf-8").startswith("# yaml-language-server")


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_prints_the_shipped_schema(name: str) -> None:
    code, out, _ = cli("schema", name)
    assert code == 0
    assert out == schema_path(name).read_text(encoding="utf-8")
    assert json.loads(out)["additionalProperties"] is not None


def test_schema_refuses_an_unknown_name_with_the_names_it_knows() -> None:
    code, _, err = cli("schema", "trær")
    assert code == 2
    assert "tree, sources, thresholds" in err
    assert list(SCHEMAS) == SCHEMA_NAMES


# --- the CPV sources in data/cpv (not shipped: scripts/gen_cpv.py makes the package's cpv.json) -------------

CPV = ROOT / "data" / "cpv"
CPV_SCHEMAS = {"cpv-2008-nob.yaml": "cpv", "synonymer.yaml": "synonyms"}


def cpv_schema(file_name: str) -> dict[str, Any]:
    name = CPV_SCHEMAS.get(file_name, "annex")
    loaded: dict[str, Any] = json.loads((CPV / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    return loaded


def cpv_problems(file_name: str, text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(cpv_schema(file_name))
    return [e.message for e in validator.iter_errors(yaml.safe_load(text))]


@pytest.mark.parametrize("path", sorted(CPV.glob("*.yaml")), ids=lambda p: p.name)
def test_each_cpv_source_fits_its_schema_and_declares_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    schema = cpv_schema(path.name)
    jsonschema.Draft7Validator.check_schema(schema)
    assert cpv_problems(path.name, text) == []
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=schemas/")
    assert json.loads((path.parent / first.split("$schema=", 1)[1]).read_text(encoding="utf-8")) == schema
    assert [key for key, value in all_properties(schema) if not value.get("description")] == []


@pytest.mark.parametrize(
    ("file_name", "text"),
    [
        ("cpv-2008-nob.yaml", "'0300000': {name: Kort kode}\n"),
        ("cpv-2008-nob.yaml", "'03000000': {nob: Uten engelsk navn}\n"),
        ("annex-2-services.yaml", "annex: {name: X, source: FOA Vedlegg 2, services: [{cpv_start: '92000000'}]}\n"),
        ("annex-2-services.yaml", "annex: {name: X, source: FOA Vedlegg 9, services: [{cpv_code: '92000000'}]}\n"),
        ("synonymer.yaml", "synonyms: [{words: [kaffe], codes: ['15860000', '15860000']}]\n"),
        ("synonymer.yaml", "synonyms: [{words: [kaffe], codes: ['15860000'], merknad: x}]\n"),
    ],
)
def test_the_cpv_schemas_refuse_broken_sources(file_name: str, text: str) -> None:
    assert cpv_problems(file_name, text) != []
