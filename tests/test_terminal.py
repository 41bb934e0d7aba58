"""The installed CLI in a real pseudo-terminal (pexpect), and with no terminal at all."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pexpect
import pytest

from conftest import PATIENCE, SKETCH

CLI = str(Path(sys.executable).with_name("anskaffelse"))
DOWN, UP, ENTER = "\x1b[B", "\x1b[A", "\r"
# pexpect.spawn needs a POSIX pseudo-terminal; the checks of file modes (600) and of exit 141 (SIGPIPE) are
# POSIX too. On Windows these tests are skipped, not failed (tests/test_platforms.py covers the fallbacks).
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal (pexpect.spawn)")


def spawn(*args: str) -> pexpect.spawn:
    # No cursor-position request: prompt_toolkit would wait for an answer pexpect never sends.
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", LINES="40", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(CLI, list(args), env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100))


def decline_to_save(child: pexpect.spawn) -> None:
    """«Lagre rapporten?» at the end of a walk that saved nothing: Enter, the cursor is on «Nei»."""
    child.expect("Lagre rapporten?")
    child.send(ENTER)


def skip_the_case_details(child: pexpect.spawn) -> None:
    """The case details asked before a trace or report is written: Enter skips each."""
    child.expect("Saksopplysninger")
    for label in ("Saksnummer", "Oppdragsgiver:", "adresse", "gjelder", "Leverandør", "Saksbehandler"):
        child.expect(label)
        child.send(ENTER)


def test_a_whole_walk_in_a_pseudo_terminal() -> None:
    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH))
    child.expect("Hva slags tjeneste skal dere kjøpe")
    child.send(ENTER)
    child.expect("Anslått samlet verdi")
    child.send("40 mill" + ENTER)
    child.expect("Forbyr vedtektene utbytte")
    child.send(UP + UP + ENTER)  # the cursor starts on «Vet ikke» (the cautious answer): up to «Ja»
    child.expect("Svarene deres")
    child.expect("Alt besvart")
    child.send(ENTER)
    child.expect("Konkurransen kan reserveres for ideelle organisasjoner")
    shown_with_the_result = child.before or ""
    child.expect("FOA § 30-2a")
    decline_to_save(child)
    child.expect(pexpect.EOF)
    child.close()
    assert "Svarene deres" not in shown_with_the_result  # reviewed a moment ago: not printed again
    assert child.exitstatus == 0


def test_answer_two_go_back_one_change_it_and_finish() -> None:
    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH), "--no-review")
    child.expect("Hva slags tjeneste skal dere kjøpe")
    child.send(ENTER)  # helse- og sosialtjenester
    child.expect("Anslått samlet verdi")
    child.send("9 mill" + ENTER)
    child.expect("Forbyr vedtektene utbytte")
    child.send(DOWN + DOWN + ENTER)  # from «Vet ikke», past «? Forklaring», to «← Tilbake»
    child.expect("Anslått samlet verdi")
    child.send("\x15" + "2 mill" + ENTER)  # the old answer is pre-filled: clear it, type a new one
    child.expect("Under terskelverdien gjelder bare del I")
    decline_to_save(child)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_at_question_2_keeps_the_partial_trace(tmp_path: Path) -> None:
    trace = tmp_path / "delvis.json"
    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH), "--trace", str(trace))
    child.expect("Hva slags tjeneste")
    child.send(ENTER)
    child.expect("Anslått samlet verdi")
    child.expect("Svar:")
    child.sendcontrol("c")
    child.expect("Avbrutt")
    child.expect(rf"Fortsett med: \S*anskaffelse run reserverte-kontrakter --answers {re.escape(str(trace))}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    data = json.loads(trace.read_text())
    assert data["complete"] is False
    assert [(s["key"], s["answer"]) for s in data["steps"]] == [("tjenestetype", "helse_sosial")]


def test_no_terminal_and_missing_answers_fails_fast_with_exit_2() -> None:
    result = subprocess.run(
        [CLI, "run", "ideell-status", "--trees", str(SKETCH)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert result.returncode == 2
    assert "Interaktiv økt krever en terminal — bruk --answers FIL" in result.stderr
    assert "«utbytteforbud»" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "anskaffelse", "--version"], capture_output=True, text=True, timeout=PATIENCE
    )
    assert result.returncode == 0 and result.stdout.startswith("anskaffelse ")


def test_ctrl_c_without_trace_offers_a_private_partial_trace_that_resumes(tmp_path: Path) -> None:
    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH))
    child.expect("Hva slags tjeneste")
    child.send(ENTER)
    child.expect("Anslått samlet verdi")
    child.expect("Svar:")
    child.sendcontrol("c")
    child.expect(r"Svarene så langt er lagret i (\S+\.json)")
    partial = Path(child.match.group(1))
    child.expect(r"Fortsett med: \S*anskaffelse run reserverte-kontrakter --answers")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert oct(partial.stat().st_mode & 0o777) == "0o600"
    result = subprocess.run(
        [
            CLI,
            "run",
            "--trees",
            str(SKETCH),
            "--answers",
            str(partial),
            "--set",
            "kontraktsverdi=1 mill",
            "--non-interactive",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert result.returncode == 0, result.stderr
    assert not partial.exists()  # the walk is done: the temporary file went with it
    data = json.loads(result.stdout)
    assert data["steps"][0]["answer"] == "helse_sosial" and data["outcome"]["node"] == "under_terskel"


def test_the_resume_command_keeps_the_answers_file_its_other_answers_and_its_expectation(tmp_path: Path) -> None:
    svar = tmp_path / "svar.yaml"
    svar.write_text(
        "tree: reserverte-kontrakter\nexpect: kan_reservere\nanswers:\n  tjenestetype: helse_sosial\n"
        "  utbytteforbud: ja\n",
        encoding="utf-8",
    )
    child = spawn("run", "--trees", str(SKETCH), "--answers", str(svar))
    child.expect("Anslått samlet verdi")
    child.expect("Svar:")
    child.send("40 mill")  # typed, not yet given: nothing of it is saved
    child.sendcontrol("c")
    child.expect(r"Fortsett med: (.+)\r?\n")
    command = shlex.split(child.match.group(1).strip())
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    answers = [command[i + 1] for i, arg in enumerate(command) if arg == "--answers"]
    assert answers[0] == str(svar) and len(answers) == 2  # the file first, the saved walk after it
    partial = Path(answers[1])
    assert partial.parent == Path(os.environ["ANSKAFFELSE_STATE_DIR"])  # the state folder, never /tmp
    done = subprocess.run(
        [CLI, *command[1:], "--set", "kontraktsverdi=40 mill", "--non-interactive", "--json"],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"]["node"] == "kan_reservere"  # utbytteforbud came from svar.yaml
    assert "forventer" not in done.stderr  # and its expect: was checked and met
    assert svar.read_text(encoding="utf-8").startswith("tree: reserverte-kontrakter\nexpect:")  # untouched


def test_an_output_that_is_also_the_answers_file_is_refused_without_force(tmp_path: Path) -> None:
    svar = tmp_path / "svar.yaml"
    original = "# notat\ntree: reserverte-kontrakter\nexpect: kan_ikke\nanswers: {tjenestetype: annet}\n"
    svar.write_text(original, encoding="utf-8")
    for outputs in (["--trace", str(svar)], ["--markdown", str(svar)]):
        done = subprocess.run(
            [CLI, "run", "--trees", str(SKETCH), "--answers", str(svar), "--non-interactive", *outputs],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )
        assert done.returncode == 2 and "er også svarfilen som leses" in done.stderr, done.stderr
    same = tmp_path / "x.out"
    done = subprocess.run(
        [
            CLI,
            "run",
            "reserverte-kontrakter",
            "--trees",
            str(SKETCH),
            "--trace",
            str(same),
            "--markdown",
            str(same),
        ],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 2 and "kan ikke være samme fil" in done.stderr and not same.exists()
    assert svar.read_text(encoding="utf-8") == original


def test_the_resume_command_keeps_the_options_and_writes_the_report(tmp_path: Path) -> None:
    notat, spor = tmp_path / "notat med mellomrom.md", tmp_path / "spor.json"
    options = ["--trees", str(SKETCH), "--dato", "2026-06-01", "--markdown", str(notat), "--trace", str(spor)]
    child = spawn("run", "reserverte-kontrakter", *options, "--no-review")
    child.expect("Hva slags tjeneste")
    child.send(ENTER)
    child.expect("Anslått samlet verdi")
    child.expect("Svar:")
    child.sendcontrol("c")
    child.expect(r"Fortsett med: (.+)\r?\n")
    command = shlex.split(child.match.group(1).strip())
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and not notat.exists()
    assert command[1:] == [
        "run",
        "reserverte-kontrakter",
        "--answers",
        str(spor),
        "--trace",
        str(spor),
        "--markdown",
        str(notat),
        "--no-review",
        "--dato",
        "2026-06-01",
        "--trees",
        str(SKETCH),
    ]
    child = spawn(*command[1:])
    child.expect("Anslått samlet verdi")
    child.send("40 mill" + ENTER)
    child.expect("Forbyr vedtektene utbytte")
    child.send(UP + UP + ENTER)  # «Ja»
    skip_the_case_details(child)
    child.expect("Rapporten er lagret i")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Konkurransen kan reserveres for ideelle organisasjoner" in notat.read_text(encoding="utf-8")
    data = json.loads(spor.read_text(encoding="utf-8"))
    assert data["complete"] is True and data["date_of_assessment"] == "2026-06-01"
    assert [s["origin"] for s in data["steps"]] == ["asked", "asked", "asked"]  # one walk, asked throughout


def test_aeoeaa_can_be_typed_and_are_shown() -> None:
    child = spawn(
        "run",
        "hoved",
        "--trees",
        str(Path(__file__).parent / "trees" / "kinds"),
        "--no-review",
        "--set",
        "kjopertype=stat",
        "--set",
        "belop=2 mill",
        "--set",
        "frist=2026-12-01",
    )
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect("Beskriv tjenesten kort")
    child.expect(r"\(Enter på en tom linje avslutter\)")  # the text prompt's instruction, in Norwegian
    child.send("Kafé i Tromsø æøå ÆØÅ" + ENTER + ENTER)  # a free text ends with an empty line
    child.expect("Haster det")
    child.send("nei" + ENTER)
    child.expect("Stort kjøp")
    decline_to_save(child)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    report = screen.getvalue().split("Svarene deres", 1)[1]
    assert "Kafé i Tromsø æøå ÆØÅ" in report
    assert "Finish with" not in screen.getvalue()  # questionary's English default instruction is replaced


def _report_in_a_terminal(**env: str) -> str:
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update(COLUMNS="100", LINES="40", TERM="xterm-256color", **env)
    child = pexpect.spawn(
        CLI,
        ["run", "ideell-status", "--trees", str(SKETCH), "--set", "utbytteforbud=ja", "--non-interactive"],
        env=full,
        encoding="utf-8",
        timeout=PATIENCE,
        dimensions=(40, 100),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return child.before or ""


def test_no_color_is_respected_in_a_real_terminal() -> None:
    coloured = _report_in_a_terminal()
    plain = _report_in_a_terminal(NO_COLOR="1")
    colour_code = re.compile(r"\x1b\[[0-9;]*3[0-7](;[0-9]+)*m|\x1b\[[0-9;]*38;")
    assert colour_code.search(coloured), "the report should be coloured when NO_COLOR is unset"
    assert not colour_code.search(plain)
    assert "Leverandøren er ideell" in plain


@pytest.mark.parametrize("argv", [["show", "veiviser", "--paths"], ["validate"]], ids=["rich", "plain"])
def test_a_reader_that_stops_reading_ends_the_command_quietly_with_141(argv: list[str]) -> None:
    with subprocess.Popen(
        [CLI, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # as `| head -0` does, before the first line is written
        errors = process.stderr.read().decode()
        assert process.wait(timeout=PATIENCE) == 141
    assert errors == ""


def test_ctrl_c_before_any_answer_leaves_no_file_behind(tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("anskaffelse-avbrutt-*.json"))
    child = spawn("run", "reserverte-kontrakter", "--trees", str(SKETCH))
    child.expect("Hva slags tjeneste")
    child.expect("Svar:")
    child.sendcontrol("c")
    child.expect("Ingen svar er gitt ennå, så ingenting er lagret.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Fortsett med" not in (child.before or "")
    assert set(Path(tempfile.gettempdir()).glob("anskaffelse-avbrutt-*.json")) == before


def at_cpv_prompt(trace: Path) -> pexpect.spawn:
    """`run hvilke-regler` at the CPV question, its prompt live."""
    child = spawn("run", "hvilke-regler", "--trace", str(trace), "--dato", "2026-06-01")
    child.expect("Hva slags oppdragsgiver")
    child.send(ENTER)
    child.expect("Hvilken CPV-kode")
    child.expect("Svar:")
    return child


def test_a_buyer_finds_the_cpv_code_by_words_and_the_kind_of_service_is_not_asked(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = at_cpv_prompt(trace)
    child.send("kantine" + ENTER)
    child.expect("Velg koden")
    child.expect("55510000 Kantinevirksomhet")
    child.send(ENTER)
    child.expect("Omfatter kontrakten også en annen")  # «Hva skal dere kjøpe?» is settled by the code
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    data = json.loads(trace.read_text(encoding="utf-8"))
    steps = {s["key"]: s for s in data["steps"]}
    assert steps["cpv"]["answer"] == "55510000" and "særlig tjeneste" in steps["cpv"]["answer_label"]
    assert steps["tjenestetype"]["answer"] == "saerlige" and steps["tjenestetype"]["origin"] == "fact"


def test_a_reading_app_is_asked_whether_it_is_teaching_or_software(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = at_cpv_prompt(trace)
    child.send("leseapp" + ENTER)
    child.expect("undervisning gitt som en tjeneste, eller programvare")
    child.send(UP + ENTER)  # from «Vet ikke» (the cautious start) up to programvare, en lisens eller en IT-tjeneste
    child.expect("Velg koden")
    child.expect("48190000 Undervisningsprogramvare")
    child.send(ENTER)
    child.expect("Omfatter kontrakten også en annen")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    steps = {s["key"]: s for s in json.loads(trace.read_text(encoding="utf-8"))["steps"]}
    assert steps["cpv"]["answer"] == "48190000"
    assert steps["tjenestetype"]["answer"] == "annet"  # software is not vedlegg 3: del II, not del I, at 2 mill
