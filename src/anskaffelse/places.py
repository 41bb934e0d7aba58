"""Where things are in files, and the findings made there: the light part of the model.

`list` and `validate` show a cached catalogue with no more than this (see cache.py).
"""

from __future__ import annotations

import os
from typing import NamedTuple

MAX_FINDINGS = 100  # per file: past this many, a file is not worth reading on (and cannot flood the screen)
MAX_FILE_BYTES = 5 * 1024 * 1024  # a catalogue or answer file larger than this is refused unread


class Location(NamedTuple):
    """A place in a file; line and column are 1-based as editors show them."""

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


class Finding(NamedTuple):
    """One problem in a file, at a position."""

    loc: Location
    message: str
    warning: bool = False

    def __str__(self) -> str:
        level = "advarsel: " if self.warning else ""
        return f"{self.loc}: {level}{self.message}"


def errors_only(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.warning]
