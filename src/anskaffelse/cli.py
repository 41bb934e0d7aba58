"""The typer app: each command parses its options, calls the library, prints, and returns an exit code.

Errors are turned into a message and the documented exit code once, in `main()`.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__, norsk
from .errors import AnskaffelseError, ExitCode, Interrupted, UsageError

if TYPE_CHECKING:
    from .trace import Trace

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

TreesOpt = Annotated[
    Path | None,
    typer.Option(
        "--trees",
        help="Mappe med trær (standard: katalogen som følger med, eller $ANSKAFFELSE_TREES).",
        show_default=False,
        readable=False,
        metavar="MAPPE",
    ),
]
DatoOpt = Annotated[
    str | None,
    typer.Option("--dato", help="Vurderingsdato ÅÅÅÅ-MM-DD (standard: i dag).", show_default=False, metavar="DATO"),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Fil å skrive til; - er stdout (standard).", show_default=False, metavar="FIL"),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Skriv over en eksisterende fil.")]


def _console(*, stderr: bool = False) -> Any:
    from .render import make_console

    return make_console(stderr=stderr)


def _say(message: str) -> None:
    """A warning or note on stderr, printed as it is (never read as markup)."""
    style = "yellow" if message.startswith("⚠") else None
    _console(stderr=True).print(message, style=style, markup=False, soft_wrap=True)


def _out(text: str, *, nl: bool = True) -> None:
    """Plain text on standard output (guarded in main(): a closed pipe or a full disk is an exit code)."""
    sys.stdout.write(text + ("\n" if nl else ""))


def _version(value: bool) -> None:
    if value:
        _out(f"anskaffelse {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Vis versjonen og avslutt.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Vis hele feilsporet ved interne feil (for utviklere).")
    ] = False,
) -> None:
    """Veiviser for offentlige innkjøpere som vil kjøpe fra sosiale entreprenører – lovlig.

    \b
    Eksempel:
      anskaffelse run       start veiviseren
      anskaffelse list      se hvilke trær som finnes
    """
    # --debug is read by main(), which turns errors into messages; nothing to do here.


def _catalogue(trees: Path | None) -> Any:
    from .catalog import open_catalogue, trees_dir

    return open_catalogue(trees_dir(trees))


def _paint() -> Any:
    """typer.style on a colour terminal (NO_COLOR not set), else text as it is."""
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return lambda text, **_: text
    return typer.style


def _emit(text: str, output: Path | None, *, force: bool) -> None:
    """Text to a file, or to stdout when no file (or `-`) is named."""
    if output is None or str(output) == "-":
        _out(text, nl=False)
        return
    from .files import write_text

    write_text(output, text, force=force)


@app.command("list", short_help="Vis trærne i katalogen.")
def list_trees(trees: TreesOpt = None) -> int:
    """Vis trærne i katalogen: id, tittel, versjon og gyldig fra.

    \b
    Eksempel:
      anskaffelse list
      anskaffelse list --trees ./mine-traer
    """
    from .listing import tree_listing

    _out(tree_listing(_catalogue(trees), shutil.get_terminal_size((100, 24)).columns, _paint()))
    return ExitCode.OK


@app.command(short_help="Sjekk trærne og vis alle feil med fil og linje.")
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Mapper med trær, eller enkeltfiler (standard: katalogen).",
            show_default=False,
            readable=False,
            metavar="[STI]...",
        ),
    ] = None,
    trees: TreesOpt = None,
) -> int:
    """Sjekk trærne og vis alle feil som fil:linje:kolonne: melding. Avslutter med 1 ved feil.

    \b
    Eksempel:
      anskaffelse validate
      anskaffelse validate trees/ideell-status.yaml
    """
    from .catalog import trees_dir
    from .listing import validation_report

    lines, errors = validation_report(list(paths or [trees_dir(trees)]), _paint())
    _out("\n".join(lines))
    return ExitCode.INVALID if errors else ExitCode.OK


SHOW_FORMATS = ("tekst", "mermaid", "markdown")


@app.command(short_help="Tegn et tre, eller list alle veier gjennom det.")
def show(
    tree: Annotated[str, typer.Argument(help="Tre-id, f.eks. ideell-status.", metavar="TRE")],
    paths: Annotated[bool, typer.Option("--paths", help="List alle veier gjennom treet: svarene → utfall.")] = False,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="tekst (standard), mermaid, eller markdown (Mermaid-blokk; med --paths: en liste).",
            show_default=False,
            metavar="FORMAT",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    mermaid: Annotated[bool, typer.Option("--mermaid", hidden=True)] = False,
    markdown: Annotated[bool, typer.Option("--markdown", hidden=True)] = False,
    dato: DatoOpt = None,
    trees: TreesOpt = None,
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
    from .runner import assessment_day

    chosen = _show_format(format_, output, mermaid=mermaid, markdown=markdown)
    catalogue = _catalogue(trees)
    engine = Engine(catalogue, assessment_day(dato))
    the_tree = engine.tree(tree)
    if paths:
        from .paths import enumerate_paths
        from .render import paths_markdown, paths_table

        found = enumerate_paths(engine, tree)
        if chosen == "markdown":
            _emit(paths_markdown(engine, found), output, force=force)
        elif chosen == "tekst" and output is None:
            _console().print(paths_table(engine, found))
        else:
            raise UsageError("--paths skrives som tekst på skjermen eller som --format markdown")
        return ExitCode.OK
    if chosen in ("mermaid", "markdown"):
        from .export import to_mermaid

        text = to_mermaid(the_tree)
        _emit(f"```mermaid\n{text}```\n" if chosen == "markdown" else text, output, force=force)
        return ExitCode.OK
    from .render import tree_view

    _console().print(tree_view(the_tree, catalogue))
    return ExitCode.OK


def _show_format(chosen: str | None, output: Path | None, *, mermaid: bool, markdown: bool) -> str:
    """--format, or what the file name says, or the old switches (with a note on stderr)."""
    if mermaid or markdown:
        old = " ".join(f for f, on in (("--mermaid", mermaid), ("--markdown", markdown)) if on)
        new = "--format markdown" if markdown else "--format mermaid"
        _say(f"⚠ «{old}» er den gamle skrivemåten og forsvinner i neste versjon; bruk «{new}»")
        chosen = chosen or ("markdown" if markdown else "mermaid")
    if chosen is None and output is not None:
        chosen = {".md": "markdown", ".mmd": "mermaid"}.get(output.suffix.lower())
    chosen = chosen or "tekst"
    if chosen not in SHOW_FORMATS:
        raise UsageError(f"--format: ukjent format «{chosen}»; velg {', '.join(SHOW_FORMATS)}")
    return chosen


@app.command(short_help="Gå gjennom et tre og få en anbefaling.")
def run(
    ctx: typer.Context,
    tree: Annotated[
        str | None, typer.Argument(help="Tre-id (standard: veiviser).", show_default=False, metavar="[TRE]")
    ] = None,
    answers: Annotated[
        list[Path] | None,
        typer.Option(
            "--answers",
            help="Svarfil (YAML/JSON) eller en lagret trace; kan gjentas (senere filer overstyrer).",
            show_default=False,
            readable=False,
            metavar="FIL",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Ett svar (kan gjentas).", show_default=False, metavar="ID=VERDI")
    ] = None,
    non_interactive: Annotated[
        bool, typer.Option("--non-interactive", help="Aldri spør; et manglende svar er en feil.")
    ] = False,
    trace: Annotated[
        Path | None,
        typer.Option(
            "--trace",
            help="Lagre tracen som JSON (også ved Ctrl-C, merket ufullstendig).",
            show_default=False,
            metavar="FIL",
        ),
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Lagre rapporten som markdown.", show_default=False, metavar="FIL")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Skriv over en eksisterende fil, også en svarfil.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Skriv tracen som JSON på stdout i stedet for rapporten.")
    ] = False,
    no_review: Annotated[
        bool, typer.Option("--no-review", help="Hopp over oversikten over svarene før resultatet.")
    ] = False,
    dato: DatoOpt = None,
    trees: TreesOpt = None,
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

    options = runner.RunOptions(
        tree,
        tuple(answers or ()),
        tuple(set_ or ()),
        dato,
        trees,
        trace,
        markdown,
        force,
        not no_review,
        non_interactive,
    )
    walk = runner.prepare(options, _say)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    asker = None
    if terminal and not non_interactive:
        from .prompts import QuestionaryAsker

        asker = QuestionaryAsker(_console())
    try:
        data = runner.execute(walk, options, asker, terminal=terminal)
    except Interrupted as stop:
        _say("Avbrutt")
        saved = runner.save_partial(walk, runner.interrupted(stop), trace)
        _say(saved.message)
        if saved.fallback:
            sys.stderr.write(saved.fallback)
        if saved.path is not None:
            _say(f"Fortsett med: {shlex.join(_resume_command(ctx, walk.tree_id, saved.path))}")
        return ExitCode.INTERRUPTED
    warning = runner.expectation_warning(walk.preset, data)
    if warning:
        _say(warning)
    if markdown and str(markdown) != "-":
        _say(f"Rapporten er lagret i {markdown}")
    return _show_result(data, options, as_json=as_json, reviewed=asker is not None and not no_review)


def _show_result(data: Trace, options: Any, *, as_json: bool, reviewed: bool) -> int:
    from .export import caveat_lines, to_markdown

    if str(options.trace) == "-" or as_json:
        _out(json.dumps(data, ensure_ascii=False, indent=2))
    elif str(options.markdown) == "-":
        _out(to_markdown(data), nl=False)
    else:
        from .render import report

        console = _console()
        console.print(report(data, caveat_lines(data), console.width, answers=not reviewed), crop=False)
    return ExitCode.OK


def _resume_command(ctx: typer.Context, tree_id: str, saved: Path) -> list[str]:
    """The command that goes on where the walk stopped: every option given, as given, with the saved
    answers after any answer files (so that their other answers and `expect:` are kept)."""
    given = [str(a) for a in ctx.params.get("answers") or ()]
    args = [*_program(), "run", tree_id, *[x for a in [*given, str(saved)] for x in ("--answers", a)]]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if param.param_type_name != "option" or param.name == "answers" or value in (None, False, (), []):
            continue
        name = next((o for o in param.opts if o.startswith("--")), param.opts[0])
        if getattr(param, "is_flag", False):
            args.append(name)
        else:
            for item in value if isinstance(value, list | tuple) else [value]:
                args += [name, str(item)]
    return args


def _program() -> list[str]:
    """How to start this program again: its name when it is on PATH, else the path it was started by."""
    if shutil.which("anskaffelse"):
        return ["anskaffelse"]
    started = Path(sys.argv[0])
    return [str(started.resolve())] if started.name == "anskaffelse" else [sys.executable, "-m", "anskaffelse"]


@app.command(short_help="Lag markdown-rapporten fra en lagret trace.")
def export(
    trace_file: Annotated[Path, typer.Argument(help="En lagret trace (JSON).", metavar="TRACE.json", readable=False)],
    output: OutputOpt = None,
    format_: Annotated[
        str | None,
        typer.Option("--format", help="markdown (standard).", show_default=False, metavar="FORMAT"),
    ] = None,
    force: ForceOpt = False,
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
    _emit(to_markdown(read_trace(trace_file)), output, force=force)
    return ExitCode.OK


@app.command(short_help="Kjør en lagret trace på dagens trær.")
def replay(
    trace_file: Annotated[Path, typer.Argument(help="En lagret trace (JSON).", metavar="TRACE.json", readable=False)],
    dato: DatoOpt = None,
    trees: TreesOpt = None,
) -> int:
    """Kjør svarene i en lagret trace på dagens trær og si hva som er endret (avslutter med 3 ved endring).

    \b
    Eksempel:
      anskaffelse replay vurdering-2024.json
      anskaffelse replay vurdering-2024.json --dato 2024-06-01
    """
    from .render import replay_view
    from .replay import replay_trace

    result = replay_trace(trace_file, _catalogue(trees), dato, _program())
    _console().print(replay_view(result))
    return ExitCode.CHANGED if result.changes else ExitCode.OK


@app.command(short_help="Vis terskelverdiene som gjelder på en dato.")
def terskler(dato: DatoOpt = None, trees: TreesOpt = None) -> int:
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
    console = _console()
    console.print(thresholds_table(catalogue.thresholds, day, catalogue, console.width))
    warnings = catalogue_threshold_warnings(list(catalogue.thresholds.values()), day)
    if warnings:
        console.print(warnings_view(warnings))
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: the one place where errors become messages and exit codes."""
    from .streams import GuardedOutput, OutputClosed

    args = sys.argv[1:] if argv is None else argv
    stdout, sys.stdout = sys.stdout, GuardedOutput(sys.stdout)
    try:
        app(args=args, prog_name="anskaffelse")
        sys.stdout.flush()
    except SystemExit as exit_:
        try:
            sys.stdout.flush()
        except OutputClosed:
            return _quiet_after_broken_pipe(stdout)
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    except OutputClosed:
        return _quiet_after_broken_pipe(stdout)
    except Interrupted as stop:
        _say(stop.message)
        return ExitCode.INTERRUPTED
    except AnskaffelseError as error:
        from .render import error_view

        console = _console(stderr=True)
        console.print(error_view(error, terminal=console.is_terminal), soft_wrap=not console.is_terminal)
        return error.exit_code
    except KeyboardInterrupt:
        _say("Avbrutt")
        return ExitCode.INTERRUPTED
    except Exception:
        if "--debug" in args or os.environ.get("ANSKAFFELSE_DEBUG") == "1":
            raise
        _console(stderr=True).print(
            "[bold red]Intern feil[/] i anskaffelse. Kjør igjen med [bold]--debug[/] for detaljer, "
            "og meld feilen med den utskriften og filene du brukte."
        )
        return ExitCode.INTERNAL
    finally:
        sys.stdout = stdout
    return ExitCode.OK


def _quiet_after_broken_pipe(stdout: Any) -> int:
    """The reader stopped reading (`| head`): the rest of the output goes nowhere, and the exit code
    is the shell's for SIGPIPE. (Python would otherwise complain when it flushes stdout at exit.)"""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass
    return ExitCode.BROKEN_PIPE
