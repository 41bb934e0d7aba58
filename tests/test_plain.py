"""Plain mode (`run --plain`, TERM=dumb): numbered lines and typed words, for screen readers and simple
terminals. The same walk gives the same trace as the menus."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input

from anskaffelse.answers import Answers
from anskaffelse.engine import Engine, State
from anskaffelse.errors import Interrupted
from anskaffelse.export import build_trace
from anskaffelse.findings import Location
from anskaffelse.model import Choice
from anskaffelse.plainprompts import match_choice, wants_plain
from anskaffelse.session import walk
from conftest import KINDS, PATIENCE, SKETCH, Typist, engine_for

CREATED = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
CHOICES = tuple(
    Choice(i, label, "x", Location("t.yaml")) for i, label in (("ja", "Ja"), ("nei", "Nei"), ("vet_ikke", "Vet ikke"))
)


def plain_walk(root: Path, tree: str, lines: list[str], *, review: bool = False) -> tuple[State, Engine, Typist]:
    engine = engine_for(root)
    asker = Typist(lines)
    state = walk(engine, tree, Answers(), asker, review=review)
    assert asker.lines == [], "not every typed line was used"
    return state, engine, asker


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1", "ja"), ("3", "vet_ikke"), (" 2 ", "nei"), ("Vet ikke", "vet_ikke"), ("vet_ikke", "vet_ikke")],
)
def test_a_choice_is_named_by_its_number_its_words_or_its_id(typed: str, expected: str) -> None:
    assert match_choice(CHOICES, typed).id == expected  # type: ignore[union-attr]


@pytest.mark.parametrize("typed", ["0", "4", "", "kanskje", "v"])
def test_anything_else_names_no_choice(typed: str) -> None:
    assert match_choice(CHOICES, typed) is None


def test_plain_mode_is_asked_for_or_follows_a_dumb_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    assert wants_plain(True) and not wants_plain(False)
    monkeypatch.setenv("TERM", "dumb")
    assert wants_plain(False)


def test_choices_are_numbered_lines_and_a_bad_answer_is_asked_again_with_the_reason() -> None:
    state, engine, asker = plain_walk(SKETCH, "reserverte-kontrakter", ["3", "1", "abc", "2,5 mill"])
    assert "1) Helse- og sosialtjenester\n2) Andre tjenester eller varer" in asker.text
    assert "Ugyldig svar: «3» er ikke et av valgene; skriv et nummer fra 1 til 2. Prøv igjen." in asker.text
    assert "Ugyldig svar: «abc» er ikke et beløp; skriv f.eks. 2500000, 2 500 000, 2,5 mill eller 2.5m." in asker.text
    assert str(state.facts["kontraktsverdi"]) == "2500000"
    assert engine.outcome(state).id == "under_terskel"  # type: ignore[union-attr]
    assert "\x1b" not in asker.text


def test_help_back_and_every_input_kind_as_typed_words() -> None:
    lines = ["?", "kommune", "<", "", "1 300 000", "1.3.2026", "2026-03-01", "Renhold", "", "kanskje", "ja", "Valg A"]
    state, engine, asker = plain_walk(KINDS, "hoved", lines)
    assert "Forklaring:\nVelg type oppdragsgiver.\nRettslig grunnlag:\nLOA § 4" in asker.text
    assert "Enter = behold «En kommune»" in asker.text  # back: the earlier answer is kept with Enter
    assert "Ugyldig svar:" in asker.text and "ÅÅÅÅ-MM-DD" in asker.text  # 1.3.2026 is not a date here
    assert [s.key for s in state.steps][:6] == ["kjopertype", "belop", "frist", "beskrivelse", "haster", "spor"]
    assert state.steps[0].answer == "kommune"  # asked again after «<», and kept with Enter
    assert engine.outcome(state).id == "stor"  # type: ignore[union-attr]


def test_review_lists_the_answers_and_endre_changes_one() -> None:
    lines = ["1", "9 mill", "ja", "endre", "7", "2", "40 mill", "", ""]
    state, engine, asker = plain_walk(SKETCH, "reserverte-kontrakter", lines, review=True)
    assert "Svarene deres:\n1) Hva slags tjeneste skal dere kjøpe? — Helse- og sosialtjenester" in asker.text
    assert "Ugyldig svar: skriv et nummer fra 1 til 3, eller bare Enter." in asker.text
    assert str(state.facts["kontraktsverdi"]) == "40000000"
    assert engine.outcome(state).id == "kan_reservere"  # type: ignore[union-attr]


@pytest.mark.parametrize("stop", ["^C", None], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_stop_with_the_answers_so_far(stop: str | None) -> None:
    engine = engine_for(SKETCH)
    with pytest.raises(Interrupted) as caught:
        walk(engine, "reserverte-kontrakter", Answers(), Typist(["1", *([stop] if stop else [])]))
    assert [s.answer for s in caught.value.state.steps] == ["helse_sosial"]  # type: ignore[union-attr]


def test_the_same_answers_give_the_same_trace_in_plain_mode_and_in_the_menus() -> None:
    from test_prompts import DOWN, ENTER, ScriptedAsker

    keys = [DOWN * 3 + ENTER, ENTER, "1 300 000" + ENTER, "2026-03-01" + ENTER, "Renhold" + ENTER + ENTER]
    keys += ["ja" + ENTER, ENTER]
    lines = ["?", "1", "1 300 000", "2026-03-01", "Renhold", "", "ja", "1"]
    traces = []
    pipe: PipeInput
    with create_pipe_input() as pipe:
        engine = engine_for(KINDS)
        menus = walk(engine, "hoved", Answers(), ScriptedAsker(pipe, keys))
        traces.append(build_trace(engine, menus, "hoved", CREATED, complete=True))
    state, engine, _ = plain_walk(KINDS, "hoved", lines)
    traces.append(build_trace(engine, state, "hoved", CREATED, complete=True))
    assert traces[0]["steps"][0]["help_shown"] is True
    assert traces[0] == traces[1]


# --- through a real pseudo-terminal -----------------------------------------------------------------

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
CLI = str(Path(sys.executable).with_name("anskaffelse"))


def spawn(*args: str, term: str = "dumb") -> Any:
    import pexpect

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}  # plain mode has no colour by itself
    env.update(COLUMNS="100", LINES="40", TERM=term)
    return pexpect.spawn(CLI, list(args), env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100))


def answer(child: Any, line: str) -> None:
    child.expect_exact("Svar: ")
    child.sendline(line)


@posix_only
def test_a_plain_walk_in_a_dumb_terminal(tmp_path: Path) -> None:
    import pexpect

    trace = tmp_path / "t.json"
    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH), "--trace", str(trace))
    child.expect_exact("1) Helse- og sosialtjenester")
    child.expect_exact("2) Andre tjenester eller varer")
    answer(child, "helse- og sosialtjenester")
    answer(child, "mye")
    child.expect_exact("Ugyldig svar: «mye» er ikke et beløp")
    answer(child, "<")
    child.expect_exact("Enter = behold «Helse- og sosialtjenester»")
    answer(child, "?")
    child.expect_exact("Forklaring i klarspråk, med eksempler.")
    answer(child, "")
    answer(child, "40 MNOK")
    child.expect_exact("3) Vet ikke")
    answer(child, "1")
    child.expect_exact("skriv «endre»: ")
    child.sendline("")
    child.expect_exact("Saksopplysninger til rapporten")  # a trace is to be written: asked once, Enter skips
    for label in ("Saksnummer: ", "Oppdragsgiver: ", "Oppdragsgiverens adresse: ", "Hva anskaffelsen gjelder: "):
        child.expect_exact(label)
        child.sendline("")
    for label in ("Leverandør: ", "Saksbehandler: "):
        child.expect_exact(label)
        child.sendline("")
    child.expect_exact("Konkurransen kan reserveres for ideelle organisasjoner")
    child.expect(pexpect.EOF)
    shown = child.before or ""
    child.close()
    assert child.exitstatus == 0
    assert "\x1b" not in shown  # no colour, no cursor movement
    data = json.loads(trace.read_text(encoding="utf-8"))
    assert [str(s["answer"]) for s in data["steps"]] == ["helse_sosial", "40000000", "ja"]
    assert data["steps"][0]["help_shown"] is True


@posix_only
def test_plain_is_chosen_with_the_option_in_any_terminal() -> None:
    import pexpect

    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH), "--plain", term="xterm")
    child.expect_exact("1) Helse- og sosialtjenester")
    answer(child, "2")
    child.expect_exact("skriv «endre»: ")
    child.sendline("")
    child.expect_exact("Vurder reservasjon for integreringsbedrifter")
    child.expect_exact("Lagre rapporten? (ja eller nei; Enter = nei): ")
    child.sendline("")
    child.expect(pexpect.EOF)
    shown = child.before or ""
    child.close()
    assert child.exitstatus == 0
    assert "\x1b" not in shown


@posix_only
def test_ctrl_c_in_plain_mode_saves_the_answers_and_says_how_to_go_on(tmp_path: Path) -> None:
    import pexpect

    trace = tmp_path / "delvis.json"
    child = spawn(
        "run", "reserverte-kontrakter", "--trees", str(SKETCH), "--plain", "--trace", str(trace), term="xterm"
    )
    answer(child, "1")
    child.expect_exact("Svar: ")
    child.sendcontrol("c")
    child.expect_exact("Avbrutt")
    child.expect(rf"Fortsett med: \S*anskaffelse run reserverte-kontrakter --answers {re.escape(str(trace))}")
    child.expect(pexpect.EOF)
    shown = child.before or ""
    child.close()
    assert child.exitstatus == 130
    assert "--plain" in shown and "Traceback" not in shown
    data = json.loads(trace.read_text(encoding="utf-8"))
    assert data["complete"] is False and [s["answer"] for s in data["steps"]] == ["helse_sosial"]


def test_answers_from_a_file_are_reviewed_too_and_enter_changes_nothing() -> None:
    engine = engine_for(SKETCH)
    preset = Answers(values={"tjenestetype": "annet"}, origin="svar.yaml")
    asker = Typist(["endre", ""])
    state = walk(engine, "reserverte-kontrakter", preset, asker, review=True)
    assert engine.outcome(state).id == "integrering"  # type: ignore[union-attr]
    assert asker.lines == [] and "1) Hva slags tjeneste skal dere kjøpe? — Andre tjenester eller varer" in asker.text
