"""Answer files (YAML/JSON) and saved traces read as answer sets; errors name the file and line."""

from __future__ import annotations

import os

from . import yamlread as yr
from .answers import TRACE_SCHEMA, Answers
from .errors import AnskaffelseError, AnswerError, TraceError, UsageError
from .model import display_path
from .values import ValueProblem, parse_date
from .yamlread import YMap, YScalar, YSeq

_NULL = "tag:yaml.org,2002:null"
_TRACE_MARK = b'"anskaffelse.trace/'  # a saved trace, even when it is cut short and cannot be parsed


def read_answers(path: str | os.PathLike[str], data: bytes | None = None) -> Answers:
    """Read an answers file or a saved trace (or its bytes, already read); errors name the file and line."""
    shown = display_path(path)
    try:
        if data is None:
            data = yr.read_bytes(path, shown)
    except yr.YamlProblem as problem:
        raise UsageError(f"kan ikke lese svarfilen: {problem.finding}") from None
    # A trace that cannot be read is an invalid trace (exit 1); a broken answers file is bad usage (exit 2).
    error: type[AnskaffelseError] = TraceError if _TRACE_MARK in data[:4096] else UsageError
    try:
        y, findings = yr.parse(data, shown)
    except yr.YamlProblem as problem:
        hint = "; er filen avkuttet?" if error is TraceError else ""
        raise error(f"kan ikke lese svarfilen: {problem.finding}{hint}") from None
    if findings:
        raise error(f"kan ikke lese svarfilen: {findings[0]}", details=[str(f) for f in findings[1:]])
    if not isinstance(y, YMap):
        raise UsageError(f"{y.loc}: svarfilen må være en tabell med «answers:» (eller en lagret trace)")
    if "schema" in y.items:
        return _from_trace(y, shown)
    allowed = ("tree", "answers", "dato", "description", "expect")
    for key, (key_y, _) in y.items.items():
        if key not in allowed:
            raise UsageError(f"{key_y.loc}: ukjent nøkkel «{key}» i svarfilen; tillatt: {', '.join(allowed)}")
    answers_y = y.items.get("answers", (None, None))[1]
    if answers_y is None:
        raise UsageError(f"{y.loc}: svarfilen mangler «answers:»")
    _scalar(y, "description")  # free text for the reader; must still be a single value
    tree, day, expect = _scalar(y, "tree"), _date(y, "dato", UsageError), _scalar(y, "expect")
    if isinstance(answers_y, YScalar) and answers_y.tag == _NULL:
        return Answers({}, tree, shown, day, expect)
    if not isinstance(answers_y, YMap):
        raise UsageError(f"{answers_y.loc}: «answers» må være en tabell: spørsmål: svar")
    values: dict[str, str] = {}
    for key, (_, value_y) in answers_y.items.items():
        if not isinstance(value_y, YScalar) or value_y.tag == _NULL:
            raise AnswerError(
                f"{value_y.loc}: svaret på «{key}» må være én verdi, ikke en liste eller tabell eller tomt"
            )
        values[key] = value_y.text
    return Answers(values, tree, shown, day, expect)


def _scalar(m: YMap, key: str, error: type[AnskaffelseError] = UsageError) -> str | None:
    item = m.items.get(key)
    if item is None:
        return None
    value = item[1]
    if not isinstance(value, YScalar) or value.tag == _NULL:
        raise error(f"{value.loc}: «{key}» må være én verdi")
    return value.text


def _date(m: YMap, key: str, error: type[AnskaffelseError]) -> str | None:
    """A date of assessment, checked here so that the message names the file and line."""
    text = _scalar(m, key, error)
    if text is None:
        return None
    try:
        return parse_date(text).isoformat()
    except ValueProblem as problem:
        raise error(f"{m.items[key][1].loc}: «{key}»: {problem}") from None


def _from_trace(y: YMap, shown: str) -> Answers:
    schema = _scalar(y, "schema", TraceError)
    if schema != TRACE_SCHEMA:
        raise TraceError(f"{y.items['schema'][1].loc}: ukjent trace-format «{schema}»; forventet «{TRACE_SCHEMA}»")
    steps_y = y.items.get("steps", (None, None))[1]
    if not isinstance(steps_y, YSeq):
        raise TraceError(f"{shown}: tracen mangler «steps»")
    values: dict[str, str] = {}
    origins: dict[str, str] = {}
    # An interrupted walk's trace (complete: false) is the same walk going on: what was asked
    # there stays «asked». A finished trace reused as answers is a file like any other.
    resumed = _scalar(y, "complete", TraceError) == "false"
    for step in steps_y.items:
        if not isinstance(step, YMap):
            raise TraceError(f"{step.loc}: hvert steg i tracen må være en tabell")
        key = _scalar(step, "key", TraceError) or _scalar(step, "node", TraceError)
        answer = _scalar(step, "answer", TraceError)
        if key is None or answer is None:
            raise TraceError(f"{step.loc}: steget mangler «key» eller «answer»")
        values[key] = answer
        if resumed and _scalar(step, "origin", TraceError) == "asked":
            origins[key] = "asked"
    tree_y = y.items.get("tree", (None, None))[1]
    tree = _scalar(tree_y, "id", TraceError) if isinstance(tree_y, YMap) else None
    return Answers(values, tree, shown, _date(y, "date_of_assessment", TraceError), origins=origins)
