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


def as_version_1(path: Path) -> Path:
    """A trace as version 1 wrote it: no hash, no catalogue_files."""
    data = load(path)
    del data["content_sha256"], data["catalogue_files"]
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
    assert data["schema"] == "anskaffelse.trace/2"
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
    assert "Kilder og terskelverdier" not in report
    code, out, err = cli("replay", trace, "--trees", SKETCH, "--dato", "2026-11-27")
    assert code == 0, err + out
    code, out, err = cli("verify", trace, "--trees", SKETCH)
    assert code == 0, err + out
    assert "ingen kontrollsum" in out and "ikke registrert i en trace i versjon 1" in out
    assert "python3 -c" not in out  # nothing to recompute
