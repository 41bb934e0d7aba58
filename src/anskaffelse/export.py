"""A walk → its trace (the JSON of design.md). Deterministic: the clock is passed in, never read here. The markdown
report of a trace is made by report.to_markdown (kept importable from here)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import cast

from . import __version__
from .catalog import threshold_warnings
from .engine import Engine, State
from .model import CONFIRMED, END, REPORTED, Call, Catalogue, Outcome, Question, Step, ThresholdUse, Value
from .record import catalogue_files, seal
from .report import to_markdown
from .trace import (
    TRACE_SCHEMA,
    ThresholdUsed,
    Trace,
    TraceAlternative,
    TraceCase,
    TraceFile,
    TraceNotice,
    TraceOutcome,
    TraceSource,
    TraceStep,
)
from .wording import outcome_sources, render_outcome


def json_value(value: Value) -> int | str:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _source(catalogue: Catalogue, source_id: str) -> TraceSource:
    source = catalogue.sources.get(source_id)
    if source is None:
        return {"id": source_id, "citation": source_id, "title": "", "url": ""}
    return {"id": source.id, "citation": source.citation, "title": source.title, "url": source.url}


def build_trace(
    engine: Engine,
    state: State,
    start_tree: str,
    created: dt.datetime,
    *,
    complete: bool,
    more: tuple[Step, ...] = (),
    case: TraceCase | None = None,
    alternatives: list[TraceAlternative] | None = None,
) -> Trace:
    """The trace JSON of design.md for a walk (complete or interrupted). `more`: an interrupted
    walk's answers beyond where it stood (its `path`), saved after its own steps as suggestions;
    `case`: the case details (casefile); `alternatives`: what would have changed the result."""
    catalogue = engine.catalogue
    used_ids = list(dict.fromkeys([start_tree] + [t for t, _ in state.visited]))
    files: list[TraceFile] = [
        {"id": t.id, "version": t.version, "file": t.loc.file, "sha256": t.sha256}
        for t in (catalogue.trees[i] for i in used_ids if i in catalogue.trees)
    ]
    combined = hashlib.sha256("".join(f"{f['id']}:{f['sha256']}\n" for f in files).encode()).hexdigest()
    root = catalogue.trees[start_tree]
    outcome = engine.outcome(state)
    # Each conclusion on the way once (a tree called twice, say hvilke-regler, concludes the same).
    passed = [(t, catalogue.trees[t].nodes[n]) for t, n in dict.fromkeys(state.passed)]
    uses = state.thresholds + engine.thresholds_shown(state)
    env = engine.env(state.facts)
    concluded = (outcome, *(n for _, n in passed))
    cited = [s for node in concluded if isinstance(node, Outcome) for s in outcome_sources(node, env)]
    trace: Trace = {
        "schema": TRACE_SCHEMA,
        "content_sha256": "",  # set by seal, last; here so that it stands near the top of the file
        "tool_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "date_of_assessment": engine.day.isoformat(),
        "tree": {"id": root.id, "title": root.title, "version": root.version, "sha256": combined, "files": files},
        "catalogue_files": catalogue_files(catalogue),
        "steps": [_step(catalogue, s) for s in (*state.steps, *more)],
        "outcome": None if outcome is None else _outcome(engine, state, state.tree, outcome),
        "thresholds": [_threshold_used(catalogue, engine.day, u) for u in uses],
        "path": [f"{t}/{n}" for t, n in state.visited],
        "passed": [_outcome(engine, state, tree_id, node) for tree_id, node in passed if isinstance(node, Outcome)],
        "notices": notices(catalogue, engine.day, cited),
        "complete": complete,
    }
    if case:
        trace["sak"] = case
    if catalogue.law_as_of:
        trace["law_as_of"] = [{"law": law, "date": day.isoformat()} for law, day in catalogue.law_as_of]
    if alternatives is not None:
        trace["alternatives"] = alternatives
    if catalogue.supplied:
        trace["thresholds_file"] = {"file": catalogue.supplied[0], "sha256": catalogue.supplied[1]}
    return seal(ordered(trace))


def _threshold_used(catalogue: Catalogue, day: dt.date, u: ThresholdUse) -> ThresholdUsed:
    used: ThresholdUsed = {
        "id": u.id,
        "title": u.title,
        "amount": json_value(u.amount),
        "from": u.start.isoformat(),
        "source": _source(catalogue, u.source),
        "checked": u.checked.isoformat() if u.checked else None,
        "confirmed_until": u.confirmed_until.isoformat() if u.confirmed_until else None,
        "warnings": threshold_warnings(catalogue.thresholds[u.id], day) if u.status != REPORTED else [],
    }
    if u.status != CONFIRMED:
        used["status"], used["origin"] = u.status, u.origin
    return used


def notices(catalogue: Catalogue, day: dt.date, source_ids: list[str]) -> list[TraceNotice]:
    """The changes in the law, in force on `day`, that the cited sources name: each once."""
    found: list[TraceNotice] = []
    for source_id in dict.fromkeys(source_ids):
        source = catalogue.sources.get(source_id)
        for change in source.changes if source else ():
            if change.start <= day:
                found.append(
                    {
                        "source": source_id,
                        "citation": source.citation,  # type: ignore[union-attr]
                        "from": change.start.isoformat(),
                        "status": change.status,
                        "checked": change.checked.isoformat() if change.checked else None,
                        "text": change.text,
                    }
                )
    return found


# Keys a reader looks for first stand first in the file: whose case it is, and when and by what it was made.
_FIRST = {
    "schema": 0,
    "content_sha256": 1,
    "tool_version": 2,
    "created": 3,
    "date_of_assessment": 4,
    "sak": 5,
    "law_as_of": 6,
}


def ordered(trace: Trace) -> Trace:
    """The trace with its keys in reading order (the hash does not depend on it: canonical JSON sorts)."""
    keys = sorted(trace, key=lambda k: _FIRST.get(k, len(_FIRST)))
    return cast(Trace, {key: trace[key] for key in keys})  # type: ignore[literal-required]


def _step(catalogue: Catalogue, s: Step) -> TraceStep:
    step: TraceStep = {
        "tree": s.tree,
        "node": s.node,
        "key": s.key,
        "question": s.question,
        "answer": json_value(s.answer),
        "answer_label": s.answer_label,
        "origin": s.origin,
        "help_shown": s.help_shown,
        "sources": [_source(catalogue, i) for i in s.sources],
    }
    tree = catalogue.trees.get(s.tree)
    node = tree.nodes.get(s.node) if tree else None
    if isinstance(node, Question) and node.navigation:
        step["navigation"] = True
    if isinstance(node, Question) and node.input != "choice":
        step["input"] = node.input
    return step


def _outcome(engine: Engine, state: State, tree_id: str, outcome: Outcome) -> TraceOutcome:
    """An outcome as the walk reads it: its placeholders filled in and its conditional parts chosen."""
    env = engine.env(state.facts)
    title, text, steps, document = render_outcome(outcome, env)
    made: TraceOutcome = {
        "tree": tree_id,
        "node": outcome.id,
        "verdict": outcome.verdict,
        "title": title,
        "text": text,
        "steps": steps,
        "document": document,
        "sources": [_source(engine.catalogue, i) for i in outcome_sources(outcome, env)],
    }
    if (tree_id, outcome.id) in waypoints(engine.catalogue):
        made["waypoint"] = True
    return made


_WAYPOINTS: dict[int, tuple[Catalogue, set[tuple[str, str]]]] = {}


def waypoints(catalogue: Catalogue) -> set[tuple[str, str]]:
    """The outcomes some tree goes on from (a call's returns leads to a node, not to the end): conclusions on
    the way, such as which part of the regulation applies. Reached as a walk's result, they are classifications.
    Made once per catalogue (an archive's replay builds thousands of traces with one)."""
    made = _WAYPOINTS.get(id(catalogue))
    if made is not None and made[0] is catalogue:
        return made[1]
    found = {
        (node.tree, outcome_id)
        for tree in catalogue.trees.values()
        for node in tree.nodes.values()
        if isinstance(node, Call)
        for outcome_id, target in node.returns
        if target != END
    }
    _WAYPOINTS.clear()
    _WAYPOINTS[id(catalogue)] = (catalogue, found)
    return found


__all__ = ["build_trace", "json_value", "ordered", "to_markdown", "waypoints"]
