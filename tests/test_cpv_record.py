"""The CPV code, its Norwegian name and what FOA makes of it go into the trace (valid against its JSON
Schema), the markdown report with the protocol, and `replay` (issue 13, «Done when»)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import cli

SOFTWARE = "48190000 Undervisningsprogramvare – vare – ikke en tjeneste"
TEACHING = (
    "80100000 Undervisning i grunnskolen – helse- og sosialtjeneste (FOA vedlegg 3); "
    "ikke i FOA vedlegg 4, så § 30-2 gjelder ikke"
)


def walk(tmp_path: Path, code: str) -> tuple[dict[str, Any], str]:
    trace, report = tmp_path / "t.json", tmp_path / "r.md"
    code_, _out, err = cli(
        "run", "hvilke-regler", "--non-interactive", "--dato", "2026-06-01",
        "--set", "oppdragsgiver_type=annen", "--set", f"cpv={code}", "--set", "annen_del=nei",
        "--set", "verdi_metode=total", "--set", "kontraktsverdi=2000000",
        "--trace", trace, "--markdown", report,
    )  # fmt: skip
    assert code_ == 0, err
    return json.loads(trace.read_text(encoding="utf-8")), report.read_text(encoding="utf-8")


def test_the_code_its_name_and_its_kind_are_in_the_trace(tmp_path: Path) -> None:
    data, _ = walk(tmp_path, "48190000-1")  # the check digit is accepted and ignored
    steps = {s["key"]: s for s in data["steps"]}
    assert steps["cpv"]["answer"] == "48190000"
    assert steps["cpv"]["answer_label"] == SOFTWARE
    assert steps["cpv"]["input"] == "cpv"
    assert steps["tjenestetype"] == steps["tjenestetype"] | {"answer": "annet", "origin": "fact"}
    assert data["sak"]["cpv"] == {"code": "48190000", "label": SOFTWARE}
    assert data["outcome"]["node"] == "del-2"  # a reading app bought as a licence: not vedlegg 3


def test_the_trace_with_a_cpv_code_is_valid_against_its_schema(tmp_path: Path) -> None:
    data, _ = walk(tmp_path, "80100000")
    schema = json.loads((Path(__file__).parents[1] / "src/anskaffelse/schemas/trace-3.schema.json").read_text())
    assert "cpv" in schema["properties"]["sak"]["properties"]
    import jsonschema

    jsonschema.validate(data, schema)


def test_the_code_and_its_kind_are_in_the_report_and_the_protocol(tmp_path: Path) -> None:
    _, report = walk(tmp_path, "80100000")
    assert f"- CPV-kode: {TEACHING}" in report  # «Saken»
    assert f"Hvilken CPV-kode har det dere skal kjøpe? — **{TEACHING}**" in report  # the walk
    assert f"CPV {TEACHING}; anslått verdi 2 000 000 kr" in report  # the protocol, § 10-5 (2) b
    assert f"Hvilken CPV-kode har det oppdragsgiveren skal kjøpe? {TEACHING}." in report


def test_replay_shows_the_code_with_its_kind_when_the_classification_changes(tmp_path: Path) -> None:
    data, _ = walk(tmp_path, "48190000")
    unchanged = tmp_path / "same.json"
    unchanged.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("replay", unchanged, "--dato", "2026-06-01", width=200)
    assert code == 0 and "uendret" in out
    for step in data["steps"]:
        if step["key"] == "cpv":
            step["answer_label"] = "48190000 Undervisningsprogramvare – helse- og sosialtjeneste (FOA vedlegg 3)"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("replay", changed, "--dato", "2026-06-01", width=200)
    assert code == 3
    assert f"→ «{SOFTWARE}»" in " ".join(out.split())


@pytest.mark.parametrize(
    ("code", "outcome", "kind"),
    [("80100000", "del-1", "helse_sosial"), ("48190000", "del-2", "annet"), ("55510000", "del-2", "saerlige")],
)
def test_the_classification_decides_the_rules(tmp_path: Path, code: str, outcome: str, kind: str) -> None:
    data, _ = walk(tmp_path, code)
    assert data["outcome"]["node"] == outcome
    assert {s["key"]: s["answer"] for s in data["steps"]}["tjenestetype"] == kind
