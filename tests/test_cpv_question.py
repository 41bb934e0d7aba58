"""The CPV question in plain mode and in the menus: the buyer types a code or words and picks from numbered
matches, with «Vet ikke / finner ikke koden» always offered, «<»/«← Tilbake», a new search, and the
question of teaching or software where the matches hold both (anskaffelse.cpv.choosing)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from anskaffelse.cpv import choosing
from anskaffelse.engine import Engine, State
from anskaffelse.errors import Interrupted
from anskaffelse.session import Reply
from conftest import BUNDLED, PATIENCE, Typist, engine_for

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
CLI = str(Path(sys.executable).with_name("anskaffelse"))
DOWN, UP, ENTER = "\x1b[B", "\x1b[A", "\r"


def at_cpv(engine: Engine) -> State:
    state = engine.answer(engine.start("hvilke-regler"), "annen")
    question = engine.question(state)
    assert question is not None and question.key == "cpv"
    return state


def ask_cpv(lines: list[str], *, can_go_back: bool = True) -> tuple[Reply, Typist]:
    engine = engine_for(BUNDLED)
    state = at_cpv(engine)
    question = engine.question(state)
    assert question is not None
    typist = Typist(lines)
    reply = typist.ask(engine, state, question, None, can_go_back)
    assert typist.lines == [], "not every typed line was used"
    return reply, typist


# --- plain mode, asker by asker ----------------------------------------------------------------------------------


def test_words_give_numbered_matches_and_a_number_picks_one() -> None:
    reply, typist = ask_cpv(["rengjøring", "1"])
    assert reply.raw == "90910000"
    assert "Treff for «rengjøring». Velg koden:" in typist.screen
    assert "1) 90910000 Rengjøring – annen tjeneste – ikke i FOA vedlegg 2 eller 3" in typist.screen
    assert "13) Søk på nytt" in typist.screen and "14) Vet ikke / finner ikke koden" in typist.screen


@pytest.mark.parametrize("typed", ["14", "vet ikke", "Vet ikke / finner ikke koden"])
def test_vet_ikke_is_always_offered(typed: str) -> None:
    reply, _ = ask_cpv(["rengjøring", typed])
    assert reply.raw == "vet_ikke"


def test_the_note_of_a_buyers_word_is_shown_with_the_matches() -> None:
    reply, typist = ask_cpv(["rusbehandling", "1"])
    assert reply.raw == "85144000"
    assert any(line.startswith("Merk: CPV har ingen egen kode for rusbehandling") for line in typist.screen)


def test_a_new_search_and_a_prefix() -> None:
    reply, typist = ask_cpv(["kantine", "søk på nytt", "5551", "1"])
    assert reply.raw == "55510000"
    assert "Skriv en kode eller andre ord å søke på, eller «vet ikke»." in typist.screen
    assert "1) 55510000 Kantinevirksomhet – særlig tjeneste (FOA vedlegg 2)" in typist.screen


def test_back_in_the_matches_goes_to_the_question_before() -> None:
    reply, typist = ask_cpv(["kantine", "<"])
    assert reply.back
    assert "(skriv et nummer fra 1 til 8; < = tilbake)" in typist.screen


def test_back_at_the_first_question_searches_again() -> None:
    reply, typist = ask_cpv(["kantine", "<", "55510000-7"], can_go_back=False)
    assert reply.raw == "55510000-7" and not reply.back
    assert "(skriv et nummer fra 1 til 8; < = søk på nytt)" in typist.screen


def test_a_bad_number_is_asked_again_and_enter_picks_nothing() -> None:
    reply, typist = ask_cpv(["kantine", "99", "", "2"])
    assert reply.raw == "55512000"
    assert typist.text.count("Ugyldig svar: skriv et nummer fra 1 til 8. Prøv igjen.") == 2


def test_no_matches_says_so_and_asks_again() -> None:
    reply, typist = ask_cpv(["xyzzyq", "vet ikke"])
    assert reply.raw == "vet ikke"  # as typed; the engine reads it as «vet ikke»
    assert any(line.startswith("Fant ingen CPV-kode for «xyzzyq»") for line in typist.screen)


def test_a_code_not_in_cpv_is_refused_as_typed_not_searched() -> None:
    reply, typist = ask_cpv(["85323001", "85323000"])
    assert reply.raw == "85323000"
    assert any("85323001 finnes ikke i CPV 2008" in line for line in typist.screen)
    assert not any(line.startswith("Treff for") for line in typist.screen)


def test_a_reading_app_asks_teaching_or_software_and_offers_only_that_kind() -> None:
    reply, typist = ask_cpv(["leseapp", "2", "1"])
    assert reply.raw == "48190000"
    assert choosing.TEACHING_OR_SOFTWARE in typist.screen
    assert "(skriv et nummer fra 1 til 3; Enter = «Vet ikke»; < = søk på nytt)" in typist.screen
    offered = [
        line for line in typist.screen if line[:1].isdigit() and ") " in line and line.split(") ")[1][:1].isdigit()
    ]
    assert offered and all(line.split(") ")[1].startswith(("48", "72")) for line in offered)


def test_leseprogram_as_teaching_offers_only_teaching_codes() -> None:
    reply, typist = ask_cpv(["leseprogram", "undervisning", "1"])
    assert reply.raw == "80000000"
    assert "2) Søk på nytt" in typist.screen  # 48190000 is not offered


def test_vet_ikke_on_teaching_or_software_answers_the_cpv_question_with_vet_ikke() -> None:
    reply, typist = ask_cpv(["e-læring", ""])  # Enter: «Vet ikke», the cautious answer
    assert reply.raw == "vet_ikke"
    assert choosing.DELIVERY_UNKNOWN in typist.screen


def test_back_on_teaching_or_software_searches_again() -> None:
    reply, typist = ask_cpv(["leseapp", "<", "vet ikke"])
    assert reply.raw == "vet ikke"
    assert "Skriv en kode eller andre ord å søke på, eller «vet ikke»." in typist.screen


def test_ctrl_d_in_the_matches_stops_the_walk() -> None:
    with pytest.raises(Interrupted):
        ask_cpv(["kantine"])


def test_words_with_teaching_but_no_software_ask_nothing() -> None:
    reply, typist = ask_cpv(["yrkesopplæring", "1"])
    assert reply.raw and reply.raw.startswith("80")
    assert choosing.TEACHING_OR_SOFTWARE not in typist.screen


# --- the whole program in a pseudo-terminal ---------------------------------------------------------------------


def spawn(*args: str, term: str) -> Any:
    import pexpect

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(COLUMNS="100", LINES="40", TERM=term, NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(CLI, list(args), env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100))


def stop_and_read(child: Any, trace: Path) -> dict[str, Any]:
    import pexpect

    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    return {s["key"]: s for s in json.loads(trace.read_text(encoding="utf-8"))["steps"]}


@posix_only
def test_plain_mode_cpv_search_in_a_pty(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = spawn("run", "hvilke-regler", "--plain", "--dato", "2026-06-01", "--trace", str(trace), term="xterm")
    child.expect_exact("Hva slags oppdragsgiver")
    child.expect_exact("Svar: ")
    child.sendline("2")
    child.expect_exact("Hvilken CPV-kode")
    child.expect_exact("Svar: ")
    child.sendline("kantiner")
    child.expect_exact("Treff for «kantiner». Velg koden:")
    child.expect_exact("1) 55510000 Kantinevirksomhet")
    child.expect_exact("8) Vet ikke / finner ikke koden")
    child.expect_exact("Svar: ")
    child.sendline("<")  # back to the question before
    child.expect_exact("Hva slags oppdragsgiver")
    child.expect_exact("Svar: ")
    child.sendline("2")
    child.expect_exact("Hvilken CPV-kode")
    child.expect_exact("Svar: ")
    child.sendline("leseapp")
    child.expect_exact(choosing.TEACHING_OR_SOFTWARE)
    child.expect_exact("Svar: ")
    child.sendline("2")  # programvare
    child.expect_exact("1) 48190000 Undervisningsprogramvare")
    child.expect_exact("Svar: ")
    child.sendline("1")
    child.expect_exact("Omfatter kontrakten også en annen")  # «Hva skal dere kjøpe?» is settled by the code
    child.expect_exact("Svar: ")
    steps = stop_and_read(child, trace)
    assert steps["cpv"]["answer"] == "48190000" and "vare" in steps["cpv"]["answer_label"]
    assert steps["tjenestetype"]["answer"] == "annet" and steps["tjenestetype"]["origin"] == "fact"


@posix_only
def test_plain_mode_vet_ikke_asks_the_kind_of_service_in_a_pty(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = spawn("run", "hvilke-regler", "--dato", "2026-06-01", "--trace", str(trace), term="dumb")
    child.expect_exact("Svar: ")
    child.sendline("2")
    child.expect_exact("Svar: ")
    child.sendline("xyzzyq")
    child.expect_exact("Fant ingen CPV-kode for «xyzzyq»")
    child.expect_exact("Svar: ")
    child.sendline("rengjøring")
    child.expect_exact("1) 90910000 Rengjøring – annen tjeneste")
    child.expect_exact("Svar: ")
    child.sendline("vet ikke")
    child.expect_exact("Hva skal dere kjøpe?")
    child.expect_exact("Svar: ")
    steps = stop_and_read(child, trace)
    assert steps["cpv"]["answer"] == "vet_ikke"
    assert steps["cpv"]["answer_label"] == "Vet ikke / finner ikke koden"


@posix_only
def test_menus_offer_back_and_vet_ikke_on_teaching_or_software(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = spawn("run", "hvilke-regler", "--dato", "2026-06-01", "--trace", str(trace), term="xterm")
    child.expect("Hva slags oppdragsgiver")
    child.send(ENTER)
    child.expect("Hvilken CPV-kode")
    child.expect("Svar:")
    child.send("kantine" + ENTER)
    child.expect("Velg koden")
    child.expect("← Tilbake")
    child.send(UP + ENTER)  # from the first match up to the last choice: «← Tilbake»
    child.expect("Hva slags oppdragsgiver")
    child.send(ENTER)
    child.expect("Hvilken CPV-kode")
    child.expect("Svar:")
    child.send("leseprogram" + ENTER)
    child.expect("undervisning gitt som en tjeneste, eller programvare")
    child.send(ENTER)  # the cursor starts on «Vet ikke»
    child.expect("Hva skal dere kjøpe")
    steps = stop_and_read(child, trace)
    assert steps["cpv"]["answer"] == "vet_ikke"
