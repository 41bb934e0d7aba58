"""The trace as a record: its own hash (schema version 2), the whole catalogue in «Sporbarhet», `verify`,
`export` of an edited trace, version 1 still read, and files only their owner can read."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from anskaffelse.record import HAND_CHECK, content_hash, integrity
from conftest import SKETCH, cli

WALK = ["--set", "tjenestetype=helse_sosial", "--set", "kontraktsverdi=40000000", "--set", "utbytteforbud=ja"]


def write_trace(tmp_path: Path, trees: Path = SKETCH, name: str = "vurdering.json") -> Path:
    target = tmp_path / name
    args = ["run", "reserverte-kontrakter", "--trees", trees, *WALK, "--non-interactive", "--trace", target]
    code, _, err = cli(*args, "--dato", "2026-11-27")
    assert code == 0, err
    return target


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def as_version_2(data: dict[str, Any]) -> dict[str, Any]:
    """A trace as version 2 wrote it: none of version 3's keys (case, legal text, alternatives; navigation and
    input in the steps; waypoint in the outcomes), sealed again."""
    for key in ("sak", "law_as_of", "alternatives", "notices", "thresholds_file"):
        data.pop(key, None)
    for step in data["steps"]:
        step.pop("navigation", None)
        step.pop("input", None)
    for outcome in [data["outcome"], *data.get("passed", [])]:
        if outcome:
            outcome.pop("waypoint", None)
    data["schema"] = "anskaffelse.trace/2"
    data["content_sha256"] = content_hash(data)
    return data


def as_version_1(path: Path) -> Path:
    """A trace as version 1 wrote it: no hash, no catalogue_files (and nothing of version 3)."""
    data = as_version_2(load(path))
    del data["content_sha256"], data["catalogue_files"]
    data.pop("notices", None)
    data["schema"] = "anskaffelse.trace/1"
    save(path, data)
    return path


def forged(path: Path) -> Path:
    """The outcome's title changed by hand, the hash left as it was."""
    data = load(path)
    data["outcome"]["title"] = "Dere kan kjøpe direkte uten konkurranse"
    save(path, data)
    return path


# --- the hash ---------------------------------------------------------------------


def test_the_hash_is_sha256_of_canonical_json_without_the_hash(tmp_path: Path) -> None:
    data = load(write_trace(tmp_path))
    assert data["schema"] == "anskaffelse.trace/3"
    body = {k: v for k, v in data.items() if k != "content_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert data["content_sha256"] == hashlib.sha256(canonical).hexdigest()
    assert "ø" in canonical.decode("utf-8")  # characters outside ASCII as themselves, not \u00f8
    assert integrity(data) == "uendret"
    data["steps"][0]["answer_label"] += "!"
    assert integrity(data) == "endret" and content_hash(data) != data["content_sha256"]


def test_the_trace_records_every_catalogue_file_read_with_its_bytes_hashed(tmp_path: Path) -> None:
    data = load(write_trace(tmp_path))
    names = {Path(f["file"]).name: f["sha256"] for f in data["catalogue_files"]}
    assert set(names) == {"kilder.yaml", "terskelverdier.yaml"}
    for name, sha in names.items():
        assert sha == hashlib.sha256((SKETCH / name).read_bytes()).hexdigest()
    report = (tmp_path / "r.md").resolve()
    assert cli("export", tmp_path / "vurdering.json", "-o", report)[0] == 0
    traceability = report.read_text(encoding="utf-8").split("## Sporbarhet")[1].split("##")[0]
    assert f"kilder.yaml: `{names['kilder.yaml']}`" in traceability
    assert f"terskelverdier.yaml: `{names['terskelverdier.yaml']}`" in traceability
    assert f"`{data['content_sha256']}` – uendret" in traceability


def test_traces_and_reports_of_a_walk_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    trace = write_trace(tmp_path)
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600


# --- verify -----------------------------------------------------------------------


def test_verify_an_intact_trace_with_the_same_catalogue_is_0(tmp_path: Path) -> None:
    trace = write_trace(tmp_path)
    code, out, _ = cli("verify", trace, "--trees", SKETCH)
    assert code == 0, out
    assert "Tracen: uendret siden den ble laget" in out
    for name in ("reserverte-kontrakter.yaml", "ideell-status.yaml", "kilder.yaml", "terskelverdier.yaml"):
        assert f"✓ {name}" in out
    assert "sha256sum " in out and "python3 -c " in out
    assert out.rstrip().endswith("Resultat: alt stemmer.")


def test_verify_an_edited_trace_is_1_and_says_so(tmp_path: Path) -> None:
    trace = forged(write_trace(tmp_path))
    code, out, _ = cli("verify", trace, "--trees", SKETCH)
    assert code == 1
    assert "ENDRET ETTER AT DEN BLE LAGET" in out
    assert f"lagret kontrollsum:   {load(trace)['content_sha256']}" in out


def test_verify_an_invalid_trace_is_1_with_the_problem(tmp_path: Path) -> None:
    trace = write_trace(tmp_path)
    data = load(trace)
    del data["content_sha256"]
    save(trace, data)
    code, _, err = cli("verify", trace, "--trees", SKETCH)
    assert code == 1 and "content_sha256 mangler" in err


@pytest.mark.parametrize("changed", ["terskelverdier.yaml", "ideell-status.yaml"])
def test_verify_with_a_changed_catalogue_file_is_3_naming_the_file(tmp_path: Path, changed: str) -> None:
    trees = tmp_path / "trees"
    shutil.copytree(SKETCH, trees)
    trace = write_trace(tmp_path, trees)
    with (trees / changed).open("a", encoding="utf-8") as out:
        out.write("# en kommentar lagt til etterpå\n")
    code, out, _ = cli("verify", trace, "--trees", trees)
    assert code == 3, out
    assert f"✗ {changed}" in out and "endret; tracen har" in out
    assert "Tracen: uendret" in out  # the trace itself holds
    assert sum(line.lstrip().startswith("✓") for line in out.splitlines()) == 3


def test_verify_a_missing_catalogue_file_is_3(tmp_path: Path) -> None:
    trees = tmp_path / "trees"
    shutil.copytree(SKETCH, trees)
    trace = write_trace(tmp_path, trees)
    (trees / "kilder.yaml").unlink()
    code, out, _ = cli("verify", trace, "--trees", trees)
    assert code == 3 and "✗ kilder.yaml: filen finnes ikke" in out


def test_the_check_by_hand_printed_by_verify_gives_the_same_answer(tmp_path: Path) -> None:
    trace = write_trace(tmp_path)
    data = load(trace)
    ran = subprocess.run([sys.executable, "-c", HAND_CHECK, str(trace)], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == [data["content_sha256"], "uendret"]
    forged(trace)
    ran = subprocess.run([sys.executable, "-c", HAND_CHECK, str(trace)], capture_output=True, text=True, check=True)
    assert ran.stdout.split()[1] == "ENDRET"


# --- export of an edited trace, and version 1 ---------------------------------------


def test_export_of_an_edited_trace_is_marked_at_the_top(tmp_path: Path) -> None:
    trace = write_trace(tmp_path)
    code, clean, _ = cli("export", trace)
    assert code == 0 and "ENDRET" not in clean
    code, report, _ = cli("export", forged(trace))
    assert code == 0
    top = report.split("## Spørsmål og svar")[0]
    assert "**ENDRET ETTER AT DEN BLE LAGET:**" in top
    assert "Dere kan kjøpe direkte uten konkurranse" in report  # shown as it stands, and marked
    assert f"innholdet gir `{content_hash(load(trace))}`" in report


def test_a_version_1_trace_stays_readable_by_export_replay_and_verify(tmp_path: Path) -> None:
    trace = as_version_1(write_trace(tmp_path))
    code, report, err = cli("export", trace)
    assert code == 0, err
    assert "Kontrollsum for tracen: ingen kontrollsum" in report and "ENDRET" not in report
    assert "Katalogens øvrige filer" not in report
    code, out, err = cli("replay", trace, "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 0, err + out
    code, out, err = cli("verify", trace, "--trees", SKETCH)
    assert code == 0, err + out
    assert "ingen kontrollsum" in out and "ikke registrert i en trace i versjon 1" in out
    assert "python3 -c" not in out  # nothing to recompute


# --- replay of an archive ------------------------------------------------------------


def archive(tmp_path: Path) -> Path:
    """A folder of three traces: one made with today's catalogue, one with a catalogue whose outcome title
    has since changed, and one that is not a trace at all; and one hidden file that is left alone."""
    folder = tmp_path / "arkiv"
    folder.mkdir()
    write_trace(folder, name="a-uendret.json")
    older = tmp_path / "gammel"
    shutil.copytree(SKETCH, older)
    tree = older / "reserverte-kontrakter.yaml"
    text = tree.read_text(encoding="utf-8")
    tree.write_text(text.replace("kan reserveres for ideelle organisasjoner", "kunne reserveres"), encoding="utf-8")
    (folder / "2025").mkdir()
    write_trace(folder / "2025", older, name="b-endret.json")
    (folder / "c-ødelagt.json").write_text('{"schema": "anskaffelse.trace/2", "steps": [', encoding="utf-8")
    (folder / ".skjult.json").write_text("ikke json", encoding="utf-8")
    return folder


def table_rows(out: str) -> dict[str, list[str]]:
    """The table's rows by file name: the cells after the name (the first change last)."""
    rows = {}
    for line in out.splitlines()[1:]:
        if ".json" in line.split("  ")[0]:
            cells = [c for c in line.split("  ") if c.strip()]
            rows[Path(cells[0].strip()).name] = [c.strip() for c in cells[1:]]
    return rows


def test_replay_of_a_folder_is_a_table_and_3_when_one_changed(tmp_path: Path) -> None:
    folder = archive(tmp_path)
    code, out, err = cli("replay", folder, "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 3, err + out
    assert out.splitlines()[0].split() == ["fil", "saksnummer", "status", "hva", "er", "endret"]
    rows = table_rows(out)
    assert set(rows) == {"a-uendret.json", "b-endret.json", "c-ødelagt.json"}  # the hidden file is left alone
    assert rows["a-uendret.json"] == ["–", "uendret"]
    assert rows["b-endret.json"][:2] == ["–", "endret"]
    assert "svaret er endret" in rows["b-endret.json"][2]
    assert rows["c-ødelagt.json"][:2] == ["–", "ugyldig"] and "ugyldig JSON" in rows["c-ødelagt.json"][2]
    assert out.rstrip().endswith("3 traces: 1 uendret, 1 endret, 1 ugyldig")


def test_replay_of_an_archive_with_a_broken_trace_and_nothing_changed_is_1(tmp_path: Path) -> None:
    folder = archive(tmp_path)
    (folder / "2025" / "b-endret.json").unlink()
    code, out, _ = cli("replay", folder, "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 1
    assert "1 uendret, 1 ugyldig" in out
    (folder / "c-ødelagt.json").unlink()
    code, out, _ = cli("replay", folder, "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 0 and out.rstrip().endswith("1 trace: 1 uendret")


def test_replay_of_several_files_names_each_and_marks_an_edited_one(tmp_path: Path) -> None:
    a = write_trace(tmp_path, name="a.json")
    b = forged(write_trace(tmp_path, name="b.json"))
    code, out, _ = cli("replay", a, b, "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 3  # the forged title differs from the tree's
    rows = table_rows(out)
    assert rows["a.json"] == ["–", "uendret"]
    assert rows["b.json"][1] == "endret" and "ENDRET ETTER AT DEN BLE LAGET" in rows["b.json"][2]


def test_replay_of_one_file_is_as_before(tmp_path: Path) -> None:
    code, out, _ = cli("replay", write_trace(tmp_path), "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 0 and "uendret: samme spørsmål" in out and "saksnummer" not in out


def test_the_case_number_is_shown_once_traces_carry_it() -> None:
    from anskaffelse.archive import case_number

    assert case_number({"sak": {"saksnummer": "2026/123"}}) == "2026/123"
    assert case_number({}) == "–" and case_number({"sak": "x"}) == "–"


def test_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = cli("replay", tmp_path, "--trees", SKETCH)
    assert code == 2 and "fant ingen traces" in err


# --- the fast schema check agrees with jsonschema -------------------------------------


def mutations(data: dict[str, Any], rng: Any) -> dict[str, Any]:
    """The trace with one value somewhere replaced, removed or added."""
    import copy

    data = copy.deepcopy(data)
    odd = [None, True, 0, -1, 1.5, 10**16, "", "x" * 2001, "2026-02-30", "ABC", [], {}, [1], {"x": 1}, "a" * 64]
    node: Any = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = rng.choice(keys)
        child = node[key]
        if isinstance(child, dict | list) and child and rng.random() < 0.7:
            node = child
            continue
        action = rng.random()
        if action < 0.6:
            node[key] = rng.choice(odd)
        elif action < 0.8 and isinstance(node, dict):
            del node[key]
        elif isinstance(node, dict):
            node["ukjent"] = 1
        break
    return data


@pytest.mark.parametrize("version", ["anskaffelse.trace/1", "anskaffelse.trace/2", "anskaffelse.trace/3"])
def test_the_fast_check_says_valid_only_where_jsonschema_does(tmp_path: Path, version: str) -> None:
    import random

    from anskaffelse import trace as trace_module

    data = load(write_trace(tmp_path, name="v3.json"))
    data["sak"] = {"saksnummer": "2026/1", "cpv": {"code": "85311000", "label": "85311000 Sosialomsorg"}}
    if version.endswith("/2"):
        data = as_version_2(data)
    if version.endswith("/1"):
        data = load(as_version_1(write_trace(tmp_path, name="v1.json")))
    fast = trace_module._fast_check(version)
    full = trace_module._validator(version)
    assert fast is not None and fast(data) and full.is_valid(data)
    rng = random.Random(14)
    disagreements, rejected = [], 0
    for _ in range(300):
        mutated = mutations(data, rng)
        valid = full.is_valid(mutated)
        rejected += not valid
        if fast(mutated) != valid:
            disagreements.append(mutated)
    assert disagreements == []
    assert rejected > 150  # the mutations do break traces: the agreement is not only on valid ones
