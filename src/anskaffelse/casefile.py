"""The case a walk belongs to: saksnummer, oppdragsgiver, adresse, gjelder, leverandør, saksbehandler.

They come from an answers file's `sak:`, from `--case KEY=VALUE`, or are asked once at the end of an
interactive walk whose report or trace is written (each skippable). The trace carries them as `sak`,
with the answers file's `description` and the walk's CPV code; the report shows them at the top and in
the protocol's own list (FOA § 10-5 (2)).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from .errors import UsageError
from .findings import suggest
from .model import Step
from .trace import TraceCase

# The keys, in the order they are asked and shown, with the label a person reads.
CASE_FIELDS: tuple[tuple[str, str], ...] = (
    ("saksnummer", "Saksnummer"),
    ("oppdragsgiver", "Oppdragsgiver"),
    ("adresse", "Oppdragsgiverens adresse"),
    ("gjelder", "Hva anskaffelsen gjelder"),
    ("leverandor", "Leverandør"),
    ("saksbehandler", "Saksbehandler"),
)
CASE_KEYS = tuple(key for key, _ in CASE_FIELDS)
CASE_LABELS = dict(CASE_FIELDS)
MAX_CASE_TEXT = 500  # characters in one case detail
MAX_DESCRIPTION = 2000  # an answers file's description, as a free-text answer


class CaseProblem(ValueError):
    """A case detail that cannot be kept (the caller adds where it came from)."""


def case_text(value: str, *, limit: int = MAX_CASE_TEXT) -> str:
    """A case detail as kept: on one line (line breaks and runs of spaces become one space), without control
    characters; CaseProblem when it is longer than `limit`."""
    text = " ".join("".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch.isspace()).split())
    if len(text) > limit:
        raise CaseProblem(f"teksten er for lang ({len(text)} tegn; høyst {limit})")
    return text


def check_key(key: str) -> str | None:
    """What is wrong with a case key (None when it is one), with a guess and the keys there are."""
    if key in CASE_KEYS:
        return None
    return f"ukjent saksopplysning «{key}»{suggest(key, CASE_KEYS) or ''}; tillatt: {', '.join(CASE_KEYS)}"


def parse_case_option(items: Iterable[str]) -> dict[str, str]:
    """`--case KEY=VALUE`, repeatable; an empty value leaves the detail out."""
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--case forventer NØKKEL=VERDI, f.eks. saksnummer=2026/123; fant «{item}»")
        problem = check_key(key)
        if problem:
            raise UsageError(f"--case: {problem}")
        try:
            text = case_text(value)
        except CaseProblem as error:
            raise UsageError(f"--case {key}: {error}") from None
        if text:
            found[key] = text
    return found


def cpv_of(steps: Iterable[Step]) -> tuple[str, str] | None:
    """The walk's CPV code and how it reads (the fact `cpv`, when answered with a code)."""
    for step in steps:
        if step.key == "cpv" and isinstance(step.answer, str) and step.answer.isdigit():
            return step.answer, step.answer_label
    return None


def case_record(details: Mapping[str, str], description: str | None, cpv: tuple[str, str] | None) -> TraceCase | None:
    """The trace's `sak`: the details given (in the order of CASE_FIELDS), the answers file's description and
    the CPV code; None when there is nothing to record."""
    record: TraceCase = {}
    for key in CASE_KEYS:
        if details.get(key):
            record[key] = details[key]  # type: ignore[literal-required]
    if description:
        record["beskrivelse"] = description
    if cpv is not None:
        record["cpv"] = {"code": cpv[0], "label": cpv[1]}
    return record or None


def details_of(record: Mapping[str, object] | None) -> dict[str, str]:
    """The case details of a trace's `sak` (for a walk that goes on from a saved trace)."""
    if not record:
        return {}
    return {key: str(record[key]) for key in CASE_KEYS if isinstance(record.get(key), str)}
