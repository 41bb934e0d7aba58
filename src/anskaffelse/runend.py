"""The end of `run`: notes on stderr, the result (on the screen, or as text on standard output), and, when
nothing was saved, the offer to save the report («Lagre rapporten?»), with the case details asked then. And
`export`: the report of a saved trace, as markdown or Word."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import runner
from .errors import ExitCode, Interrupted, UsageError
from .export import to_markdown
from .files import check_writable, write_partial
from .record import seal
from .session import Asker
from .streams import console, emit, out, say
from .trace import Trace

REPORT_SUFFIXES = (".md", ".docx")


def finish(walk: runner.Walk, data: Trace, options: runner.RunOptions, asker: Asker | None, *, as_json: bool) -> int:
    """Say where the files went, show the result, and offer to save it when nothing was saved."""
    for line in runner.notes(walk, data, options):
        say(line)
    text = runner.result_text(data, options, as_json=as_json)
    if text is not None:
        out(text, nl=False)
        return ExitCode.OK
    from .render import show_report

    show_report(console(), data, reviewed=asker is not None and options.review)
    if asker is None or options.trace is not None or options.markdown is not None:
        return ExitCode.OK
    return offer_save(data, asker)


def suggested_name(data: Trace, folder: Path = Path()) -> str:
    """vurdering-ÅÅÅÅ-MM-DD.md for the day the trace was made, with -2, -3 … when the name (or the trace's name
    beside it) is taken."""
    stem, n = f"vurdering-{data['created'][:10]}", 1
    name = stem
    while (folder / f"{name}.md").exists() or (folder / f"{name}.json").exists():
        n += 1
        name = f"{stem}-{n}"
    return f"{name}.md"


def problem_with(name: str) -> str | None:
    """Why a report cannot be saved under this name (None: it can)."""
    path = Path(name.strip())
    if not name.strip():
        return "skriv et filnavn"
    if path.suffix.lower() not in REPORT_SUFFIXES:
        return "filnavnet må slutte på .md (markdown) eller .docx (Word)"
    if path.suffix.lower() == ".docx":
        from .word import pandoc_problem

        missing = pandoc_problem()
        if missing:
            return missing
    try:
        check_writable(path, force=False)
    except UsageError as error:
        return error.message
    return None


def offer_save(data: Trace, asker: Asker) -> int:
    """«Lagre rapporten?»: the report (markdown, or Word for a .docx name) and the trace beside it; the case
    details are asked first. Ctrl-C keeps the finished walk in the state folder, with the command that makes
    the report from it."""
    try:
        name = asker.offer_save(suggested_name(data), problem_with)
        if name is None:
            return ExitCode.OK
        details = asker.case_details(runner.case_details(data))
    except Interrupted:
        return _kept(data)
    data = runner.with_case(data, details)
    report = Path(name.strip())
    trace = report.with_suffix(".json")
    if trace.exists():
        trace = report.with_name(f"{report.stem}-trace.json")
    from .files import write_text

    write_text(trace, json.dumps(data, ensure_ascii=False, indent=2) + "\n", force=False, private=True)
    runner.write_report(report, data, force=False)
    say(f"Rapporten er lagret i {report}, og tracen i {trace} (med den kan rapporten lages på nytt og sjekkes)")
    return ExitCode.OK


def _kept(data: Trace) -> int:
    """Ctrl-C at the offer: the finished walk goes to the state folder, and how to make the report from it."""
    from .files import program
    from .options import command_line

    try:
        saved = write_partial(json.dumps(seal(data), ensure_ascii=False, indent=2) + "\n")
    except OSError:
        say("Avbrutt – rapporten er ikke lagret")
        return ExitCode.INTERRUPTED
    say(f"Avbrutt – gjennomgangen er lagret i {saved}")
    name = f"vurdering-{dt.date.today().isoformat()}.md"
    say(f"Lag rapporten med: {command_line([*program(), 'export', str(saved), '-o', name])}")
    return ExitCode.INTERRUPTED


def export_report(
    trace_file: Path, output: Path | None, format_: str | None, template: Path | None, *, force: bool
) -> None:
    """`export`: the report of a saved trace, as markdown (to a file or standard output) or as Word (to a file)."""
    from .trace import read_trace
    from .word import chosen_format, write_docx

    chosen = chosen_format(format_, output)
    if template is not None and chosen != "docx":
        raise UsageError("--template gjelder bare Word: bruk -o FIL.docx eller --format docx")
    trace = read_trace(trace_file)
    if chosen == "docx":
        write_docx(trace, output or Path("-"), force=force, template=template)
    else:
        emit(to_markdown(trace), output, force=force)
