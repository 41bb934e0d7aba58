"""anskaffelse.norsk: the gettext catalogue, and the names it still sets in typer, checked against typer's source.

tests/test_cli.py checks that every help text and usage error of the real app is Norwegian. This file
checks the routes: the .mo is the compiled .po, the catalogue matches what typer says through gettext,
and each name norsk.py sets or overrides in typer still exists and is still used the way it assumes,
so that a typer upgrade fails here with a sentence saying what to update rather than turning
English somewhere. Run as a script, it recompiles the catalogue: `python tests/test_norsk.py`.
"""

from __future__ import annotations

import ast
import gettext
import inspect
import os
import struct
import sys
from pathlib import Path

import pytest
import typer
import typer.completion
import typer.core
from typer._click import ClickException, Context, HelpFormatter
from typer._click import core as click_core
from typer._click import decorators as click_decorators
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting
from typer.testing import CliRunner

from anskaffelse import norsk

CATALOGUE = Path(norsk.__file__).parent / "locale" / norsk.LANGUAGE / "LC_MESSAGES"
PO = CATALOGUE / f"{norsk.DOMAIN}.po"
MO = CATALOGUE / f"{norsk.DOMAIN}.mo"
UPDATE = "norsk.py må oppdateres"


def read_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a .po file (no plurals, no contexts: the catalogue needs neither)."""
    entries: dict[str, str] = {}
    key: str | None = None
    parts: dict[str, list[str]] = {}
    for number, line in enumerate([*text.splitlines(), ""], 1):
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgstr" in parts:
                entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
                parts = {}
            parts[key] = [ast.literal_eval(rest)]
        elif line.startswith('"') and key is not None:
            parts[key].append(ast.literal_eval(line))
        elif line and not line.startswith("#"):
            raise ValueError(f"{PO.name}:{number}: forstår ikke «{line}»")
    if "msgstr" in parts:
        entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
    return entries


def msgfmt(entries: dict[str, str]) -> bytes:
    """The GNU .mo file for `entries` (little-endian, no hash table), as Python's Tools/i18n/msgfmt.py writes it."""
    keys = sorted(entries)
    ids = [key.encode() for key in keys]
    strs = [entries[key].encode() for key in keys]
    start = 7 * 4 + 16 * len(keys)
    id_table: list[int] = []
    str_table: list[int] = []
    offset = start
    for data in ids:
        id_table += [len(data), offset]
        offset += len(data) + 1
    for data in strs:
        str_table += [len(data), offset]
        offset += len(data) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    tables = struct.pack(f"<{len(id_table) + len(str_table)}I", *id_table, *str_table)
    return header + tables + b"".join(data + b"\0" for data in ids + strs)


def gettext_calls(source: str) -> set[str]:
    """The strings a module passes to `_()`."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def method(cls: type, name: str) -> ast.FunctionDef:
    """`cls.name` as typer's source defines it (not as norsk.install() may have replaced it)."""
    tree = ast.parse(inspect.getsource(sys.modules[cls.__module__]))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == name:
                    return item
    raise AssertionError(f"{cls.__module__}.{cls.__name__}.{name} finnes ikke lenger: {UPDATE}")


def parameters(function: ast.FunctionDef) -> list[str]:
    return [arg.arg for arg in function.args.args]


# The catalogue


def test_the_mo_file_is_the_compiled_po_file() -> None:
    assert MO.read_bytes() == msgfmt(read_po(PO.read_text(encoding="utf-8"))), (
        f"{MO.name} er ikke bygd fra {PO.name}: kjør `python tests/test_norsk.py`"
    )


def test_gettext_reads_the_catalogue_as_written() -> None:
    entries = read_po(PO.read_text(encoding="utf-8"))
    with MO.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)
    assert catalogue.info()["content-type"] == "text/plain; charset=UTF-8"
    for english, norwegian in entries.items():
        if english:
            assert catalogue.gettext(english) == norwegian


def test_typer_still_translates_with_the_global_gettext() -> None:
    assert typer.core._ is gettext.gettext, (  # type: ignore[attr-defined]
        f"typer.core oversetter ikke lenger med gettext.gettext: {UPDATE}"
    )


def test_the_catalogue_has_exactly_the_words_typer_says_through_gettext() -> None:
    said = gettext_calls(inspect.getsource(typer.core))
    translated = set(read_po(PO.read_text(encoding="utf-8"))) - {""}
    assert not said - translated, f"typer.core sier nå {sorted(said - translated)}: oversett dem i {PO.name}"
    assert not translated - said, f"typer.core sier ikke lenger {sorted(translated - said)}: fjern dem fra {PO.name}"


def test_install_puts_norwegian_first_and_keeps_the_users_other_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "de:en")
    norsk.install()
    assert os.environ["LANGUAGE"] == "nb:de:en"
    norsk.install()  # idempotent
    assert os.environ["LANGUAGE"] == "nb:de:en"
    assert gettext.gettext("Options") == "Valg"
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "C.UTF-8")
    norsk.install()
    assert os.environ["LANGUAGE"] == "nb"
    assert gettext.gettext("Commands") == "Kommandoer"


# The names norsk.install() still sets, against typer's source


def test_the_help_formatter_is_still_made_from_context_formatter_class() -> None:
    make_formatter = ast.unparse(method(Context, "make_formatter"))
    assert "self.formatter_class(" in make_formatter, (
        f"typer._click.Context.make_formatter bruker ikke lenger formatter_class: {UPDATE}"
    )
    norsk.install()
    for command in [typer.core.TyperCommand("x"), typer.core.TyperGroup()]:
        assert isinstance(command.context_class(command).make_formatter(), norsk.Formatter), (
            f"{type(command).__name__} lager hjelpeteksten med en annen formatter_class: {UPDATE}"
        )


@pytest.mark.parametrize("name", ["write_usage", "write_dl"])
def test_the_formatter_overrides_methods_click_still_has_with_the_same_parameters(name: str) -> None:
    assert HelpFormatter is click_formatting.HelpFormatter
    upstream = parameters(method(HelpFormatter, name))
    ours = list(inspect.signature(getattr(norsk.Formatter, name)).parameters)
    assert upstream == ours, f"typer._click.HelpFormatter.{name} tar nå {upstream}, ikke {ours}: {UPDATE}"


def test_usage_lines_still_say_what_the_formatter_translates() -> None:
    source = inspect.getsource(click_formatting) + inspect.getsource(click_core) + inspect.getsource(typer.core)
    for english in ['"Usage: "', *(f'"{word}"' for word in norsk.USAGE_WORDS)]:
        assert english in source, f"typer sier ikke lenger {english} i bruk-linjen: {UPDATE}"


@pytest.mark.parametrize("english", list(norsk.HELP_TEXTS))
def test_typer_still_gives_its_own_options_the_help_texts_the_formatter_translates(english: str) -> None:
    source = inspect.getsource(click_decorators) + inspect.getsource(typer.completion)
    assert f'"{english}"' in source, f"typer sier ikke lenger «{english}» om sine egne valg: {UPDATE}"


@pytest.mark.parametrize("cls", [ClickException, click_exceptions.UsageError], ids=lambda cls: cls.__name__)
def test_the_errors_are_still_shown_by_show_with_the_same_parameters(cls: type) -> None:
    assert parameters(method(cls, "show")) == ["self", "file"], (
        f"typer._click.exceptions.{cls.__name__}.show tar ikke lenger (self, file): {UPDATE}"
    )
    assert "e.show()" in inspect.getsource(typer.core), (
        f"typer viser ikke lenger feil med ClickException.show: {UPDATE}"
    )


# What a user sees, in an app of its own (the real app is checked in tests/test_cli.py)


def test_typers_words_in_help_and_errors_come_out_norwegian() -> None:
    norsk.install()
    app = typer.Typer(rich_markup_mode=None, add_completion=False)

    @app.command()
    def hei(
        navn: str,
        antall: int = typer.Option(1, envvar="ANTALL", show_envvar=True),
        hvor: str = typer.Option(..., "--hvor"),
        tall: int = 0,
    ) -> None:
        raise typer.Abort()

    runner = CliRunner()
    out = runner.invoke(app, ["--help"]).stdout
    assert out.startswith("Bruk: hei [VALG] {navn}\n")
    assert "Argumenter:" in out and "Valg:" in out and "[påkrevd]" in out
    assert "[miljøvariabel: ANTALL; standard: 1]" in out and "Vis denne hjelpen og avslutt." in out
    assert runner.invoke(app, ["x", "--hvor", "her"]).stderr == "Avbrutt\n"
    error = runner.invoke(app, ["x", "--tall", "mange", "--hvor", "her"])
    assert error.exit_code == 2
    assert error.stderr.splitlines()[0] == "Bruk: hei [VALG] {navn}"
    assert error.stderr.splitlines()[1] == "Se «hei --help» for hjelp."
    assert error.stderr.splitlines()[-1].startswith("Feil: ugyldig verdi for --tall: «mange»")
    assert runner.invoke(app, ["x"]).stderr.splitlines()[-1] == "Feil: mangler valget --hvor"


def test_message_turns_clicks_sentences_into_norwegian_and_leaves_others_alone() -> None:
    assert (
        norsk.message("No such option: --x (Possible options: --xa, --xb)") == "ukjent valg --x; mente du --xa, --xb?"
    )
    assert norsk.message("ukjent kommando 'lst'. Did you mean 'list', 'last'?") == (
        "ukjent kommando «lst»; mente du «list», «last»?"
    )
    assert norsk.message("ukjent kommando '\\x1b[31m'") == "ukjent kommando «\\x1b[31m»"
    assert norsk.message("noe annet 'sitert'") == "noe annet 'sitert'"


if __name__ == "__main__":
    MO.write_bytes(msgfmt(read_po(PO.read_text(encoding="utf-8"))))
    print(f"skrev {MO}")
