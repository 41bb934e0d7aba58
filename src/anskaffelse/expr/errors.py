"""Problems with an expression: the error, the caret under it, and how source text is quoted in messages."""

from __future__ import annotations

import difflib
from collections.abc import Collection


class ExprError(Exception):
    """A problem with an expression: `message` is Norwegian for the author, `offset` a 0-based index into the source."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ExprError({self.message!r}, {self.offset})"

    def show(self, source: str) -> str:
        """The message, then the source line with a caret under the offset."""
        return f"{self.message}\n{caret(source, self.offset)}"


def caret(source: str, offset: int) -> str:
    """The line of `source` that holds `offset` and, under it, a ``^`` at that column (tabs kept)."""
    offset = max(0, min(offset, len(source)))
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    line = source[start : end if end >= 0 else len(source)]
    pad = "".join("\t" if ch == "\t" else " " for ch in source[start:offset])
    return f"{line}\n{pad}^"


def _suggest(word: str, options: Collection[str]) -> str:
    """« (mente du «x»?)» when something close exists, else ""."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (mente du «{close[0]}»?)" if close else ""


def _quote(text: str) -> str:
    """Source text as it may be quoted in a message: one line, printable, at most 30 characters."""
    shown = "".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in text)
    return shown if len(shown) <= 30 else shown[:29] + "…"
