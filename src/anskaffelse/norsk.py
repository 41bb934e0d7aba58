"""Norwegian for the words typer and its bundled click print themselves.

Help headings, the usage line, the help option, the completion options and usage errors
(«No such option», «Missing argument» …) are English in typer. A buyer reads them, so they are
put into Norwegian here, by replacing the few functions that print them in typer's own copy of
click (typer._click, pinned with typer below 0.29 in pyproject.toml). tests/test_cli.py checks
every help text and the usage errors for English, so a typer upgrade that moves these cannot
pass unnoticed. Installed once, when the CLI module is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO, Any

import typer
import typer.core
import typer.main
from typer._click import exceptions, formatting
from typer._click import utils as click_utils
from typer._click._compat import get_text_stderr
from typer._click.core import Command, Context

USAGE = "Bruk: "
HELP_OPTION = "Vis denne hjelpen og avslutt."
USAGE_WORDS = {"[OPTIONS]": "[VALG]", "COMMAND [ARGS]...": "KOMMANDO [ARGUMENTER]..."}
HEADINGS = {
    "Options": "Valg",
    "Arguments": "Argumenter",
    "Commands": "Kommandoer",
    "Aborted!": "Avbrutt",
    "default: {default}": "standard: {default}",
    "required": "påkrevd",
    "env var: {var}": "miljøvariabel: {var}",
    "(dynamic)": "(beregnes)",
}
COMPLETION_HELP = {
    "install_completion": "Installer fullføring med Tab for skallet du bruker.",
    "show_completion": "Vis fullføringsskriptet for skallet du bruker, for å kopiere eller tilpasse det.",
}

# click's messages (format_message()) → Norwegian; the first match wins. «{0}» is a group.
# Compiled when the first error is shown, not at every start.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"No such command '(.*)'\. Did you mean (.*)\?", "ukjent kommando «{0}»; mente du {1}?"),
    (r"No such command '(.*)'\.", "ukjent kommando «{0}»"),
    (r"No such option: (\S+) \(Possible options: (.*)\)", "ukjent valg {0}; mente du {1}?"),
    (r"No such option: (\S+)", "ukjent valg {0}"),
    (r"Missing argument '(.*)'\.(.*)", "mangler argumentet {0}{1}"),
    (r"Missing option '(.*)'\.(.*)", "mangler valget {0}{1}"),
    (r"Missing parameter: (.*)", "mangler {0}"),
    (r"Option '(.*)' requires an argument\.", "valget {0} trenger en verdi"),
    (r"Option '(.*)' requires (\d+) arguments\.", "valget {0} trenger {1} verdier"),
    (r"Option '(.*)' does not take a value\.", "valget {0} tar ingen verdi"),
    (r"Got unexpected extra argument\(s\) \((.*)\)", "uventet ekstra argument: {0}"),
    (r"Invalid value for '(.*)': (.*)", "ugyldig verdi for {0}: {1}"),
    (r"Invalid value: (.*)", "ugyldig verdi: {0}"),
    (r"Missing command\.", "mangler kommando"),
)


def message(text: str) -> str:
    """One of click's messages in Norwegian (unknown ones are left as they are)."""
    for pattern, norwegian in _MESSAGES:
        found = re.fullmatch(pattern, text, re.DOTALL)  # re caches the compiled patterns
        if found:
            groups = [_quotes(group) for group in found.groups()]
            return norwegian.format(*groups)
    return text


def _quotes(text: str) -> str:
    """'list', 'show' → «list», «show» (click quotes names with repr)."""
    return re.sub(r"'([^']*)'", r"«\1»", text)


def _gettext(text: str) -> str:
    return HEADINGS.get(text, text)


def _show_usage_error(self: exceptions.UsageError, file: IO[Any] | None = None) -> None:
    out = file if file is not None else get_text_stderr()
    color = None
    if self.ctx is not None:
        color = self.ctx.color
        hint = ""
        if self.ctx.command.get_help_option(self.ctx) is not None:
            hint = f"Se «{self.ctx.command_path} {self.ctx.help_option_names[0]}» for hjelp.\n"
        click_utils.echo(f"{self.ctx.get_usage()}\n{hint}", file=out, color=color)
    click_utils.echo(f"Feil: {message(self.format_message())}", file=out, color=color)


def _show_error(self: exceptions.ClickException, file: IO[Any] | None = None) -> None:
    out = file if file is not None else get_text_stderr()
    click_utils.echo(f"Feil: {message(self.format_message())}", file=out, color=self.show_color)


def _norwegian_usage(write_usage: Callable[..., None]) -> Callable[..., None]:
    def write(self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, norwegian in USAGE_WORDS.items():
            args = args.replace(english, norwegian)
        write_usage(self, prog, args, USAGE if prefix is None else prefix)

    return write


def _norwegian_help_option(get_help_option: Callable[[Command, Context], Any]) -> Callable[[Command, Context], Any]:
    def get(self: Command, ctx: Context) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    return get


def _norwegian_completion(make: Callable[[], Any]) -> Callable[[], Any]:
    def get() -> Any:
        made = make()
        for param in made:
            param.help = COMPLETION_HELP.get(param.name or "", param.help)
        return made

    return get


def install() -> None:
    """Replace typer's English words with Norwegian ones (once per process)."""
    if getattr(formatting.HelpFormatter.write_usage, "norsk", False):
        return
    typer.core._ = _gettext  # type: ignore[assignment, attr-defined]  # typer's headings go through gettext
    exceptions.UsageError.show = _show_usage_error  # type: ignore[method-assign]
    exceptions.ClickException.show = _show_error  # type: ignore[method-assign]
    write_usage = _norwegian_usage(formatting.HelpFormatter.write_usage)
    write_usage.norsk = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    Command.get_help_option = _norwegian_help_option(Command.get_help_option)  # type: ignore[assignment, method-assign]
    typer.main.get_install_completion_arguments = _norwegian_completion(typer.main.get_install_completion_arguments)
