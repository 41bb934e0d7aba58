"""Preset answers: from --set, from answer files and from saved traces; errors name the file and line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .casefile import MAX_DESCRIPTION, CaseProblem, case_text, check_key, details_of
from .errors import AnskaffelseError, AnswerError, TraceError, UsageError
from .findings import Findings, display_path
from .model import Origin
from .trace import Trace, parse_trace
from .values import ValueProblem, parse_date
from .yamlfile import YamlProblem, YMap, YScalar, parse, read_bytes

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
    origins: dict[str, Origin] = field(default_factory=dict)  # key → «asked» for answers given before a Ctrl-C
    partial: bool = False  # read from the trace of an interrupted walk
    # Answers an interrupted walk had beyond where it stood (the person had gone back): offered as
    # the prompt's default when their question comes, never applied without asking.
    suggested: dict[str, str] = field(default_factory=dict)
    case: dict[str, str] = field(default_factory=dict)  # saksnummer, oppdragsgiver, … (casefile)
    description: str | None = None  # an answers file's `description`, kept in the trace

    def merged(self, other: Answers) -> Answers:
        values = {k: v for k, v in self.values.items() if k not in other.suggested}
        values.update(other.values)
        suggested = {k: v for k, v in self.suggested.items() if k not in other.values}
        suggested.update(other.suggested)
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
            suggested,
            {**self.case, **other.case},
            other.description or self.description,
        )

    def origin_of(self, key: str) -> Origin:
        """How a preset answer came to be: «file», or «asked» when it was asked before a Ctrl-C."""
        return self.origins.get(key, "file")


def load_answers(path: str | os.PathLike[str]) -> Answers:
    """Read an answers file or a saved trace; errors name the file and line."""
    shown = display_path(path)
    try:
        data = read_bytes(path, shown)
    except YamlProblem as problem:
        raise UsageError(f"kan ikke lese svarfilen: {problem.finding}") from None
    # A saved trace (JSON) is read by the one trace reader, never as YAML: a trace that cannot
    # be read is an invalid trace (exit 1); a broken answers file is bad usage (exit 2).
    if _TRACE_MARK in data[:4096]:
        return _from_trace(parse_trace(data, shown), shown)
    findings = Findings()
    try:
        y = parse(data, shown, findings)
    except YamlProblem as problem:
        raise UsageError(f"kan ikke lese svarfilen: {problem.finding}") from None
    problems = findings.sorted()
    if problems:
        raise UsageError(f"kan ikke lese svarfilen: {problems[0]}", details=[str(f) for f in problems[1:]])
    if not isinstance(y, YMap):
        raise UsageError(f"{y.loc}: svarfilen må være en tabell med «answers:» (eller en lagret trace)")
    if "schema" in y.items:  # meant as a trace, of a version (or a tool) this reader will name
        return _from_trace(parse_trace(data, shown), shown)
    allowed = ("tree", "answers", "dato", "description", "expect", "sak")
    for key, (key_y, _) in y.items.items():
        if key not in allowed:
            raise UsageError(f"{key_y.loc}: ukjent nøkkel «{key}» i svarfilen; tillatt: {', '.join(allowed)}")
    answers_y = y.items.get("answers", (None, None))[1]
    if answers_y is None:
        raise UsageError(f"{y.loc}: svarfilen mangler «answers:»")
    tree, day, expect = _scalar(y, "tree"), _date(y, "dato", UsageError), _expected_outcome(y)
    case, description = _case(y), _description(y)
    if isinstance(answers_y, YScalar) and answers_y.tag == _NULL:
        return Answers({}, tree, shown, day, expect, case=case, description=description)
    if not isinstance(answers_y, YMap):
        raise UsageError(f"{answers_y.loc}: «answers» må være en tabell: spørsmål: svar")
    values: dict[str, str] = {}
    for key, (_, value_y) in answers_y.items.items():
        if not isinstance(value_y, YScalar) or value_y.tag == _NULL:
            raise AnswerError(
                f"{value_y.loc}: svaret på «{key}» må være én verdi, ikke en liste eller tabell eller tomt"
            )
        values[key] = value_y.text
    return Answers(values, tree, shown, day, expect, case=case, description=description)


def _case(y: YMap) -> dict[str, str]:
    """An answers file's `sak:` (saksnummer, oppdragsgiver, …), each a single value; errors name the line."""
    item = y.items.get("sak")
    if item is None:
        return {}
    case_y = item[1]
    if not isinstance(case_y, YMap):
        raise UsageError(f"{case_y.loc}: «sak» må være en tabell, f.eks. saksnummer: 2026/123")
    found: dict[str, str] = {}
    for key, (key_y, value_y) in case_y.items.items():
        problem = check_key(key)
        if problem:
            raise UsageError(f"{key_y.loc}: {problem}")
        if isinstance(value_y, YScalar) and value_y.tag == _NULL:
            continue  # left empty in the file: not given
        text = _scalar(case_y, key)
        try:
            text = case_text(text or "")
        except CaseProblem as error:
            raise UsageError(f"{value_y.loc}: sak: {key}: {error}") from None
        if text:
            found[key] = text
    return found


def _description(y: YMap) -> str | None:
    """An answers file's `description` (free text for the reader, kept in the trace); a single value."""
    text = _scalar(y, "description")
    if text is None:
        return None
    try:
        return case_text(text, limit=MAX_DESCRIPTION) or None
    except CaseProblem as error:
        raise UsageError(f"{y.items['description'][1].loc}: description: {error}") from None


def _expected_outcome(y: YMap) -> str | None:
    """A case file's expected outcome: `expect: id`, or `expect: {outcome: id, …}` (see cases.py)."""
    item = y.items.get("expect")
    if item is not None and isinstance(item[1], YMap):
        return _scalar(item[1], "outcome")
    return _scalar(y, "expect")


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


def _from_trace(trace: Trace, shown: str) -> Answers:
    """A saved trace's answers, keyed as the walk asked them."""
    values: dict[str, str] = {}
    origins: dict[str, Origin] = {}
    # An interrupted walk's trace (complete: false) is the same walk going on: what was asked
    # there stays «asked». A finished trace reused as answers is a file like any other.
    resumed = trace["complete"] is False
    # In an interrupted walk, `path` ends at the question that was open; a step whose node is not
    # on the path before it was given before the person went back: a suggestion.
    answered = set(trace["path"][:-1]) if resumed and "path" in trace else None
    suggested: dict[str, str] = {}
    for step in trace["steps"]:
        if step["origin"] == "computed":  # worked out again from the answers it rests on
            continue
        if answered is not None and f"{step['tree']}/{step['node']}" not in answered:
            suggested.setdefault(step["key"], str(step["answer"]))
            continue
        values[step["key"]] = str(step["answer"])
        if resumed and step["origin"] == "asked":
            origins[step["key"]] = "asked"
    try:
        day = parse_date(trace["date_of_assessment"]).isoformat()
    except ValueProblem as problem:
        raise TraceError(f"{shown}: date_of_assessment: {problem}") from None
    case = trace.get("sak")
    description = case.get("beskrivelse") if case else None
    return Answers(
        values,
        trace["tree"]["id"],
        shown,
        day,
        origins=origins,
        partial=resumed,
        suggested=suggested,
        case=details_of(case),
        description=description,
    )


def parse_set_option(items: list[str]) -> Answers:
    """`--set ID=VALUE`, repeatable."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set forventer ID=VERDI, fant «{item}»")
        values[key.strip()] = value.strip()
    return Answers(values, None, "--set")
