"""Re-run a saved walk on today's catalogue and say what changed. Pure: no printing."""

from __future__ import annotations

import datetime as dt
import os
import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from .catalog import with_supplied
from .engine import Engine, State
from .errors import AnswerError, UsageError
from .export import build_trace
from .model import Catalogue
from .runner import assessment_day
from .trace import ThresholdUsed, Trace, TraceOutcome, TraceSource, TraceTree, read_trace


@dataclass(frozen=True)
class Replayed:
    """A saved walk run again: when it was saved, the date it ran on now, and what differs."""

    saved_on: str
    day: dt.date
    changes: list[str]
    notes: list[str]  # differences that do not change the walk


def replay_trace(
    path: str | os.PathLike[str], catalogue: Catalogue, dato: str | None, program: list[str], thresholds: Path | None
) -> Replayed:
    """Run the answers of a saved trace on `catalogue` and compare the walk with the saved one; with the
    thresholds the user supplied then (`--thresholds`, else the file the trace names)."""
    old = read_trace(path)
    catalogue, note = _supplied_again(old, catalogue, thresholds)
    tree_id = old["tree"]["id"]
    if old.get("complete") is False:
        # An interrupted walk has no result to compare with: where it stopped is not a change.
        again = shlex.join([*program, "run", str(tree_id), "--answers", os.fspath(path)])
        raise UsageError(
            f"{os.fspath(path)}: tracen er ufullstendig (gjennomgangen ble avbrutt), så det er ikke noe resultat å "
            f"sammenligne med; fullfør den med: {again}"
        )
    replayed = replay_saved(old, Engine(catalogue, assessment_day(dato)), question_keys(catalogue))
    return replace(replayed, notes=[note, *replayed.notes] if note else replayed.notes)


def _supplied_again(old: Trace, catalogue: Catalogue, thresholds: Path | None) -> tuple[Catalogue, str]:
    """The catalogue with the user's own thresholds the saved walk used (or those given now)."""
    saved = old.get("thresholds_file")
    if thresholds is None and saved is None:
        return catalogue, ""
    path = thresholds or Path(saved["file"])  # type: ignore[index]
    if thresholds is None and not path.is_file():
        raise UsageError(
            f"tracen ble laget med egne terskelverdier fra {saved['file']}, men filen finnes ikke her; "  # type: ignore[index]
            "oppgi den med --thresholds FIL"
        )
    catalogue = with_supplied(catalogue, path)
    if saved and catalogue.supplied and catalogue.supplied[1] != saved["sha256"]:
        return catalogue, f"de egne terskelverdiene i {catalogue.supplied[0]} er ikke de samme som da tracen ble laget"
    return catalogue, ""


def question_keys(catalogue: Catalogue) -> set[str]:
    """The answer keys of a catalogue's questions (for `compare`)."""
    return {q.key for t in catalogue.trees.values() for q in t.questions()}


def replay_saved(old: Trace, engine: Engine, keys: set[str]) -> Replayed:
    """A complete saved walk run again with `engine` (one engine and one set of `keys` serve a whole
    archive). AnswerError when the saved tree is no longer in the catalogue."""
    tree_id = old["tree"]["id"]
    engine.tree(tree_id)
    answers = {s["key"]: str(s["answer"]) for s in old["steps"] if s["origin"] not in ("fact", "computed")}
    state, stopped = rewalk(engine, tree_id, answers)
    new = build_trace(engine, state, tree_id, dt.datetime.now(dt.UTC), complete=not stopped)
    changes, notes = compare(old, new, stopped, keys)
    return Replayed(str(old["date_of_assessment"]), engine.day, changes, notes)


def rewalk(engine: Engine, tree_id: str, answers: dict[str, str]) -> tuple[State, str]:
    """Walk with the saved answers only; stops (with the reason) at a question they do not answer."""
    state = engine.start(tree_id)
    while (question := engine.question(state)) is not None:
        if question.key not in answers:
            return state, f"nytt spørsmål «{question.key}»: {question.text} (i {question.loc})"
        try:
            state = engine.answer(state, answers[question.key], "file")
        except AnswerError as error:
            return state, f"det lagrede svaret passer ikke lenger: {error.message}"
    return state, ""


def compare(old: Trace, new: Trace, stopped: str, known_keys: set[str]) -> tuple[list[str], list[str]]:
    """Differences between two traces: (changes to the walk, notes on changed files).

    `known_keys` are the answer keys of today's catalogue: a saved question whose key is gone
    from it is reported even when the walk stopped before it would have been asked.
    """
    changes: list[str] = []
    # A computed fact is shown twice: as computed («Slik er verdien beregnet») and again, known, where a
    # question would ask it; each is compared with its own kind in the saved walk.
    old_steps = {(s["key"], s["origin"] == "computed"): s for s in old["steps"]}
    new_steps = {s["key"]: s for s in new["steps"]}
    for n, step in enumerate(new["steps"], 1):
        before = old_steps.get((step["key"], step["origin"] == "computed"))
        if before is None:
            changes.append(f"steg {n}: nytt spørsmål «{step['key']}»: {step['question']}")
            continue
        for label, was, now in (
            ("spørsmålet", before["question"], step["question"]),
            ("svaret", before["answer_label"], step["answer_label"]),
        ):
            if was != now:
                changes.append(f"steg {n} «{step['key']}»: {label} er endret: «{was}» → «{now}»")
        if _citations(before["sources"]) != _citations(step["sources"]):
            was, now = _citations(before["sources"]), _citations(step["sources"])
            changes.append(f"steg {n} «{step['key']}»: kildene er endret: {was} → {now}")
    asked_now = set(new_steps)
    for (key, _), step in old_steps.items():
        if key in asked_now:
            continue
        if key not in known_keys:
            changes.append(f"spørsmålet «{key}» finnes ikke lenger: {step['question']}")
        elif not stopped:
            changes.append(f"spørsmålet «{key}» stilles ikke lenger på denne veien: {step['question']}")
    if stopped:
        changes.append(f"gjennomgangen stopper: {stopped}")
    changes += _threshold_changes(old["thresholds"], new["thresholds"])
    changes += _outcome_changes(old["outcome"], new["outcome"])
    notes = _file_notes(old["tree"], new["tree"])
    return changes, notes


def _citations(sources: list[TraceSource]) -> str:
    return ", ".join(s["citation"] for s in sources) or "ingen"


def _threshold_changes(old: list[ThresholdUsed], new: list[ThresholdUsed]) -> list[str]:
    before = {u["id"]: u for u in old}
    after = {u["id"]: u for u in new}
    changes = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a and b and (a["amount"], a["from"]) != (b["amount"], b["from"]):
            changes.append(f"terskelverdien «{key}»: {a['amount']} (fra {a['from']}) → {b['amount']} (fra {b['from']})")
        elif a and not b:
            changes.append(f"terskelverdien «{key}» brukes ikke lenger")
        elif b and not a:
            changes.append(f"terskelverdien «{key}» brukes nå ({b['amount']} fra {b['from']})")
    return changes


def _outcome_changes(old: TraceOutcome | None, new: TraceOutcome | None) -> list[str]:
    if old is None or new is None:
        if old != new:
            return [f"resultatet: {_outcome_name(old)} → {_outcome_name(new)}"]
        return []
    changes = []
    if (old["tree"], old["node"], old["verdict"]) != (new["tree"], new["node"], new["verdict"]):
        changes.append(f"resultatet er endret: {_outcome_name(old)} → {_outcome_name(new)}")
    else:
        for field_name, label in (
            ("title", "svaret"),
            ("text", "begrunnelsen"),
            ("steps", "neste steg"),
            ("document", "dokumentasjonskravene"),
        ):
            if old.get(field_name) != new.get(field_name):
                changes.append(f"resultatet «{new['node']}»: {label} er endret")
        if _citations(old["sources"]) != _citations(new["sources"]):
            was, now = _citations(old["sources"]), _citations(new["sources"])
            changes.append(f"resultatet «{new['node']}»: rettslig grunnlag er endret: {was} → {now}")
    return changes


def _outcome_name(outcome: TraceOutcome | None) -> str:
    if outcome is None:
        return "(intet resultat)"
    return f"{outcome['tree']}/{outcome['node']} ({outcome['verdict']})"


def _file_notes(old: TraceTree, new: TraceTree) -> list[str]:
    before = {f["id"]: f for f in old.get("files", [])}
    notes = []
    for f in new.get("files", []):
        a = before.get(f["id"])
        if a is None:
            notes.append(f"treet «{f['id']}» var ikke med i den lagrede gjennomgangen")
        elif a["sha256"] != f["sha256"]:
            notes.append(f"treet «{f['id']}» er endret siden (versjon {a['version']} → {f['version']})")
    return notes
