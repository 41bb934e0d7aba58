"""Places in files and the findings made there: what every reader and check reports with. Stdlib only."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MAX_FINDINGS = 100  # errors (and, apart, warnings) shown per file: a hostile file must not flood the screen
MAX_FILE_BYTES = 5 * 1024 * 1024  # a catalogue or answer file larger than this is refused unread


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a file; line and column are 1-based as editors show them (0: the whole file)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as a user should see it: relative to the working directory when inside it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except (ValueError, OSError):  # another drive (Windows), or a working folder that was deleted
        return text
    return text if rel.startswith("..") else rel


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem in a file, at a position; a warning does not make the file invalid."""

    loc: Location
    message: str
    warning: bool = False
    left_out: int = 0  # a closing line standing for this many findings that are not shown

    def __str__(self) -> str:
        level = "advarsel: " if self.warning else ""
        return f"{self.loc}: {level}{self.message}"


def errors_only(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.warning]


def tally(findings: Iterable[Finding]) -> int:
    """How many findings these are, counting those a closing line says were left out."""
    return sum(f.left_out or 1 for f in findings)


def suggest(name: str, known: Iterable[str]) -> str:
    """«; mente du «x»?» for the known name closest to `name`, or an empty string."""
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; mente du «{close[0]}»?" if close else ""


class Findings:
    """Every finding about a set of files, at most MAX_FINDINGS errors and MAX_FINDINGS warnings per file.

    What is left out is counted and said in one line per file: an error when errors were left out,
    else a warning (so that a file with thousands of warnings and no error is still valid).
    """

    def __init__(self) -> None:
        self._kept: list[Finding] = []
        self._count: Counter[tuple[str, bool]] = Counter()

    def add(self, loc: Location, message: str, *, warning: bool = False) -> None:
        self.keep(Finding(loc, message, warning))

    def keep(self, finding: Finding) -> None:
        key = (finding.loc.file, finding.warning)
        self._count[key] += 1
        if self._count[key] <= MAX_FINDINGS:
            self._kept.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.keep(finding)

    def sorted(self) -> list[Finding]:
        """The findings kept, by position, with a closing line for each file where some were left out."""
        result = sorted(self._kept, key=lambda f: (f.loc, f.message))
        for (file, warning), count in sorted(self._count.items()):
            if count > MAX_FINDINGS:
                what = "advarsler" if warning else "feil"
                message = f"{count - MAX_FINDINGS:,} {what} til i filen vises ikke (over {MAX_FINDINGS})".replace(
                    ",", " "
                )
                if not warning:
                    message += " – rett feilene over"
                result.append(Finding(Location(file), message, warning, count - MAX_FINDINGS))
        return result
