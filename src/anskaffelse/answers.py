"""Preset answers: from --set, and (in answerfile.py) from answer files and saved traces."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import TraceError, UsageError
from .model import display_path

TRACE_SCHEMA = "anskaffelse.trace/1"


@dataclass
class Answers:
    """Preset answers keyed by answer key (fact name or node id); raw values are kept as text."""

    values: dict[str, str] = field(default_factory=dict)
    tree: str | None = None
    origin: str = ""  # the file they came from, for messages
    date: str | None = None  # a trace's date of assessment
    expect: str | None = None  # the outcome id a case file expects (checked by `run`)
    origins: dict[str, str] = field(default_factory=dict)  # key → «asked» for answers given before a Ctrl-C

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
        )

    def origin_of(self, key: str) -> str:
        """How a preset answer came to be: «file», or «asked» when it was asked before a Ctrl-C."""
        return self.origins.get(key, "file")


def load_answers(path: str | os.PathLike[str]) -> Answers:
    """Read an answers file or a saved trace; errors name the file and line.

    Kept in the cache by content hash (see cache.py), so that an unchanged answer file is not
    parsed as YAML again: a non-interactive walk then starts without importing the YAML library.
    """
    from . import cache

    snapshot = cache.take_file(Path(path))
    if snapshot is not None:
        found = _cached(snapshot.load("answers"))
        if found is not None:
            return found
    from .answerfile import read_answers

    answers = read_answers(path, snapshot.contents[Path(path).name] if snapshot else None)
    if snapshot is not None:
        snapshot.store("answers", dataclasses.asdict(answers))
    return answers


def _cached(found: Any) -> Answers | None:
    """Answers as stored by load_answers; None for anything else (then the file is read)."""
    fields = {"values", "tree", "origin", "date", "expect", "origins"}
    if not isinstance(found, dict) or set(found) != fields:
        return None
    values = found["values"]
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return None
    if not all(found[k] is None or isinstance(found[k], str) for k in ("tree", "date", "expect")):
        return None
    origins = found["origins"]
    if not isinstance(origins, dict) or not all(v in ("asked", "file") for v in origins.values()):
        return None
    return Answers(values, found["tree"], str(found["origin"]), found["date"], found["expect"], origins)


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
    from .yamlread import YamlProblem, read_bytes

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
