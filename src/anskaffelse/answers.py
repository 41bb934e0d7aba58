"""Answer files (YAML/JSON) and saved traces used as answer sets."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import yamlread as yr
from .errors import AnswerError, TraceError, UsageError
from .yamlread import YMap, YScalar, YSeq

TRACE_SCHEMA = "anskaffelse.trace/1"
_NULL = "tag:yaml.org,2002:null"


@dataclass
class Answers:
    """Preset answers keyed by answer key (fact name or node id); raw values are kept as text."""

    values: dict[str, str] = field(default_factory=dict)
    tree: str | None = None
    origin: str = ""  # the file they came from, for messages
    date: str | None = None  # a trace's date of assessment
    expect: str | None = None  # the outcome id a case file expects (checked by `run`)

    def merged(self, other: Answers) -> Answers:
        values = dict(self.values)
        values.update(other.values)
        return Answers(
            values,
            other.tree or self.tree,
            other.origin or self.origin,
            other.date or self.date,
            other.expect or self.expect,
        )


def load_answers(path: str | os.PathLike[str]) -> Answers:
    """Read an answers file or a saved trace; errors name the file and line."""
    shown = yr.display_path(path)
    try:
        y, findings = yr.parse(yr.read_bytes(path, shown), shown)
    except yr.YamlProblem as problem:
        raise UsageError(f"kan ikke lese svarfilen: {problem.finding}") from None
    if findings:
        raise UsageError(f"kan ikke lese svarfilen: {findings[0]}", details=[str(f) for f in findings[1:]])
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
    if isinstance(answers_y, YScalar) and answers_y.tag == _NULL:
        return Answers({}, _scalar(y, "tree"), shown, _scalar(y, "dato"), _scalar(y, "expect"))
    if not isinstance(answers_y, YMap):
        raise UsageError(f"{answers_y.loc}: «answers» må være en tabell: spørsmål: svar")
    values: dict[str, str] = {}
    for key, (_, value_y) in answers_y.items.items():
        if not isinstance(value_y, YScalar) or value_y.tag == _NULL:
            raise AnswerError(
                f"{value_y.loc}: svaret på «{key}» må være én verdi, ikke en liste eller tabell eller tomt"
            )
        values[key] = value_y.text
    return Answers(values, _scalar(y, "tree"), shown, _scalar(y, "dato"), _scalar(y, "expect"))


def _scalar(m: YMap, key: str) -> str | None:
    item = m.items.get(key)
    if item is None:
        return None
    value = item[1]
    if not isinstance(value, YScalar) or value.tag == _NULL:
        raise UsageError(f"{value.loc}: «{key}» må være én verdi")
    return value.text


def _from_trace(y: YMap, shown: str) -> Answers:
    schema = _scalar(y, "schema")
    if schema != TRACE_SCHEMA:
        raise TraceError(f"{shown}: ukjent trace-format «{schema}»; forventet «{TRACE_SCHEMA}»")
    steps_y = y.items.get("steps", (None, None))[1]
    if not isinstance(steps_y, YSeq):
        raise TraceError(f"{shown}: tracen mangler «steps»")
    values: dict[str, str] = {}
    for step in steps_y.items:
        if not isinstance(step, YMap):
            raise TraceError(f"{step.loc}: hvert steg i tracen må være en tabell")
        key = _scalar(step, "key") or _scalar(step, "node")
        answer = _scalar(step, "answer")
        if key is None or answer is None:
            raise TraceError(f"{step.loc}: steget mangler «key» eller «answer»")
        values[key] = answer
    tree_y = y.items.get("tree", (None, None))[1]
    tree = _scalar(tree_y, "id") if isinstance(tree_y, YMap) else None
    return Answers(values, tree, shown, _scalar(y, "date_of_assessment"))


def parse_set_option(items: list[str]) -> Answers:
    """`--set ID=VALUE`, repeatable."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set forventer ID=VERDI, fant «{item}»")
        values[key.strip()] = value.strip()
    return Answers(values, None, "--set")
