"""The command line's options, declared once, and what is built from a parsed command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import UsageError

NAME_MAX, PATH_MAX = 255, 4096  # bytes: one part of a path, and the whole path (Linux)


def _name_fits(value: Any) -> Any:
    """A path given on the command line whose name the system cannot hold is a usage error (exit 2)
    with a sentence, found before anything is read or asked, not an internal error later."""
    for path in value if isinstance(value, list | tuple) else [value]:
        if path is None:
            continue
        text = str(path)
        longest = max((len(part.encode("utf-8", "surrogateescape")) for part in Path(text).parts), default=0)
        whole = len(text.encode("utf-8", "surrogateescape"))
        if longest > NAME_MAX or whole > PATH_MAX:
            shown = text if len(text) <= 60 else f"{text[:30]}…{text[-20:]}"
            limit = f"et navn i stien har {longest} byte; høyst {NAME_MAX}" if longest > NAME_MAX else None
            raise UsageError(f"{shown}: navnet er for langt ({limit or f'stien har {whole} byte; høyst {PATH_MAX}'})")
    return value


def _complete(name: str) -> Callable[..., list[Any]]:
    """A shell-completion callback from anskaffelse.completion, imported only when the shell asks."""

    def complete(ctx: typer.Context, incomplete: str) -> list[Any]:
        from . import completion

        found: list[Any] = getattr(completion, name)(ctx, incomplete)
        return found

    return complete


def _option(*names: str, help: str, metavar: str | None = None, **more: Any) -> Any:
    return typer.Option(*names, help=help, show_default=False, metavar=metavar, **more)


def _path_option(*names: str, help: str, metavar: str | None = None, **more: Any) -> Any:
    return _option(*names, help=help, metavar=metavar, callback=_name_fits, **more)


TreesOpt = Annotated[
    Path | None,
    _path_option(
        "--trees",
        help="Mappe med trær (standard: katalogen som følger med, eller $ANSKAFFELSE_TREES).",
        metavar="MAPPE",
        readable=False,
    ),
]
ThresholdsOpt = Annotated[
    Path | None,
    _path_option(
        "--thresholds",
        help=(
            "Terskelverdier organisasjonen selv har bekreftet (YAML som terskelverdier.yaml, med source:); "
            "de merkes «oppgitt av brukeren» (standard: $ANSKAFFELSE_THRESHOLDS)."
        ),
        metavar="FIL",
        envvar="ANSKAFFELSE_THRESHOLDS",
    ),
]
DatoOpt = Annotated[str | None, _option("--dato", help="Vurderingsdato ÅÅÅÅ-MM-DD (standard: i dag).", metavar="DATO")]
OutputOpt = Annotated[
    Path | None, _path_option("-o", "--output", help="Fil å skrive til; - er stdout (standard).", metavar="FIL")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Skriv over en eksisterende fil.")]


def exit_with(code: int | None, **_: Any) -> None:
    """A command's return value is its exit code (the app's result callback)."""
    if code:
        raise typer.Exit(int(code))


def show_version(value: bool) -> None:
    if value:
        from . import __version__

        sys.stdout.write(f"anskaffelse {__version__}\n")
        raise typer.Exit()


VersionOpt = Annotated[
    bool, typer.Option("--version", callback=show_version, is_eager=True, help="Vis versjonen og avslutt.")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Vis hele feilsporet ved interne feil (for utviklere).")]
PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Mapper med trær, eller enkeltfiler (standard: katalogen).",
        show_default=False,
        readable=False,
        metavar="[STI]...",
        callback=_name_fits,
    ),
]
TraceFileArg = Annotated[
    Path, typer.Argument(help="En lagret trace (JSON).", metavar="TRACE.json", readable=False, callback=_name_fits)
]
TraceFilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Lagrede traces (JSON), eller mapper med traces (alle *.json i dem).",
        metavar="TRACE.json|MAPPE...",
        readable=False,
        callback=_name_fits,
    ),
]

# run
TreeArg = Annotated[
    str | None,
    typer.Argument(
        help="Tre-id (standard: veiviser).", show_default=False, metavar="[TRE]", autocompletion=_complete("tree_names")
    ),
]
AnswersOpt = Annotated[
    list[Path] | None,
    _path_option(
        "--answers",
        help="Svarfil (YAML/JSON) eller en lagret trace; kan gjentas (senere filer overstyrer).",
        metavar="FIL",
        readable=False,
    ),
]
SetOpt = Annotated[
    list[str] | None,
    _option("--set", help="Ett svar (kan gjentas).", metavar="ID=VERDI", autocompletion=_complete("set_values")),
]
CaseOpt = Annotated[
    list[str] | None,
    _option(
        "--case",
        help="En saksopplysning (kan gjentas): saksnummer, oppdragsgiver, adresse, gjelder, leverandor, saksbehandler.",
        metavar="NØKKEL=VERDI",
    ),
]
NonInteractiveOpt = Annotated[bool, typer.Option("--non-interactive", help="Aldri spør; et manglende svar er en feil.")]
TraceOpt = Annotated[
    Path | None,
    _path_option("--trace", help="Lagre tracen som JSON (også ved Ctrl-C, merket ufullstendig).", metavar="FIL"),
]
MarkdownOpt = Annotated[Path | None, _path_option("--markdown", help="Lagre rapporten som markdown.", metavar="FIL")]
RunForceOpt = Annotated[bool, typer.Option("--force", help="Skriv over en eksisterende fil, også en svarfil.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv tracen som JSON på stdout i stedet for rapporten.")]
NoReviewOpt = Annotated[bool, typer.Option("--no-review", help="Hopp over oversikten over svarene før resultatet.")]
PlainOpt = Annotated[
    bool,
    typer.Option(
        "--plain", help="Enkel modus for skjermlesere: valgene som nummererte linjer, uten farger (også ved TERM=dumb)."
    ),
]

# show
ShowTreeArg = Annotated[
    str, typer.Argument(help="Tre-id, f.eks. ideell-status.", metavar="TRE", autocompletion=_complete("tree_names"))
]
PathsOpt = Annotated[bool, typer.Option("--paths", help="List alle veier gjennom treet: svarene → utfall.")]
ShowFormatOpt = Annotated[
    str | None,
    _option(
        "--format",
        help="tekst (standard), mermaid, markdown (Mermaid-blokk; med --paths: en liste) eller dot (Graphviz).",
        metavar="FORMAT",
    ),
]
LinkBaseOpt = Annotated[
    str | None,
    _option("--link-base", help="Lenk trærne i kartet til URL/TRE.yaml (uten: ingen lenker).", metavar="URL"),
]
OldMermaidOpt = Annotated[bool, typer.Option("--mermaid", hidden=True)]
OldMarkdownOpt = Annotated[bool, typer.Option("--markdown", hidden=True)]
ExportFormatOpt = Annotated[
    str | None,
    _option("--format", help="markdown (standard) eller docx (Word; også når -o slutter på .docx).", metavar="FORMAT"),
]
TemplateOpt = Annotated[
    Path | None,
    _path_option(
        "--template", help="Word: et dokument med organisasjonens stiler (reference doc).", metavar="MAL.docx"
    ),
]

# cpv
CpvQueryArg = Annotated[list[str], typer.Argument(help="En CPV-kode, starten av en, eller ord.", metavar="SØK")]
JsonListOpt = Annotated[bool, typer.Option("--json", help="Skriv treffene som JSON.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Høyst så mange treff (standard 20).", metavar="N", min=1)]

# test
CasesArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Saksfiler, mapper med saker, eller et tre-id: katalogens saker for det treet (standard: alle i cases/).",
        show_default=False,
        metavar="[STI|TRE]...",
        autocompletion=_complete("case_targets"),
        callback=_name_fits,
    ),
]
UpdateOpt = Annotated[
    bool, typer.Option("--update", help="Skriv det faktiske utfallet inn i expect: (viser endringen først).")
]
YesOpt = Annotated[bool, typer.Option("--yes", help="Med --update: oppdater uten å spørre.")]

# schema
SchemaArg = Annotated[
    str,
    typer.Argument(
        help="tree, sources, thresholds eller catalogue.", metavar="SKJEMA", autocompletion=lambda: SCHEMA_NAMES
    ),
]
SCHEMA_NAMES = ["tree", "sources", "thresholds", "catalogue"]

SHOW_FORMATS = ("tekst", "mermaid", "markdown", "dot")
SHOW_SUFFIXES = {".md": "markdown", ".mmd": "mermaid", ".dot": "dot", ".gv": "dot"}


def show_format(chosen: str | None, output: Path | None, *, mermaid: bool, markdown: bool) -> str:
    """--format, or what the file name says, or the old switches (with a note on stderr when they were used)."""
    note = None
    if mermaid or markdown:
        old = " ".join(f for f, on in (("--mermaid", mermaid), ("--markdown", markdown)) if on)
        new = "--format markdown" if markdown else "--format mermaid"
        note = f"⚠ «{old}» er den gamle skrivemåten og forsvinner i neste versjon; bruk «{new}»"
        chosen = chosen or ("markdown" if markdown else "mermaid")
    if chosen is None and output is not None:
        chosen = SHOW_SUFFIXES.get(output.suffix.lower())
    chosen = chosen or "tekst"
    if chosen not in SHOW_FORMATS:
        raise UsageError(f"--format: ukjent format «{chosen}»; velg {', '.join(SHOW_FORMATS)}")
    if chosen == "tekst" and output is not None:
        raise UsageError("--format tekst vises på skjermen; velg --format markdown, mermaid eller dot for en fil")
    if note:
        typer.secho(note, err=True, fg="yellow")
    return chosen


def resume_command(ctx: typer.Context, tree_id: str, saved: Path) -> list[str]:
    """The command that goes on where the walk stopped: every option given, as given, with the saved
    answers after any answer files (so that their other answers and `expect:` are kept)."""
    given = [str(a) for a in ctx.params.get("answers") or ()]
    from .files import program

    args = [*program(), "run", tree_id, *[x for a in [*given, str(saved)] for x in ("--answers", a)]]
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


def command_line(args: list[str]) -> str:
    """A command to copy into the shell at hand: POSIX quoting, or cmd.exe's on Windows."""
    if sys.platform == "win32":
        import subprocess

        return subprocess.list2cmdline(args)
    import shlex

    return shlex.join(args)
