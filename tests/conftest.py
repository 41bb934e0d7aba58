from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from anskaffelse import yamlfile
from anskaffelse.catalog import open_catalogue
from anskaffelse.cli import main
from anskaffelse.engine import Engine
from anskaffelse.findings import Finding, Findings
from anskaffelse.plainprompts import PlainAsker

# Interrupted walks of the tests (also of the CLI started in subprocesses) go here, never to the user's folder.
os.environ["ANSKAFFELSE_STATE_DIR"] = tempfile.mkdtemp(prefix="anskaffelse-test-state-")

HERE = Path(__file__).parent
ROOT = HERE.parent
SKETCH = HERE / "trees" / "sketch"
KINDS = HERE / "trees" / "kinds"
BUNDLED = ROOT / "trees"
DAY = dt.date(2026, 11, 27)
# How long a test waits for a program to answer. Generous on purpose: a busy CI machine may be many
# times slower than an idle one, and a test only ever waits this long when it is failing anyway.
PATIENCE = 120


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests render at a fixed width, without colour, and never read the user's catalogue setting."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ANSKAFFELSE_TREES", raising=False)


def engine_for(path: Path, day: dt.date = DAY) -> Engine:
    return Engine(open_catalogue(path), day)


@pytest.fixture
def catalogue_with(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the kinds fixture with some files replaced or added (name → YAML text)."""

    def make(files: dict[str, str], base: Path = KINDS) -> Path:
        target = tmp_path / "cat"
        shutil.copytree(base, target)
        for name, text in files.items():
            (target / name).write_text(text, encoding="utf-8")
        return target

    return make


def parse_yaml(data: bytes, name: str) -> tuple[yamlfile.Y, list[Finding]]:
    """One YAML document read as the loader reads it, with the findings made while reading."""
    findings = Findings()
    return yamlfile.parse(data, name, findings), findings.sorted()


def cli(*args: str | Path, stdin: str | None = None, width: int | None = None) -> tuple[int, str, str]:
    """The command line as a user runs it (through main(), where errors become exit codes), in
    CliRunner's isolation: exit code, stdout and stderr apart."""
    env = {"COLUMNS": str(width)} if width else None
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


class Typist(PlainAsker):
    """Plain mode with the lines typed from a list, and what it prints kept."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.screen: list[str] = []
        super().__init__(read=self._type, write=self.screen.append)

    def _type(self, prompt: str) -> str:
        self.screen.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if line == "^C":
            raise KeyboardInterrupt
        return line

    @property
    def text(self) -> str:
        return "\n".join(self.screen)
