"""One walk from the options of `run` to a finished trace, its files written; or, when the person
stops, the walk so far saved where it can be resumed. No printing: messages go through `say`."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .alternatives import what_if
from .answers import Answers, load_answers, parse_set_option
from .casefile import case_record, cpv_of, details_of, parse_case_option
from .catalog import open_catalogue, trees_dir, with_supplied
from .engine import Engine, State
from .errors import Interrupted, UsageError
from .export import build_trace, ordered, to_markdown
from .files import check_writable, program, remove_partial, same_file, state_folder, write_partial, write_text
from .model import Step
from .phrases import visible
from .record import seal
from .session import Asker, unknown_keys, walk
from .trace import Trace
from .values import ValueProblem, parse_date

DEFAULT_TREE = "veiviser"


@dataclass(frozen=True)
class RunOptions:
    """What `run` was asked to do (the command line, parsed)."""

    tree: str | None = None
    answers: Sequence[Path] = ()
    sets: Sequence[str] = ()
    cases: Sequence[str] = ()  # --case KEY=VALUE
    dato: str | None = None
    trees: Path | None = None
    trace: Path | None = None
    markdown: Path | None = None
    force: bool = False
    review: bool = True
    non_interactive: bool = False
    thresholds: Path | None = None

    @classmethod
    def parsed(cls, params: dict[str, Any]) -> RunOptions:
        """From the parameters of `run` as the command line parsed them."""

        def path(name: str) -> Path | None:
            value = params.get(name)
            return None if value is None else Path(value)

        return cls(
            params.get("tree"),
            tuple(Path(a) for a in params.get("answers") or ()),
            tuple(params.get("set_") or ()),
            tuple(params.get("case") or ()),
            params.get("dato"),
            path("trees"),
            path("trace"),
            path("markdown"),
            bool(params.get("force")),
            not params.get("no_review"),
            bool(params.get("non_interactive")),
            path("thresholds"),
        )


@dataclass
class Walk:
    """A walk ready to start: the engine on its date, the tree and the preset answers."""

    engine: Engine
    tree_id: str
    preset: Answers
    # Local time with its offset: the report says «utarbeidet 30. november 2026 kl. 10.12» as the clock on the wall did.
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone().replace(microsecond=0))


def assessment_day(dato: str | None, fallback: str | None = None) -> dt.date:
    """--dato, else the answers file's date, else today."""
    text = dato or fallback
    if not text:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueProblem as problem:
        raise UsageError(f"--dato: {problem}") from None


def prepare(options: RunOptions, say: Callable[[str], None]) -> Walk:
    """Everything that can fail before the first question: catalogue, answers, tree, outputs."""
    catalogue = with_supplied(open_catalogue(trees_dir(options.trees)), options.thresholds)
    preset = Answers()
    for path in options.answers:
        preset = preset.merged(load_answers(path))
    if options.sets:
        preset = preset.merged(parse_set_option(list(options.sets)))
    if options.cases:
        preset = preset.merged(Answers(case=parse_case_option(options.cases)))
    if options.tree and preset.tree and options.tree != preset.tree:
        raise UsageError(f"svarfilen {preset.origin} gjelder treet «{preset.tree}», ikke «{options.tree}»")
    tree_id = options.tree or preset.tree or DEFAULT_TREE
    engine = Engine(catalogue, assessment_day(options.dato, preset.date))
    engine.tree(tree_id)
    engine.check_thresholds(tree_id)
    for problem in unknown_keys(engine, preset):
        say(f"⚠ {problem}")
    _check_outputs(options)
    return Walk(engine, tree_id, preset)


def _check_outputs(options: RunOptions) -> None:
    """Refuse outputs that cannot be written, or that would overwrite an input, before any question."""
    outputs = [p for p in (options.trace, options.markdown) if p is not None and str(p) != "-"]
    if len(outputs) == 2 and same_file(outputs[0], outputs[1]):
        raise UsageError(f"{outputs[1]}: --trace og --markdown kan ikke være samme fil")
    for target in outputs:
        # An interrupted walk's own trace is where a resumed walk is saved; any other input is kept.
        inputs = [p for p in options.answers if same_file(p, target) and not load_answers(p).partial]
        if inputs and not options.force:
            raise UsageError(
                f"{target}: er også svarfilen som leses; velg et annet filnavn, "
                "eller bruk --force for å skrive over den"
            )
        check_writable(target, force=options.force or target == options.trace, probe=True)


def execute(walk_: Walk, options: RunOptions, asker: Asker | None, *, terminal: bool) -> Trace:
    """Walk to the outcome and write the files asked for; returns the trace.

    Interrupted (the person stopped) carries the state, for `save_partial`.
    """
    engine, preset = walk_.engine, walk_.preset
    state = walk(
        engine, walk_.tree_id, preset, asker, terminal=terminal or options.non_interactive, review=options.review
    )
    details = dict(preset.case)
    if asker is not None and (options.trace is not None or options.markdown is not None):
        try:
            details = asker.case_details(details)  # asked once, each skippable: the report is to be written
        except Interrupted:
            raise Interrupted(state=state, given=state.steps) from None
    case = case_record(details, preset.description, cpv_of(state.steps))
    alternatives = what_if(engine, walk_.tree_id, state)
    data = build_trace(engine, state, walk_.tree_id, walk_.created, complete=True, case=case, alternatives=alternatives)
    try:
        if options.trace and str(options.trace) != "-":
            write_text(options.trace, json.dumps(data, ensure_ascii=False, indent=2) + "\n", force=True, private=True)
        if options.markdown and str(options.markdown) != "-":
            write_text(options.markdown, to_markdown(data), force=options.force)
    except UsageError as failed:
        raise _kept(walk_, options, data, failed) from None
    for path in options.answers:  # a walk resumed from an interrupted one is done with its saved answers
        remove_partial(path)
    return data


def _kept(walk_: Walk, options: RunOptions, data: Trace, failed: UsageError) -> UsageError:
    """A file could not be written after the last question: the answers are saved in the state
    folder, and the error says where and gives the command that writes the files from them."""
    try:
        saved = write_partial(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        failed.details.append(f"svarene kunne heller ikke lagres i {state_folder()} ({exc.strerror or exc})")
        return failed
    command = [*program(), "run", walk_.tree_id, *[x for a in (*options.answers, saved) for x in ("--answers", str(a))]]
    command += ["--non-interactive", *(["--trees", str(options.trees)] if options.trees else [])]
    for flag, value in (("--trace", options.trace), ("--markdown", options.markdown)):
        command += [flag, str(value)] if value is not None else []
    command += ["--force"] if options.force else []
    failed.details += [f"svarene er lagret i {saved}", f"fullfør med: {shlex.join(command)}"]
    return failed


def result_text(data: Trace, options: RunOptions, *, as_json: bool) -> str | None:
    """The end of `run` as text for standard output (the trace, or the report with `--markdown -`);
    None when the report is to be drawn on the screen."""
    if as_json or str(options.trace) == "-":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if str(options.markdown) == "-":
        return to_markdown(data)
    return None


def notes(walk_: Walk, data: Trace, options: RunOptions) -> list[str]:
    """What to say on stderr when the walk is done: a case file's unmet expectation, where the report went."""
    found = [w for w in [expectation_warning(walk_.preset, data)] if w]
    if options.markdown and str(options.markdown) != "-":
        found.append(f"Rapporten er lagret i {options.markdown}")
    return found


def case_details(data: Trace) -> dict[str, str]:
    """The case details a trace has (for asking the others)."""
    return details_of(data.get("sak"))


def with_case(data: Trace, details: dict[str, str]) -> Trace:
    """The trace with these case details (its description and CPV code kept), sealed again."""
    old = data.get("sak") or {}
    cpv = old.get("cpv")
    record = case_record(details, old.get("beskrivelse"), (cpv["code"], cpv["label"]) if cpv else None)
    new: Trace = {**data}
    new.pop("sak", None)
    if record:
        new["sak"] = record
    return seal(ordered(new))


def write_report(path: Path, data: Trace, *, force: bool) -> None:
    """The report of a trace in a file: Word for a .docx name, else markdown."""
    if path.suffix.lower() == ".docx":
        from .word import write_docx

        write_docx(data, path, force=force)
    else:
        write_text(path, to_markdown(data), force=force)


def expectation_warning(preset: Answers, data: Trace) -> str | None:
    """A case file's `expect:` that the walk did not meet."""
    reached = data["outcome"]["node"] if data["outcome"] else None
    if preset.expect and reached and reached != preset.expect:
        return f"⚠ svarfilen forventer utfallet «{preset.expect}», men gjennomgangen endte i «{reached}»"
    return None


@dataclass(frozen=True)
class Saved:
    """Where an interrupted walk was saved (None: nothing to save, or it could not be written)."""

    path: Path | None
    message: str
    fallback: str = ""  # the answers as an answers file, when they could not be written


def save_partial(walk_: Walk, stop: Interrupted, trace: Path | None) -> Saved:
    """Nothing typed is lost: every answer given, also those after a question the person went back
    to, goes to --trace or to the user's state folder; if that fails, it is returned as text.

    The answers after the question the person went back to are saved after the walk's own steps,
    beyond its `path`: a resumed walk offers them as the default at their question (suggestions)."""
    state = interrupted(stop)
    if state is None:
        return Saved(None, "Ingen svar er gitt ennå, så ingenting er lagret.")
    here = {s.key for s in state.steps}
    given = [s for s in stop.given if isinstance(s, Step)]
    more = tuple(s for s in given if s.origin not in ("fact", "computed") and s.key not in here)
    if not _all_steps(state) and not more:
        return Saved(None, "Ingen svar er gitt ennå, så ingenting er lagret.")
    case = case_record(walk_.preset.case, walk_.preset.description, cpv_of(state.steps))
    data = build_trace(walk_.engine, state, walk_.tree_id, walk_.created, complete=False, more=more, case=case)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        to_trace = trace is not None and str(trace) != "-"
        path = write_text(trace, text, force=True, private=True) if trace and to_trace else write_partial(text)
    except (OSError, UsageError) as problem:
        reason = problem.message if isinstance(problem, UsageError) else (problem.strerror or str(problem))
        lines = [f"tree: {walk_.tree_id}", "answers:"]
        lines += [f"  {s.key}: {json.dumps(str(s.answer), ensure_ascii=False)}" for s in _all_steps(state)]
        if more:  # suggestions: the person went back before them, so they are not answers until they say so
            lines.append("  # svar gitt før dere gikk tilbake; fjern # foran dem dere vil beholde:")
            lines += [f"  # {s.key}: {json.dumps(str(s.answer), ensure_ascii=False)}" for s in more]
        message = f"Svarene kunne ikke lagres ({reason}). Lagre dette som en svarfil og fortsett med --answers:"
        return Saved(None, message, visible("\n".join(lines) + "\n"))
    later = f" ({len(more)} av dem etter spørsmålet dere gikk tilbake til, som forslag)" if more else ""
    return Saved(path, f"Svarene så langt er lagret i {path}{later}")


def _all_steps(state: State) -> list[Any]:
    """The answers the person gave (not those known earlier in the walk, nor computed)."""
    return [s for s in state.steps if s.origin not in ("fact", "computed")]


def stopped(walk_: Walk, stop: Interrupted, trace: Path | None, resume: Callable[[Path], str]) -> list[str]:
    """What to say when the person stopped: «Avbrutt», where the answers are (or the answers
    themselves, as an answers file to paste, when they could not be written) and how to go on."""
    saved = save_partial(walk_, stop, trace)
    lines = ["Avbrutt", saved.message]
    if saved.fallback:
        lines.append(saved.fallback.rstrip("\n"))
    if saved.path is not None:
        lines.append(f"Fortsett med: {resume(saved.path)}")
    return lines


def interrupted(stop: Interrupted) -> State | None:
    state = stop.state
    return state if isinstance(state, State) else None
