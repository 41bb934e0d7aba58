"""Windows as well as Linux and macOS: nothing POSIX-only in the program without a fallback, and the
fallbacks themselves (tested here on any platform by pretending to be the other one)."""

from __future__ import annotations

import errno
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from anskaffelse import files, options, streams
from conftest import ROOT

SOURCE = ROOT / "src" / "anskaffelse"
POSIX_ONLY = re.compile(
    r"^\s*(import|from)\s+(fcntl|termios|tty|pty|resource|pwd|grp|posix)\b"
    r"|os\.(getuid|geteuid|getgid|getegid|mknod|mkfifo|fork|setsid|killpg|getpgid)\b"
    r"|signal\.SIG(?!INT\b)[A-Z]+|[\"']/tmp\b",
    re.M,
)


def test_the_program_uses_nothing_posix_only() -> None:
    """No fcntl, termios, resource, os.getuid, signals other than SIGINT, or a hard-coded /tmp."""
    found = [
        f"{path.relative_to(SOURCE).as_posix()}: {match.group(0).strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        for match in POSIX_ONLY.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_resume_command_is_quoted_for_the_shell_at_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["anskaffelse", "run", "--answers", "C:\\Mine filer\\svar.json"]
    monkeypatch.setattr(sys, "platform", "linux")
    assert options.command_line(args) == "anskaffelse run --answers 'C:\\Mine filer\\svar.json'"
    monkeypatch.setattr(sys, "platform", "win32")
    assert options.command_line(args) == 'anskaffelse run --answers "C:\\Mine filer\\svar.json"'
    assert options.command_line(args) == subprocess.list2cmdline(args)


@pytest.mark.parametrize("started", ["anskaffelse", "anskaffelse.exe", "ANSKAFFELSE.EXE"])
def test_the_windows_launcher_is_named_to_start_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, started: str
) -> None:
    from anskaffelse import files

    monkeypatch.setattr(files.shutil, "which", lambda _: None)
    monkeypatch.setattr(sys, "argv", [str(tmp_path / started)])
    assert files.program() == [str((tmp_path / started).resolve())]
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "__main__.py")])
    assert files.program() == [sys.executable, "-m", "anskaffelse"]


def test_a_pipe_closed_by_its_reader_on_windows_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    class Closed(io.StringIO):
        def write(self, _text: str) -> int:
            raise OSError(errno.EINVAL, "Invalid argument")

    output = streams.GuardedOutput(Closed())
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(streams.OutputClosed):
        output.write("x")
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(streams.OutputError):  # elsewhere EINVAL is a real write error (exit 74)
        output.write("x")


def test_a_name_too_long_is_said_on_every_platform() -> None:
    assert files._reason(OSError(errno.ENAMETOOLONG, "File name too long")) == "navnet er for langt"


def test_readme_gives_pipx_windows_and_the_exact_command_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.split("## Kom i gang", 1)[1].split("\n## ", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert f"```sh\n{ci}\n```" in start  # what CI runs is what README says
    assert "pipx install ." in start and start.index("pipx install") < start.index("python3 -m venv")
    assert "py -m venv .venv" in start and ".venv\\Scripts\\anskaffelse run" in start
