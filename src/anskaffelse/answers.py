"""Preset answers: from --set, from answer files and from saved traces; errors name the file and line."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from .errors import AnskaffelseError, AnswerError, TraceError, UsageError
from .model import Findings, display_path
from .values import ValueProblem, parse_date
from .yamlfile import YamlProblem, YMap, YScalar, YSeq, parse, read_bytes

TRACE_SCHEMA = "anskaffelse.trace/1"
_NULL = "tag:yaml.org,2002:null"
_TRACE_MARK = b'"anskaffelse.trace/'  # a saved trace, even when it is cut short and cannot be parsed


@dataclass
class Answers:
    """Preset answers keyed by answer key (fact name or node id); raw values are kept as text."""

    values: dict[str, str] = field(default_factory=dict)
    tree: str | None = None
    origin: str = ""  # the file they came from, for messages
    date: str | None = None  # a trace's date of assessment
    expect: str | None = None  # the outcome id a case file expects (checked by `run`)
    origins: dict[str, str] = field(default_factory=dict)  # key → «asked» for answers given before a Ctrl-C
    partial: bool = False  # read from the trace of an interrupted walk

    def merged(self, other: Answers) -> Answers:
        values = dict(self.values)
        values.update(other.values)
        origins = {k: v for k, v in self.origins.items() if k not in other.values}
        origins.update(other.origins)
        return Answers(
            values,
            other.tree or self.tree,
            other.origin or self.origin,
            other.date or self.date,
            other.expect or self.expect,
            origins,
            other.partial or self.partial,
        )

    def origin_of(self, key: str) -> str:
        """How a preset answer came to be: «file», or «asked» when it was asked before a Ctrl-C."""
        return self.origins.get(key, "file")


def load_answers(path: str | os.PathLike[str]) -> Answers:
    """Read an answers file or a saved trace; errors name the file and line."""
    shown = display_path(path)
    try:
        data = read_bytes(path, shown)
    except YamlProblem as problem:
        raise UsageError(f"kan ikke lese svarfilen: {problem.finding}") from None
    # A trace that cannot be read is an invalid trace (exit 1); a broken answers file is bad usage (exit 2).
    error: type[AnskaffelseError] = TraceError if _TRACE_MARK in data[:4096] else UsageError
    findings = Findings()
    try:
        y = parse(data, shown, findings)
    except YamlProblem as problem:
        hint = "; er filen avkuttet?" if error is TraceError else ""
        raise error(f"kan ikke lese svarfilen: {problem.finding}{hint}") from None
    problems = findings.sorted()
    if problems:
        raise error(f"kan ikke lese svarfilen: {problems[0]}", details=[str(f) for f in problems[1:]])
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
    day = _date(y, "date_of_assessment", TraceError)
    return Answers(values, tree, shown, day, origins=origins, partial=resumed)


def parse_set_option(items: list[str]) -> Answers:
    """`--set ID=VALUE`, repeatable."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set forventer ID=VERDI, fant «{item}»")
        values[key.strip()] = value.strip()
    return Answers(values, None, "--set")


def load_trace(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A saved trace as a dict, checked for its schema and keys; TraceError names the file (and line)."""
    shown = display_path(path)
    try:
        data = json.loads(read_bytes(path, shown).decode("utf-8-sig"))
    except YamlProblem as problem:
        raise UsageError(str(problem.finding)) from None
    except UnicodeDecodeError:
        raise TraceError(f"{shown}: filen er ikke gyldig UTF-8") from None
    except json.JSONDecodeError as exc:
        raise TraceError(f"{shown}:{exc.lineno}:{exc.colno}: ugyldig JSON ({exc.msg}); er filen avkuttet?") from None
    if not isinstance(data, dict) or data.get("schema") != TRACE_SCHEMA:
        raise TraceError(f"{shown}: ikke en trace fra anskaffelse (forventet schema «{TRACE_SCHEMA}»)")
    required = ("tree", "steps", "outcome", "thresholds", "date_of_assessment", "created", "tool_version")
    missing = [k for k in required if k not in data]
    if missing:
        raise TraceError(f"{shown}: tracen mangler {', '.join(missing)}")
    return data
