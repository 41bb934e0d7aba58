"""The typer app: each command parses its options, calls the library, prints, and returns an exit code.
Errors are turned into a message and the documented exit code once, in `main()`."""

from __future__ import annotations

import os
import shutil
import sys
from functools import partial
from pathlib import Path
from typing import Any

import typer

from . import norsk
from . import options as o
from .errors import AnskaffelseError, ExitCode, Interrupted
from .streams import console, emit, interactive, out, say

norsk.install()

app = typer.Typer(
    name="anskaffelse",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    result_callback=o.exit_with,
)


@app.callback()
def main_options(version: o.VersionOpt = False, debug: o.DebugOpt = False) -> None:
    """Veiviser for offentlige innkjøpere som vil kjøpe fra sosiale entreprenører – lovlig.

    \b
    Eksempel:
      anskaffelse run       start veiviseren
      anskaffelse list      se hvilke trær som finnes
    """  # --debug is read by main(), where errors become messages


def _catalogue(trees: Path | None, thresholds: Path | None = None) -> Any:
    from .catalog import open_catalogue, trees_dir, with_supplied

    return with_supplied(open_catalogue(trees_dir(trees)), thresholds)


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
    link_base: o.LinkBaseOpt = None,
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
      anskaffelse show veiviser -o kart.dot
      anskaffelse show direkte-anskaffelse --paths \\
          --format markdown -o veier.md
    """
    from .diagram import as_text
    from .engine import Engine
    from .runner import assessment_day
    from .treeview import drawing

    chosen = o.show_format(format_, output, mermaid=mermaid, markdown=markdown)
    engine = Engine(_catalogue(trees), assessment_day(dato))
    engine.tree(tree)
    if chosen == "tekst":
        console().print(drawing(engine, tree, paths=paths))
    else:
        emit(as_text(engine, tree, chosen, paths=paths, link_base=link_base), output, force=force)
    return ExitCode.OK


@app.command(short_help="Gå gjennom et tre og få en anbefaling.")
def run(
    ctx: typer.Context,
    tree: o.TreeArg = None,
    answers: o.AnswersOpt = None,
    set_: o.SetOpt = None,
    case: o.CaseOpt = None,
    non_interactive: o.NonInteractiveOpt = False,
    trace: o.TraceOpt = None,
    markdown: o.MarkdownOpt = None,
    force: o.RunForceOpt = False,
    as_json: o.JsonOpt = False,
    no_review: o.NoReviewOpt = False,
    plain: o.PlainOpt = False,
    dato: o.DatoOpt = None,
    trees: o.TreesOpt = None,
    thresholds: o.ThresholdsOpt = None,
) -> int:
    """Gå gjennom et tre, spørsmål for spørsmål, og få en anbefaling med rettslig grunnlag.

    \b
    Eksempel:
      anskaffelse run
      anskaffelse run --plain              (for skjermleser)
      anskaffelse run direkte-anskaffelse \\
          --set kontraktsverdi="2,5 mill"
      anskaffelse run veiviser --answers svar.yaml \\
          --case saksnummer=2026/123 --markdown notat.md
    """
    from . import runner

    options = runner.RunOptions.parsed(ctx.params)
    walk = runner.prepare(options, say)
    from .plainprompts import asker_for

    terminal = interactive()
    asker = asker_for(plain, console) if terminal and not non_interactive else None
    try:
        data = runner.execute(walk, options, asker, terminal=terminal)
    except Interrupted as stop:
        resume = lambda saved: o.command_line(o.resume_command(ctx, walk.tree_id, saved))  # noqa: E731
        for line in runner.stopped(walk, stop, trace, resume):
            say(line)
        return ExitCode.INTERRUPTED
    from .runend import finish

    return finish(walk, data, options, asker, as_json=as_json)


@app.command(short_help="Lag rapporten fra en lagret trace: markdown, eller Word (.docx).")
def export(
    trace_file: o.TraceFileArg,
    output: o.OutputOpt = None,
    format_: o.ExportFormatOpt = None,
    template: o.TemplateOpt = None,
    force: o.ForceOpt = False,
) -> int:
    """Lag rapporten fra en lagret trace: markdown (standard), eller et Word-dokument med -o FIL.docx.

    \b
    Eksempel:
      anskaffelse export vurdering.json -o notat.md
      anskaffelse export vurdering.json -o notat.docx \\
          --template mal.docx
    """
    from .runend import export_report

    export_report(trace_file, output, format_, template, force=force)
    return ExitCode.OK


@app.command(short_help="Kjør lagrede traces (en fil, flere, eller en mappe) på dagens trær.")
def replay(
    trace_files: o.TraceFilesArg, dato: o.DatoOpt = None, trees: o.TreesOpt = None, thresholds: o.ThresholdsOpt = None
) -> int:
    """Kjør lagrede traces på dagens trær og si hva som er endret (3 ved endring); flere filer eller en mappe
    gir en tabell, der en ugyldig trace gir 1 om ingenting er endret.

    \b
    Eksempel:
      anskaffelse replay vurdering-2024.json
      anskaffelse replay vurdering-2024.json --dato 2024-06-01
      anskaffelse replay arkiv/
    """
    from .archive import archive_table, exit_code, replay_archive
    from .files import program
    from .render import replay_view
    from .replay import replay_trace

    if len(trace_files) > 1 or trace_files[0].is_dir():
        rows = replay_archive(trace_files, _catalogue(trees, thresholds), dato)
        out(archive_table(rows), nl=False)
        return exit_code(rows)
    result = replay_trace(trace_files[0], _catalogue(trees), dato, program(), thresholds)
    console().print(replay_view(result))
    return ExitCode.CHANGED if result.changes else ExitCode.OK


@app.command(short_help="Sjekk at en trace er uendret og laget med de installerte trærne.")
def verify(trace_file: o.TraceFileArg, trees: o.TreesOpt = None) -> int:
    """Sjekk at en trace er uendret siden den ble laget, og katalogen den nevner, fil for fil (0 alt stemmer,
    1 tracen er endret eller ugyldig, 3 katalogen er en annen); viser også hvordan det sjekkes for hånd.

    \b
    Eksempel:
      anskaffelse verify vurdering.json
    """
    from .catalog import trees_dir
    from .record import verify, verify_report

    result = verify(trace_file, trees_dir(trees))
    out("\n".join(verify_report(result)))
    return result.exit_code


@app.command("test", short_help="Kjør sakene (svarfiler med expect:) og sjekk utfallene.")
def test_cases(
    paths: o.CasesArg = None, update: o.UpdateOpt = False, yes: o.YesOpt = False, trees: o.TreesOpt = None
) -> int:
    """Kjør sakene (svarfiler med expect:) og vis forventet og faktisk utfall; 1 hvis en sak feiler.

    Uten STI: katalogens egne saker (cases/ ved siden av trærne); med et tre-id: sakene for det treet.

    \b
    Eksempel:
      anskaffelse test
      anskaffelse test ideell-status
      anskaffelse test trees/cases/01-sykehjem-reservert-ideelle.yaml
      anskaffelse test --update
    """
    from .cases import run_command
    from .catalog import trees_dir
    from .listing import paint

    return run_command(list(paths or []), trees_dir(trees), partial(out, painted=True), paint(), update=update, yes=yes)


@app.command(short_help="Finn CPV-koder og hva forskriften gjør av dem.")
def cpv(query: o.CpvQueryArg, as_json: o.JsonListOpt = False, limit: o.LimitOpt = 20) -> int:
    """Søk på en CPV-kode (55510000, 5551, 55510000-4) eller ord (kantine), og se hva FOA gjør av hver:
    bygg og anlegg (vedlegg 1), særlig (vedlegg 2), helse og sosial (vedlegg 3, og § 30-2?), annen tjeneste, vare.

    \b
    Eksempel:
      anskaffelse cpv kantine
      anskaffelse cpv 85311000 --json
    """
    from .cpv import answer

    text, _ = answer(" ".join(query), limit=limit, as_json=as_json)
    out(text)
    return ExitCode.OK  # no match is an answer too («ingen treff»), not an error


@app.command(short_help="Skriv JSON Schema for trær, kilder.yaml, terskelverdier.yaml eller katalog.yaml.")
def schema(name: o.SchemaArg) -> int:
    """Skriv JSON Schema (draft-07): tree (et tre), sources (kilder.yaml), thresholds (terskelverdier.yaml), catalogue.

    \b
    Eksempel:
      anskaffelse schema tree > tree.schema.json
    """
    from .treeschema import schema_text

    out(schema_text(name), nl=False)
    return ExitCode.OK


@app.command(short_help="Vis terskelverdiene som gjelder på en dato.")
def terskler(dato: o.DatoOpt = None, trees: o.TreesOpt = None, thresholds: o.ThresholdsOpt = None) -> int:
    """Vis terskelverdiene som gjelder på en dato, og varsle om verdier som kan være utdaterte.

    \b
    Eksempel:
      anskaffelse terskler
      anskaffelse terskler --dato 2024-01-01
    """
    from .render import print_thresholds
    from .runner import assessment_day

    print_thresholds(console(), _catalogue(trees, thresholds), assessment_day(dato))
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
            "og meld feilen med den utskriften og filene dere brukte."
        )
        return ExitCode.INTERNAL
    finally:
        sys.stdout = stdout
    return ExitCode.OK
