"""The typer app: options, wiring and exit codes. No legal logic lives here."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__, norsk
from .errors import AnskaffelseError, ExitCode, Interrupted, UsageError

norsk.install()

F = TypeVar("F", bound=Callable[..., Any])
_debug = {"on": os.environ.get("ANSKAFFELSE_DEBUG") == "1"}

app = typer.Typer(
    name="anskaffelse",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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


def _err_console() -> Any:
    from .render import make_console

    return make_console(stderr=True)


def _out_console() -> Any:
    from .render import make_console

    return make_console()


def report_error(error: AnskaffelseError) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _err_console()
    if not console.is_terminal:  # a log or a pipe: one line per message, to grep
        console.print(Text.assemble(("Feil: ", "bold red"), error.message), soft_wrap=True)
        for line in error.details:
            console.print(Text(f"  {line}"), soft_wrap=True)
        return
    # On a screen: wrapped between words, continuation lines indented under the text.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text("Feil:", style="bold red"), Text(error.message))
    for line in error.details:
        grid.add_row("", Text(line))
    console.print(grid)


def handles_errors(func: F) -> F:
    """Turn the project's errors into a message on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Interrupted as stop:
            _err_console().print(stop.message)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except AnskaffelseError as error:
            report_error(error)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            _err_console().print("Avbrutt")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            # The reader stopped reading (`| head`): nothing more to say, and no one to say it to.
            # The rest of the output goes nowhere, and the exit code is the shell's for SIGPIPE.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(int(ExitCode.BROKEN_PIPE)) from None
        except typer.Exit:
            raise
        except Exception:
            if _debug["on"]:
                raise
            _err_console().print(
                "[bold red]Intern feil[/] i anskaffelse. Kjør igjen med [bold]--debug[/] for detaljer, "
                "og meld feilen med den utskriften og filene du brukte."
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"anskaffelse {__version__}")
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
    if debug:
        _debug["on"] = True


def _day(dato: str | None, fallback: str | None = None) -> dt.date:
    from .values import ValueProblem, parse_date

    text = dato or fallback
    if not text:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueProblem as problem:
        raise UsageError(f"--dato: {problem}") from None


def _catalogue(trees: Path | None) -> Any:
    from .catalog import open_catalogue, trees_dir

    return open_catalogue(trees_dir(trees))


@app.command("list", short_help="Vis trærne i katalogen.")
@handles_errors
def list_trees(trees: TreesOpt = None) -> None:
    """Vis trærne i katalogen: id, tittel, versjon og gyldig fra.

    \b
    Eksempel:
      anskaffelse list
      anskaffelse list --trees ./mine-traer
    """
    from .catalog import open_catalogue, trees_dir

    catalogue = open_catalogue(trees_dir(trees))
    typer.echo(tree_listing(catalogue, shutil.get_terminal_size((100, 24)).columns, colour=_colour()))


def tree_listing(catalogue: Any, width: int, *, colour: bool = False) -> str:
    """The trees as aligned columns, the title last and wrapped (plain text: no rich at start-up)."""
    import textwrap

    header = ("id", "versjon", "gyldig fra", "tittel")
    rows = [
        (t.id, t.version, t.valid_from.isoformat() if t.valid_from else "–", t.title)
        for t in sorted(catalogue.trees.values(), key=lambda t: t.id)
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    indent = sum(widths) + 2 * 3 + 2
    lines = [f"Trær i {catalogue.root} ({len(rows)}):", ""]
    if width - indent - 1 < 24:  # too narrow for a title column: each tree on two lines
        for tree_id, version, valid, title in rows:
            about = f" · versjon {version} · fra {valid}"
            lines.append((typer.style(tree_id, bold=True) if colour else tree_id) + about)
            lines += ["    " + part for part in textwrap.wrap(title, max(20, width - 5))]
        return "\n".join(lines)
    for number, row in enumerate([header, *rows]):
        left = "  " + "".join(cell.ljust(w + 2) for cell, w in zip(row, widths, strict=False))
        title = textwrap.wrap(row[3], width - indent - 1) or [""]
        text = "\n".join([left + title[0]] + [" " * indent + more for more in title[1:]])
        lines.append(typer.style(text, bold=True) if colour and number == 0 else text)
    return "\n".join(lines)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _colour() -> bool:
    """Colour on standard output: a terminal, and NO_COLOR not set."""
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


@app.command(short_help="Sjekk trærne og vis alle feil med fil og linje.")
@handles_errors
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
) -> None:
    """Sjekk trærne og vis alle feil som fil:linje:kolonne: melding. Avslutter med 1 ved feil.

    \b
    Eksempel:
      anskaffelse validate
      anskaffelse validate trees/ideell-status.yaml
    """
    from .catalog import check, trees_dir
    from .model import display_path, errors_only

    # Plain typer output: rich is not imported for the command authors run on every save.
    colour = _colour()

    def paint(text: str, **style: Any) -> str:
        return typer.style(text, **style) if colour else text

    targets = list(paths or [trees_dir(trees)])
    checked: dict[Path, Any] = {}
    total_errors = 0
    for target in targets:
        root, only = (target.parent, display_path(target)) if target.is_file() else (target, None)
        if root not in checked:  # several files of one folder: the catalogue is read once
            checked[root] = check(root)
        catalogue, findings = checked[root]
        if only:
            findings = [f for f in findings if f.loc.file == only]
        errors = errors_only(findings)
        total_errors += len(errors)
        for finding in findings:
            level = paint("advarsel: ", fg="yellow") if finding.warning else paint("feil: ", fg="red")
            typer.echo(paint(f"{finding.loc}: ", bold=True) + level + finding.message)
        shown = only or catalogue.root
        trees_here = [t for t in catalogue.trees.values() if not only or t.loc.file == only]
        nodes = sum(len(t.nodes) for t in trees_here)
        sources = len(catalogue.sources) if not only or Path(only).name == "kilder.yaml" else 0
        counts = [
            _count(len(trees_here), "tre", "trær"),
            _count(nodes, "node", "noder"),
            _count(sources, "kilde", "kilder"),
            _count(len(errors), "feil", "feil"),
            _count(len(findings) - len(errors), "advarsel", "advarsler"),
        ]
        line = f"{shown}: {', '.join(counts)}"
        typer.echo(paint(line, fg="red" if errors else "green"))
    if total_errors:
        raise typer.Exit(int(ExitCode.INVALID))


@app.command(short_help="Tegn et tre, eller list alle veier gjennom det.")
@handles_errors
def show(
    tree: Annotated[str, typer.Argument(help="Tre-id, f.eks. ideell-status.", metavar="TRE")],
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Skriv treet som Mermaid-flytskjema.")] = False,
    paths: Annotated[bool, typer.Option("--paths", help="List alle veier gjennom treet: svarene → utfall.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Med --mermaid: i en ```mermaid-blokk; med --paths: som markdown.")
    ] = False,
    dato: DatoOpt = None,
    trees: TreesOpt = None,
) -> None:
    """Tegn et tre: spørsmål, valg, forgreninger og utfall med konklusjon – eller alle veier gjennom det.

    \b
    Eksempel:
      anskaffelse show ideell-status
      anskaffelse show veiviser --mermaid --markdown > kart.md
      anskaffelse show direkte-anskaffelse --paths \\
          --markdown > veier.md
    """
    from .engine import Engine

    catalogue = _catalogue(trees)
    engine = Engine(catalogue, _day(dato))
    the_tree = engine.tree(tree)
    if paths:
        from .paths import enumerate_paths
        from .render import paths_markdown, paths_table

        found = enumerate_paths(engine, tree)
        if markdown:
            typer.echo(paths_markdown(engine, found), nl=False)
        else:
            _out_console().print(paths_table(engine, found))
        return
    if mermaid:
        from .export import to_mermaid

        text = to_mermaid(the_tree)
        typer.echo(f"```mermaid\n{text}```\n" if markdown else text, nl=False)
        return
    from .render import tree_view

    _out_console().print(tree_view(the_tree, catalogue))


@app.command(short_help="Gå gjennom et tre og få en anbefaling.")
@handles_errors
def run(
    tree: Annotated[
        str | None, typer.Argument(help="Tre-id (standard: veiviser).", show_default=False, metavar="[TRE]")
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="Svarfil (YAML/JSON) eller en lagret trace.",
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
    force: Annotated[bool, typer.Option("--force", help="Skriv over en eksisterende markdown-fil.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Skriv tracen som JSON på stdout i stedet for rapporten.")
    ] = False,
    no_review: Annotated[
        bool, typer.Option("--no-review", help="Hopp over oversikten over svarene før resultatet.")
    ] = False,
    dato: DatoOpt = None,
    trees: TreesOpt = None,
) -> None:
    """Gå gjennom et tre, spørsmål for spørsmål, og få en anbefaling med rettslig grunnlag.

    \b
    Eksempel:
      anskaffelse run
      anskaffelse run direkte-anskaffelse \\
          --set kontraktsverdi="2,5 mill"
      anskaffelse run veiviser --answers svar.yaml \\
          --non-interactive --markdown notat.md
    """
    from .answers import Answers, load_answers, parse_set_option
    from .engine import Engine
    from .export import build_trace, to_markdown
    from .files import check_writable
    from .session import walk

    catalogue = _catalogue(trees)
    preset = load_answers(answers) if answers else Answers()
    if set_:
        preset = preset.merged(parse_set_option(set_))
    if tree and preset.tree and tree != preset.tree:
        raise UsageError(f"svarfilen {preset.origin} gjelder treet «{preset.tree}», ikke «{tree}»")
    tree_id = tree or preset.tree or "veiviser"
    engine = Engine(catalogue, _day(dato, preset.date))
    engine.tree(tree_id)
    from .session import unknown_keys

    for problem in unknown_keys(engine, preset):
        _err_console().print(f"⚠ {problem}", style="yellow", markup=False, soft_wrap=True)
    # Refuse an output path that cannot be written before the first question, not after the last.
    for target in (trace, markdown):
        if target is not None:
            check_writable(target, force=force or target is trace)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    asker = None
    if terminal and not non_interactive:
        from .prompts import QuestionaryAsker

        asker = QuestionaryAsker(_out_console())
    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        state = walk(engine, tree_id, preset, asker, terminal=terminal or non_interactive, review=not no_review)
    except Interrupted as stop:
        _err_console().print("Avbrutt")
        # The command that resumes repeats every option that shapes the walk or where it is saved.
        again = [*(["--trees", str(trees)] if trees else []), *(["--dato", dato] if dato else [])]
        again += [arg for item in set_ or () for arg in ("--set", item)]
        again += ["--trace", str(trace)] if trace else []
        again += [*(["--markdown", str(markdown)] if markdown else []), *(["--force"] if force and markdown else [])]
        again += [flag for flag, on in (("--json", as_json), ("--no-review", no_review)) if on]
        _save_partial(engine, stop.state, tree_id, created, trace, again)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    data = build_trace(engine, state, tree_id, created, complete=True)
    if answers is not None:  # a walk resumed from the temporary file of an interrupted one is done with it
        from .files import remove_partial

        remove_partial(answers)
    if preset.expect and data["outcome"] and data["outcome"]["node"] != preset.expect:
        _err_console().print(
            f"⚠ svarfilen forventer utfallet «{preset.expect}», men gjennomgangen endte i «{data['outcome']['node']}»",
            style="yellow",
            markup=False,
            soft_wrap=True,
        )
    if trace:
        _write(trace, json.dumps(data, ensure_ascii=False, indent=2) + "\n", force=True)
    if markdown:
        _write(markdown, to_markdown(data), force=force)
        _err_console().print(f"Rapporten er lagret i {markdown}", soft_wrap=True, markup=False)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from .render import report

    console = _out_console()
    from .export import caveat_lines

    reviewed = asker is not None and not no_review  # the answers were on the screen a moment ago
    console.print(report(data, caveat_lines(data), console.width, answers=not reviewed), crop=False)


def _write(path: Path, text: str, *, force: bool) -> None:
    from .files import write_text

    write_text(path, text, force=force)


def _save_partial(
    engine: Any, state: Any, tree_id: str, created: dt.datetime, trace: Path | None, again: list[str]
) -> None:
    """Nothing typed is lost: the walk so far goes to --trace or to a private temporary file, and
    the command printed to resume repeats the options given (`again`)."""
    import shlex

    if state is None:
        return
    if not state.steps:  # stopped at the first question: nothing to keep, no file to leave behind
        _err_console().print("Ingen svar er gitt ennå, så ingenting er lagret.")
        return
    from .export import build_trace
    from .files import write_partial

    data = build_trace(engine, state, tree_id, created, complete=False)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    console = _err_console()
    if trace:
        _write(trace, text, force=True)
        path = trace
    else:
        path = write_partial(text)
    console.print(f"Svarene så langt er lagret i {path}", soft_wrap=True, markup=False)
    command = shlex.join([*_program(), "run", tree_id, "--answers", str(path), *again])
    console.print(f"Fortsett med: {command}", soft_wrap=True, markup=False)


def _program() -> list[str]:
    """How to start this program again: its name when it is on PATH, else the path it was started by."""
    if shutil.which("anskaffelse"):
        return ["anskaffelse"]
    started = Path(sys.argv[0])
    return [str(started.resolve())] if started.name == "anskaffelse" else [sys.executable, "-m", "anskaffelse"]


@app.command(short_help="Lag markdown-rapporten fra en lagret trace.")
@handles_errors
def export(
    trace_file: Annotated[Path, typer.Argument(help="En lagret trace (JSON).", metavar="TRACE.json", readable=False)],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Markdown-fil (standard: stdout).", show_default=False, metavar="FIL"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Skriv over en eksisterende fil.")] = False,
) -> None:
    """Lag markdown-rapporten fra en lagret trace.

    \b
    Eksempel:
      anskaffelse export vurdering.json -o notat.md
    """
    from .answers import load_trace
    from .export import to_markdown

    text = to_markdown(load_trace(trace_file))
    if output:
        _write(output, text, force=force)
    else:
        typer.echo(text, nl=False)


@app.command(short_help="Kjør en lagret trace på dagens trær.")
@handles_errors
def replay(
    trace_file: Annotated[Path, typer.Argument(help="En lagret trace (JSON).", metavar="TRACE.json", readable=False)],
    dato: DatoOpt = None,
    trees: TreesOpt = None,
) -> None:
    """Kjør svarene i en lagret trace på dagens trær og si hva som er endret (avslutter med 3 ved endring).

    \b
    Eksempel:
      anskaffelse replay vurdering-2024.json
      anskaffelse replay vurdering-2024.json --dato 2024-06-01
    """
    from rich.text import Text

    from .answers import load_trace
    from .engine import Engine
    from .export import build_trace
    from .replay import compare, rewalk

    old = load_trace(trace_file)
    if old.get("complete") is False:
        import shlex

        # An interrupted walk has no result to compare with: where it stopped is not a change.
        again = shlex.join([*_program(), "run", str(old["tree"]["id"]), "--answers", str(trace_file)])
        raise UsageError(
            f"{trace_file}: tracen er ufullstendig (gjennomgangen ble avbrutt), så det er ikke noe resultat å "
            f"sammenligne med; fullfør den med: {again}"
        )
    catalogue = _catalogue(trees)
    tree_id = old["tree"]["id"]
    engine = Engine(catalogue, _day(dato))
    engine.tree(tree_id)
    answers = {s["key"]: str(s["answer"]) for s in old["steps"] if s["origin"] != "fact"}
    state, stopped = rewalk(engine, tree_id, answers)
    new = build_trace(engine, state, tree_id, dt.datetime.now(dt.UTC), complete=not stopped)
    keys = {q.key for t in catalogue.trees.values() for q in t.questions()}
    changes, notes = compare(old, new, stopped, keys)
    console = _out_console()
    console.print(
        f"Lagret {old['date_of_assessment']}, kjørt på nytt med vurderingsdato {engine.day}.",
        soft_wrap=True,
        markup=False,
    )
    for note in notes:
        console.print(Text(f"ℹ {note}", style="dim"), soft_wrap=True)
    if not changes:
        console.print(Text("uendret: samme spørsmål, svar, terskelverdier og resultat", style="bold green"))
        return
    console.print(Text(f"endret ({len(changes)}):", style="bold yellow"))
    for change in changes:
        console.print(Text(f"• {change}"), soft_wrap=True)
    raise typer.Exit(int(ExitCode.CHANGED))


@app.command(short_help="Vis terskelverdiene som gjelder på en dato.")
@handles_errors
def terskler(dato: DatoOpt = None, trees: TreesOpt = None) -> None:
    """Vis terskelverdiene som gjelder på en dato, og varsle om verdier som kan være utdaterte.

    \b
    Eksempel:
      anskaffelse terskler
      anskaffelse terskler --dato 2024-01-01
    """

    from .catalog import catalogue_threshold_warnings
    from .render import thresholds_table, warnings_view

    catalogue = _catalogue(trees)
    day = _day(dato)
    console = _out_console()
    console.print(thresholds_table(catalogue.thresholds, day, catalogue, console.width))
    warnings = catalogue_threshold_warnings(list(catalogue.thresholds.values()), day)
    if warnings:
        console.print(warnings_view(warnings))


def main() -> int:
    """Console-script entry point."""
    try:
        app(prog_name="anskaffelse")
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0
