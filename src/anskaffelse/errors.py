"""One root exception and the exit codes of the CLI."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes promised in README and design.md."""

    OK = 0
    INVALID = 1  # a tree, catalogue or trace is invalid
    USAGE = 2  # bad usage or a bad answer
    CHANGED = 3  # replay: the outcome or the walk changed
    UNAVAILABLE = 69  # an optional part is not installed (pandoc, for Word): EX_UNAVAILABLE
    INTERNAL = 70  # a bug: EX_SOFTWARE
    IO_ERROR = 74  # an output stream or file could not be written: EX_IOERR
    INTERRUPTED = 130  # Ctrl-C / Ctrl-D
    BROKEN_PIPE = 141  # the reader of the output stopped reading (`| head`): 128 + SIGPIPE, as a shell says


class AnskaffelseError(Exception):
    """Every error a user may see; the CLI prints `message` and exits with `exit_code`."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class CatalogueError(AnskaffelseError):
    """Trees, sources or thresholds could not be loaded or are invalid."""

    exit_code = ExitCode.INVALID


class TraceError(AnskaffelseError):
    """A saved trace is unreadable or of the wrong kind."""

    exit_code = ExitCode.INVALID


class AnswerError(AnskaffelseError):
    """An answer is missing or does not fit its question."""

    exit_code = ExitCode.USAGE


class UsageError(AnskaffelseError):
    """The command line or a file named on it cannot be used."""

    exit_code = ExitCode.USAGE


class Interrupted(AnskaffelseError):
    """The user pressed Ctrl-C or Ctrl-D at a prompt; carries the walk so far, and every answer given
    in it (`given`: also those after a question the person went back to)."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str = "Avbrutt", *, state: object = None, given: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.state = state
        self.given = given
