"""Lint, types and import boundaries are part of the test command, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean_and_enforces_the_import_boundaries() -> None:
    result = run(str(BIN / "ruff"), "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(str(BIN / "ruff"), "format", "--check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_import_and_non_interactive_run_never_load_questionary() -> None:
    code = (
        "import sys\n"
        "from anskaffelse.cli import main\n"
        "sys.argv = ['anskaffelse', 'run', 'ideell-status', '--trees', sys.argv[1],"
        " '--set', 'utbytteforbud=ja', '--non-interactive', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit'))\n"
        "print('LOADED', bad, file=sys.stderr)\n"
    )
    result = run(sys.executable, "-c", code, str(ROOT / "tests" / "trees" / "sketch"))
    assert "LOADED []" in result.stderr, result.stderr
    assert '"schema": "anskaffelse.trace/3"' in result.stdout


def test_a_plain_wheel_ships_the_catalogue_and_the_trace_schema(tmp_path: Path) -> None:
    import zipfile

    result = run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    wheel = next(tmp_path.glob("anskaffelse-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    trees = {p.name for p in (ROOT / "trees").glob("*.yaml")}
    assert {f"anskaffelse/trees/{name}" for name in trees} <= names
    assert {"anskaffelse/trees/veiviser.yaml", "anskaffelse/trees/kilder.yaml"} <= names
    assert "anskaffelse/schemas/trace-1.schema.json" in names  # every trace version it reads
    # the authors' schemas beside the trees, where each tree's first line points
    assert {f"anskaffelse/trees/schemas/{n}.schema.json" for n in ("tree", "sources", "thresholds")} <= names
