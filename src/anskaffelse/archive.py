"""`replay` of many saved assessments at once (a folder, or several trace files): which of them a new
threshold or a changed tree affects. The catalogue is loaded once and one engine serves every trace.
Pure: the table is returned as text.

Exit code: 3 when any assessment changed; else 1 when any file is not a readable trace («ugyldig»);
else 0. An interrupted walk («ufullstendig») has no result to compare with and changes neither.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import Engine
from .errors import AnswerError, ExitCode, TraceError, UsageError
from .findings import display_path
from .model import Catalogue
from .record import CHANGED as EDITED
from .record import MARK_CHANGED, integrity
from .replay import question_keys, replay_saved
from .runner import assessment_day
from .trace import read_trace

UNCHANGED, CHANGED, INVALID, INCOMPLETE = "uendret", "endret", "ugyldig", "ufullstendig"
NO_CASE = "–"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Row:
    """One file of the archive: its name, case number, status and what changed (or why it is not read)."""

    file: str
    case: str
    status: str
    what: list[str]


def trace_paths(paths: Sequence[Path]) -> list[Path]:
    """The files named, and in each folder named every *.json in it and below it (not hidden), by name."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        inside = sorted(
            p for p in path.rglob("*.json") if not any(x.startswith(".") for x in p.relative_to(path).parts)
        )
        if not inside:
            raise UsageError(f"{display_path(path)}: fant ingen traces (*.json) i mappen")
        found += inside
    return found


def replay_archive(paths: Sequence[Path], catalogue: Catalogue, dato: str | None) -> list[Row]:
    """Every trace in `paths` run again on `catalogue`, one row each, in the order found."""
    engine = Engine(catalogue, assessment_day(dato))
    keys = question_keys(catalogue)
    return [_row(path, engine, keys) for path in trace_paths(paths)]


def _row(path: Path, engine: Engine, keys: set[str]) -> Row:
    shown = display_path(path)
    try:
        old = read_trace(path)
    except (TraceError, UsageError) as problem:
        return Row(shown, NO_CASE, INVALID, [problem.message.removeprefix(f"{shown}: ")])
    case = case_number(old)
    if old.get("complete") is False:
        return Row(shown, case, INCOMPLETE, ["gjennomgangen ble avbrutt før et resultat; ingenting å sammenligne"])
    edited = [f"tracen er {MARK_CHANGED} (se anskaffelse verify)"] if integrity(old) == EDITED else []
    try:
        result = replay_saved(old, engine, keys)
    except AnswerError as error:  # the tree is gone from the catalogue
        return Row(shown, case, CHANGED, [*edited, error.message])
    return Row(shown, case, CHANGED if result.changes else UNCHANGED, [*edited, *result.changes])


def case_number(trace: Mapping[str, Any]) -> str:
    """The case number (saksnummer) of a trace, or «–» (traces carry no case details yet)."""
    case = trace.get("sak")
    number = case.get("saksnummer") if isinstance(case, Mapping) else None
    return str(number) if number else NO_CASE


def exit_code(rows: Sequence[Row]) -> int:
    statuses = {row.status for row in rows}
    if CHANGED in statuses:
        return ExitCode.CHANGED
    return ExitCode.INVALID if INVALID in statuses else ExitCode.OK


def archive_table(rows: Sequence[Row]) -> str:
    """The rows as a plain text table (fil, saksnummer, status, hva er endret), each further change on a
    line of its own under the first, and a count by status at the end."""
    header = ("fil", "saksnummer", "status")
    cells = [(_clean(r.file), _clean(r.case), r.status) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    indent = " " * (sum(widths) + 2 * len(widths))

    def line(first: Sequence[str], rest: str) -> str:
        return ("  ".join(c.ljust(w) for c, w in zip(first, widths, strict=True)) + "  " + rest).rstrip()

    out = [line(header, "hva er endret")]
    for row, cell in zip(rows, cells, strict=True):
        what = [_clean(w) for w in row.what] or [""]
        out.append(line(cell, what[0]))
        out += [(indent + w).rstrip() for w in what[1:]]
    counts = {s: sum(r.status == s for r in rows) for s in (UNCHANGED, CHANGED, INVALID, INCOMPLETE)}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return "\n".join([*out, "", f"{len(rows)} {'trace' if len(rows) == 1 else 'traces'}: {summary}"]) + "\n"


def _clean(text: str) -> str:
    """A file name or message on one line: control characters (a line break in a file name, ESC) as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", os.fsdecode(text))
