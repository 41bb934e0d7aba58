"""Standard output guarded, so that every way of failing to write it ends in the documented exit code.

A reader that stops reading (`| head`) ends the command quietly (141); a full disk, a closed
stdout or another write error is exit 74 with a sentence on stderr; characters the output's
encoding cannot show (a latin-1 terminal) are replaced, not fatal.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from .errors import AnskaffelseError, ExitCode


class OutputClosed(Exception):
    """The reader of standard output stopped reading: nothing more to say, and no one to say it to."""


class OutputError(AnskaffelseError):
    """Standard output could not be written (disk full, closed)."""

    exit_code = ExitCode.IO_ERROR


class GuardedOutput(io.TextIOBase):
    """A text stream over sys.stdout that turns write failures into OutputClosed or OutputError."""

    def __init__(self, inner: TextIO | None) -> None:
        self.inner = inner

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return bool(self.inner is not None and self.inner.isatty())

    def fileno(self) -> int:
        if self.inner is None:
            raise OSError("standard output er lukket")
        return self.inner.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.inner is None:
            raise OutputError("kan ikke skrive til standard output: den er lukket")
        try:
            try:
                self.inner.write(text)
            except UnicodeEncodeError:
                self.inner.write(text.encode(self.encoding, "replace").decode(self.encoding))
        except OSError as exc:
            raise _failed(exc) from None
        return len(text)

    def flush(self) -> None:
        if self.inner is None:
            return
        try:
            self.inner.flush()
        except OSError as exc:
            raise _failed(exc) from None


def _failed(exc: OSError) -> Exception:
    """A write error as the command ends on it: the reader stopped reading (a broken pipe; on Windows a
    pipe closed by its reader gives EINVAL instead), or standard output cannot be written."""
    if isinstance(exc, BrokenPipeError) or (sys.platform == "win32" and exc.errno == errno.EINVAL):
        return OutputClosed()
    return OutputError(f"kan ikke skrive til standard output ({exc.strerror or exc})")


def interactive(*, stdout: bool = True) -> bool:
    """A person at a terminal: stdin (and stdout) is a terminal. A closed stdin (`<&-`) is none."""
    stdin = sys.stdin
    if stdin is None or not _isatty(stdin):
        return False
    return not stdout or (sys.stdout is not None and _isatty(sys.stdout))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (OSError, ValueError):  # closed
        return False


def quiet_after_broken_pipe(stdout: Any) -> int:
    """The reader stopped reading (`| head`): the rest of the output goes nowhere, and the exit code
    is the shell's for SIGPIPE. (Python would otherwise complain when it flushes stdout at exit.)"""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass
    return ExitCode.BROKEN_PIPE


def console(*, stderr: bool = False) -> Any:
    """A rich console on stdout (or stderr), made when something is to be drawn."""
    from .render import make_console

    return make_console(stderr=stderr)


def say(message: str) -> None:
    """A warning or note on stderr, printed as it is (never read as markup)."""
    style = "yellow" if message.startswith("⚠") else None
    console(stderr=True).print(message, style=style, markup=False, soft_wrap=True)


def out(text: str, *, nl: bool = True, painted: bool = False) -> None:
    """Plain text on standard output, with control characters and bidi overrides shown escaped
    (`painted`: the text has colours of its own, and its data was made visible() when it was built)."""
    from .phrases import visible

    sys.stdout.write((text if painted else visible(text)) + ("\n" if nl else ""))


def emit(text: str, output: Path | None, *, force: bool) -> None:
    """Text to a file, or to standard output when no file (or `-`) is named."""
    if output is None or str(output) == "-":
        out(text, nl=False)
        return
    from .files import write_text

    write_text(output, text, force=force)
