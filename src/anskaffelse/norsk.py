"""Norwegian for the words typer and its bundled click print themselves.

Help headings, the usage line, the help option, the completion options and usage errors
(«No such option», «Missing argument» …) are English in typer. A buyer reads them, so they are
put into Norwegian here, once per process, by `install()` (called when the CLI module is imported).
typer is pinned below 0.29 in pyproject.toml; tests/test_norsk.py says in a sentence what to
update when a typer upgrade moves a name used here.

Two routes, because typer (0.28) speaks through two channels:

* gettext – the public route. typer's own words (headings «Options», «[default: …]», «Missing
  command.», «Aborted!» …) go through `gettext.gettext`, i.e. the process's current text domain.
  `install()` binds the domain «anskaffelse» to the catalogue shipped in `locale/`, makes it the
  current domain, and puts Norwegian («nb») first in $LANGUAGE, since gettext picks the language
  from the environment and this program speaks only Norwegian (the user's other languages stay
  behind it, and child processes inherit the setting). The catalogue is a compiled .mo
  (`locale/nb/LC_MESSAGES/anskaffelse.mo`) committed next to its source `anskaffelse.po`;
  tests/test_norsk.py holds a twenty-line msgfmt, checks that the .mo is exactly the compiled .po,
  and regenerates it when run as a script (`python tests/test_norsk.py`). No build step, stdlib only.

* Two patches that stay. typer's copy of click (typer._click) does not use gettext: its words are
  literals, and the usage line, the help option and the error display are out of reach of any
  setting `install()` can make (it runs before the app exists, and cli.py passes no `cls=`).
  So `install()` sets
  - `Context.formatter_class` – click's documented hook for the help formatter – to `Formatter`,
    a subclass that says «Bruk:», «[VALG]», «KOMMANDO [ARGUMENTER]...» in the usage line and
    translates the help texts typer gives its help and completion options; and
  - `ClickException.show` and `UsageError.show` to functions that print «Feil: …» with click's
    message in Norwegian (`message()`) and «Se «… -h» for hjelp.».
  Each is checked against typer's source by tests/test_norsk.py, which fails with a sentence
  naming the change when an upgrade moves one.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from typer._click import ClickException, Context, HelpFormatter, echo
from typer._click.exceptions import UsageError

DOMAIN = "anskaffelse"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE = "nb"

USAGE = "Bruk: "
USAGE_WORDS = {"[OPTIONS]": "[VALG]", "COMMAND [ARGS]...": "KOMMANDO [ARGUMENTER]..."}
# Help texts typer gives the options it adds itself (click's help option, typer's completion options).
HELP_TEXTS = {
    "Show this message and exit.": "Vis denne hjelpen og avslutt.",
    "Install completion for the current shell.": "Installer fullføring med Tab for skallet dere bruker.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Vis fullføringsskriptet for skallet dere bruker, for å kopiere eller tilpasse det."
    ),
}

# click's messages (format_message()) → Norwegian; the first match wins. «{0}» is a group.
# Compiled when the first error is shown, not at every start.
_MESSAGES: tuple[tuple[str, str], ...] = (
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
    # typer's suggestion, added after its (already Norwegian) «ukjent kommando 'x'»
    (r"(.*)\. Did you mean (.*)\?", "{0}; mente du {1}?"),
    (r"(ukjent kommando '.*')", "{0}"),  # the catalogue keeps repr's quotes: they escape control characters
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


class Formatter(HelpFormatter):
    """click's help formatter with a Norwegian usage line and Norwegian help for typer's own options."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, norwegian in USAGE_WORDS.items():
            args = args.replace(english, norwegian)
        super().write_usage(prog, args, USAGE if prefix is None else prefix)

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, HELP_TEXTS.get(text, text)) for term, text in rows], col_max, col_spacing)


def _show_usage_error(self: UsageError, file: IO[Any] | None = None) -> None:
    color = None
    if self.ctx is not None:
        color = self.ctx.color
        hint = ""
        if self.ctx.command.get_help_option(self.ctx) is not None:
            hint = f"Se «{self.ctx.command_path} {self.ctx.help_option_names[0]}» for hjelp.\n"
        echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=True, color=color)
    echo(f"Feil: {message(self.format_message())}", file=file, err=True, color=color)


def _show_error(self: ClickException, file: IO[Any] | None = None) -> None:
    echo(f"Feil: {message(self.format_message())}", file=file, err=True, color=self.show_color)


def _norwegian_first() -> None:
    """Put Norwegian first in $LANGUAGE, where gettext looks first; the user's other choices follow."""
    wanted = os.environ.get("LANGUAGE", "")
    if wanted.split(":")[0] != LANGUAGE:
        os.environ["LANGUAGE"] = f"{LANGUAGE}:{wanted}" if wanted else LANGUAGE


def install() -> None:
    """Make typer speak Norwegian (idempotent; once per process is enough)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    _norwegian_first()
    Context.formatter_class = Formatter
    ClickException.show = _show_error  # type: ignore[method-assign]
    UsageError.show = _show_usage_error  # type: ignore[method-assign]
