"""Shell completion through typer's protocol (the environment the shell scripts set): tree names for
`run`, `show` and `test`, `ID=VERDI` for `--set`; never a word on stderr, even for a broken catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from anskaffelse.cli import main
from anskaffelse.completion import set_values, tree_names
from conftest import BUNDLED, SKETCH

TREES = ["direkte-anskaffelse", "er-det-en-anskaffelse", "hvilke-regler", "ideell-status"]
TREES += ["reserverte-kontrakter", "veiviser", "verdiberegning"]


def complete(shell: str, line: str) -> tuple[int, str, str]:
    """What the shell gets for `line` (the word being completed is its last, possibly empty)."""
    env = {"_ANSKAFFELSE_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main([])
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("command", ["run", "show", "test"])
def test_tree_names_complete_for_run_show_and_test(command: str) -> None:
    code, out, err = complete("bash", f"anskaffelse {command} ")
    assert (code, err) == (0, "")
    assert out.split() == TREES  # not kilder or terskelverdier: they are no trees


def test_a_started_name_completes_and_trees_follows_the_option() -> None:
    assert complete("bash", "anskaffelse show ide")[1].split() == ["ideell-status"]
    _, out, _ = complete("bash", f"anskaffelse run --trees {SKETCH} ")
    assert out.split() == ["ideell-status", "reserverte-kontrakter"]


def test_set_completes_the_answer_keys_of_the_tree_and_the_trees_it_calls() -> None:
    _, out, err = complete("bash", f"anskaffelse run reserverte-kontrakter --trees {SKETCH} --set ")
    assert err == ""
    assert out.split() == ["kontraktsverdi=", "tjenestetype=", "utbytteforbud="]  # utbytteforbud: in ideell-status


def test_set_completes_the_choices_of_a_key_with_their_labels_in_zsh() -> None:
    _, out, err = complete("zsh", f"anskaffelse run reserverte-kontrakter --trees {SKETCH} --set tjenestetype=")
    assert err == ""
    assert '"tjenestetype=annet":"Andre tjenester eller varer"' in out
    assert '"tjenestetype=helse_sosial":"Helse- og sosialtjenester"' in out
    assert "kontraktsverdi" not in out


def test_the_bundled_catalogue_offers_its_shared_facts() -> None:
    offered = dict(set_values(None, "kontrakts"))
    assert "kontraktsverdi=" in offered
    assert any(value.startswith("tjenestetype=helse_sosial") for value, _ in set_values(None, "tjenestetype="))


@pytest.mark.parametrize("trees", ["finnes-ikke", "broken"])
def test_a_catalogue_that_cannot_be_read_gives_no_suggestions_and_no_message(tmp_path: Path, trees: str) -> None:
    root = tmp_path / trees
    if trees == "broken":
        root.mkdir()
        (root / "veiviser.yaml").write_text("id: [\n", encoding="utf-8")
        (root / "kilder.yaml").write_bytes(b"\xff\xfe")
    code, out, err = complete("bash", f"anskaffelse run --trees {root} --set ")
    assert (code, out.strip(), err) == (0, "", "")
    code, out, err = complete("bash", f"anskaffelse run --trees {root} ")
    assert code == 0 and err == ""
    assert out.split() == (["veiviser"] if trees == "broken" else [])


def test_the_completion_functions_read_the_bundled_catalogue_by_default() -> None:
    assert tree_names(None, "") == TREES
    registries = ("kilder", "terskelverdier", "katalog")
    assert sorted(p.stem for p in BUNDLED.glob("*.yaml") if p.stem not in registries) == TREES
