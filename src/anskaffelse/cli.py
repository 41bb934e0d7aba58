"""The typer app: each command parses its options, calls the library, prints, and returns an exit code.

Errors are turned into a message and the documented exit code once, in `main()`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__, norsk
from . import options as o
from .errors import AnskaffelseError, ExitCode, Interrupted, UsageError
from .streams import console, emit, interactive, out, say

norsk.install()


def _exit_with(code: int | None, **_: Any) -> None:
    """A command's return value is its exit code."""
    if code:
        raise typer.Exit(int(code))


app = typer.Typer(
    name="anskaffelse",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    result_callback=_exit_with,
)


def _version(value: bool) -> None:
    if value:
        out(f"anskaffelse {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=o.VERSION_HELP)] = False,
    debug: o.DebugOpt = False,
) -> None:
    """Veiviser for offentlige innkjøpere som vil kjøpe fra sosiale entreprenører – lovlig.

    \b
    Eksempel:
      anskaffelse run       start veiviseren
      anskaffelse list      se hvilke trær som finnes
    """  # --debug is read by main(), where errors become messages


def _catalogue(trees: Path | None) -> Any:
    from .catalog import open_catalogue, trees_dir

    return open_catalogue(trees_dir(trees))


@app.command("list", short_help="Vis trærne i katalogen.")
def list_trees(trees: o.TreesOpt = None) -> int:
    """Vis trærne i katalogen: id, tittel, versjon og gyldig fra.

    \b
    Eksempel:
      anskaffelse list
      anskaffelse list --trees ./mine-traer
    """
    from .listing import paint, tree_listing

    out(tree_listing(_catalogue(trees), shutil.get_terminal_size((100, 24)).columns, paint()), painted=True)
    return ExitCode.OK


@app.command(short_help="Sjekk trærne og vis alle feil med fil og linje.")
def validate(
    paths: o.PathsArg = None,
    trees: o.TreesOpt = None,
) -> int:
    """Sjekk trærne og vis alle feil som fil:linje:kolonne: melding. Avslutter med 1 ved feil.

    \b
    Eksempel:
      anskaffelse validate
      anskaffelse validate trees/ideell-status.yaml
    """
    from .catalog import trees_dir
    from .listing import paint, validation_report

    lines, errors = validation_report(list(paths or [trees_dir(trees)]), paint())
    out("\n".join(lines), painted=True)
    return ExitCode.INVALID if errors else ExitCode.OK


@app.command(short_help="Tegn et tre, eller list alle veier gjennom det.")
def show(
    tree: o.ShowTreeArg,
    paths: o.PathsOpt = False,
    format_: o.ShowFormatOpt = None,
    output: o.OutputOpt = None,
    force: o.ForceOpt = False,
    mermaid: o.OldMermaidOpt = False,
    markdown: o.OldMarkdownOpt = False,
    dato: o.DatoOpt = None,
    trees: o.TreesOpt = None,
) -> int:
    """Tegn et tre: spørsmål, valg, forgreninger og utfall med konklusjon – eller alle veier gjennom det.

    \b
    Eksempel:
      anskaffelse show ideell-status
      anskaffelse show veiviser --format markdown -o kart.md
      anskaffelse show direkte-anskaffelse --paths \\
          --format markdown -o veier.md
    """
    from .engine import Engine
    from .export import as_text
    from .runner import assessment_day

    chosen, note = o.show_format(format_, output, mermaid=mermaid, markdown=markdown)
    if note:
        say(note)
    from .render import drawing

    engine = Engine(_catalogue(trees), assessment_day(dato))
    engine.tree(tree)
    if chosen == "tekst" and output is None:
        console().print(drawing(engine, tree, paths=paths))
    elif chosen == "tekst":
        raise UsageError("--format tekst vises på skjermen; velg --format markdown eller mermaid for en fil")
    else:
        emit(as_text(engine, tree, chosen, paths=paths), output, force=force)
    return ExitCode.OK


@app.command(short_help="Gå gjennom et tre og få en anbefaling.")
def run(
    ctx: typer.Context,
    tree: o.TreeArg = None,
    answers: o.AnswersOpt = None,
    set_: o.SetOpt = None,
    non_interactive: o.NonInteractiveOpt = False,
    trace: o.TraceOpt = None,
    markdown: o.MarkdownOpt = None,
    force: o.RunForceOpt = False,
    as_json: o.JsonOpt = False,
    no_review: o.NoReviewOpt = False,
    dato: o.DatoOpt = None,
    trees: o.TreesOpt = None,
) -> int:
    """Gå gjennom et tre, spørsmål for spørsmål, og få en anbefaling med rettslig grunnlag.

    \b
    Eksempel:
      anskaffelse run
      anskaffelse run direkte-anskaffelse \\
          --set kontraktsverdi="2,5 mill"
      anskaffelse run veiviser --answers svar.yaml \\
          --non-interactive --markdown notat.md
    """
    from . import runner

    options = runner.RunOptions.parsed(ctx.params)
    walk = runner.prepare(options, say)
    terminal = interactive()
    asker = None
    if terminal and not non_interactive:
        from .prompts import QuestionaryAsker

        asker = QuestionaryAsker(console())
    try:
        data = runner.execute(walk, options, asker, terminal=terminal)
    except Interrupted as stop:
        say("Avbrutt")
        saved = runner.save_partial(walk, stop, trace)
        say(saved.message)
        if saved.fallback:
            sys.stderr.write(saved.fallback)
        if saved.path is not None:
            say(f"Fortsett med: {shlex.join(o.resume_command(ctx, walk.tree_id, saved.path))}")
        return ExitCode.INTERRUPTED
    warning = runner.expectation_warning(walk.preset, data)
    if warning:
        say(warning)
    if markdown and str(markdown) != "-":
        say(f"Rapporten er lagret i {markdown}")
    text = runner.result_text(data, options, as_json=as_json)
    if text is None:
        from .render import show_report

        show_report(console(), data, reviewed=asker is not None and not no_review)
    out(text or "", nl=False)
    return ExitCode.OK


@app.command(short_help="Lag markdown-rapporten fra en lagret trace.")
def export(
    trace_file: o.TraceFileArg,
    output: o.OutputOpt = None,
    format_: o.ExportFormatOpt = None,
    force: o.ForceOpt = False,
) -> int:
    """Lag markdown-rapporten fra en lagret trace.

    \b
    Eksempel:
      anskaffelse export vurdering.json -o notat.md
    """
    from .export import to_markdown
    from .trace import read_trace

    if format_ not in (None, "markdown"):
        raise UsageError(f"--format: ukjent format «{format_}»; velg markdown")
    emit(to_markdown(read_trace(trace_file)), output, force=force)
    return ExitCode.OK


@app.command(short_help="Kjør en lagret trace på dagens trær.")
def replay(
    trace_file: o.TraceFileArg,
    dato: o.DatoOpt = None,
    trees: o.TreesOpt = None,
) -> int:
    """Kjør svarene i en lagret trace på dagens trær og si hva som er endret (avslutter med 3 ved endring).

    \b
    Eksempel:
      anskaffelse replay vurdering-2024.json
      anskaffelse replay vurdering-2024.json --dato 2024-06-01
    """
    from .render import replay_view
    from .replay import replay_trace

    result = replay_trace(trace_file, _catalogue(trees), dato, o.program())
    console().print(replay_view(result))
    return ExitCode.CHANGED if result.changes else ExitCode.OK


@app.command("test", short_help="Kjør sakene (svarfiler med expect:) og sjekk utfallene.")
def test_cases(
    paths: o.CasesArg = None,
    update: o.UpdateOpt = False,
    yes: o.YesOpt = False,
    trees: o.TreesOpt = None,
) -> int:
    """Kjør sakene (svarfiler med expect:) og vis forventet og faktisk utfall; 1 hvis en sak feiler.

    Uten STI: katalogens egne saker (cases/ ved siden av trærne).

    \b
    Eksempel:
      anskaffelse test
      anskaffelse test trees/cases/01-sykehjem-reservert-ideelle.yaml
      anskaffelse test --update
    """
    from . import cases
    from .catalog import open_catalogue, trees_dir
    from .listing import case_report, paint

    root = trees_dir(trees)
    catalogue = open_catalogue(root)
    results = [cases.run_case(catalogue, path) for path in cases.case_files(list(paths or []), root)]
    unreached = cases.unreached(catalogue, results) if not paths else []
    out("\n".join(case_report(results, unreached, paint())), painted=True)
    if update:
        ask = (
            (lambda n: interactive(stdout=False) and input(f"Oppdatere {n} saker? [j/N] ") in ("j", "J"))
            if not yes
            else None
        )
        return cases.update(results, out, ask)
    return ExitCode.INVALID if any(not r.ok for r in results) else ExitCode.OK


@app.command(short_help="Vis terskelverdiene som gjelder på en dato.")
def terskler(dato: o.DatoOpt = None, trees: o.TreesOpt = None) -> int:
    """Vis terskelverdiene som gjelder på en dato, og varsle om verdier som kan være utdaterte.

    \b
    Eksempel:
      anskaffelse terskler
      anskaffelse terskler --dato 2024-01-01
    """
    from .catalog import catalogue_threshold_warnings
    from .render import thresholds_table, warnings_view
    from .runner import assessment_day

    catalogue = _catalogue(trees)
    day = assessment_day(dato)
    screen = console()
    screen.print(thresholds_table(catalogue.thresholds, day, catalogue, screen.width))
    warnings = catalogue_threshold_warnings(list(catalogue.thresholds.values()), day)
    if warnings:
        screen.print(warnings_view(warnings))
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: the one place where errors become messages and exit codes."""
    from .streams import GuardedOutput, OutputClosed, quiet_after_broken_pipe

    args = sys.argv[1:] if argv is None else argv
    stdout, sys.stdout = sys.stdout, GuardedOutput(sys.stdout)
    try:
        app(args=args, prog_name="anskaffelse")
        sys.stdout.flush()
    except SystemExit as exit_:
        try:
            sys.stdout.flush()
        except OutputClosed:
            return quiet_after_broken_pipe(stdout)
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    except OutputClosed:
        return quiet_after_broken_pipe(stdout)
    except Interrupted as stop:
        say(stop.message)
        return ExitCode.INTERRUPTED
    except AnskaffelseError as error:
        from .render import error_view

        errors = console(stderr=True)
        errors.print(error_view(error, terminal=errors.is_terminal), soft_wrap=not errors.is_terminal)
        return error.exit_code
    except KeyboardInterrupt:
        say("Avbrutt")
        return ExitCode.INTERRUPTED
    except Exception:
        if "--debug" in args or os.environ.get("ANSKAFFELSE_DEBUG") == "1":
            raise
        console(stderr=True).print(
            "[bold red]Intern feil[/] i anskaffelse. Kjør igjen med [bold]--debug[/] for detaljer, "
            "og meld feilen med den utskriften og filene du brukte."
        )
        return ExitCode.INTERNAL
    finally:
        sys.stdout = stdout
    return ExitCode.OK
