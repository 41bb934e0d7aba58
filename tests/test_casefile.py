"""Whose case this is (issue 14, 1): the case details from an answers file, from --case and asked at the end of
an interactive walk; the description kept; the CPV code; the trace's `sak` and its schema; reasons as free text."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pexpect
import pytest

from anskaffelse.answers import load_answers
from anskaffelse.export import to_markdown
from anskaffelse.trace import SCHEMA_VERSIONS, TRACE_SCHEMA, parse_trace, read_trace, schema_document
from conftest import BUNDLED, HERE, PATIENCE, cli

RECORD = HERE / "trees" / "record"
CLI = str(Path(sys.executable).with_name("anskaffelse"))
ENTER, DOWN, UP = "\r", "\x1b[B", "\x1b[A"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal (pexpect.spawn)")
WALK = [
    "--set",
    "formaal=reservere",
    "--set",
    "tjenestetype=helse_sosial",
    "--set",
    "kontraktsverdi=9 mill",
    "--set",
    "utbytteforbud=ja",
    "--set",
    "maal_30_2a=ja",
]
SAK = """sak:
  saksnummer: 2026/123
  oppdragsgiver: Eksempel kommune
  adresse: Rådhusgata 1, 9999 Eksempelby
  gjelder: Drift av 40 sykehjemsplasser
  leverandor:
  saksbehandler: Kari Nordmann
"""


def run_json(*args: str | Path) -> dict[str, Any]:
    code, out, err = cli("run", "reserverte-kontrakter", "--trees", RECORD, *args, "--non-interactive", "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_the_answers_file_carries_the_case_and_its_description_into_the_trace(tmp_path: Path) -> None:
    svar = tmp_path / "svar.yaml"
    svar.write_text(
        f'description: "kommune, 40 sykehjemsplasser, vil reservere for ideelle"\n{SAK}answers:\n'
        "  begrunnelse_ideelle: Fordi.\n",
        encoding="utf-8",
    )
    data = run_json("--answers", svar, *WALK)
    assert data["schema"] == TRACE_SCHEMA == "anskaffelse.trace/3"
    assert data["sak"] == {
        "saksnummer": "2026/123",
        "oppdragsgiver": "Eksempel kommune",
        "adresse": "Rådhusgata 1, 9999 Eksempelby",
        "gjelder": "Drift av 40 sykehjemsplasser",
        "saksbehandler": "Kari Nordmann",  # leverandor was left empty: not given
        "beskrivelse": "kommune, 40 sykehjemsplasser, vil reservere for ideelle",
    }
    assert list(data)[:6] == ["schema", "content_sha256", "tool_version", "created", "date_of_assessment", "sak"]
    jsonschema.validate(data, schema_document())
    assert parse_trace(json.dumps(data).encode("utf-8"), "t.json") == data


def test_case_on_the_command_line_overrides_the_file_and_is_repeatable(tmp_path: Path) -> None:
    svar = tmp_path / "svar.yaml"
    svar.write_text(f"{SAK}answers:\n  begrunnelse_ideelle: Fordi.\n", encoding="utf-8")
    data = run_json("--answers", svar, *WALK, "--case", "saksnummer=2026/999", "--case", "leverandor=Ideell AS")
    assert data["sak"]["saksnummer"] == "2026/999" and data["sak"]["leverandor"] == "Ideell AS"
    assert data["sak"]["oppdragsgiver"] == "Eksempel kommune"


@pytest.mark.parametrize(
    ("argument", "said"),
    [
        ("saksnr=1", "ukjent saksopplysning «saksnr»; mente du «saksnummer»?"),
        ("saksnummer", "--case forventer NØKKEL=VERDI"),
        ("gjelder=" + "x" * 501, "teksten er for lang (501 tegn; høyst 500)"),
    ],
)
def test_a_bad_case_option_is_a_usage_error_before_any_question(argument: str, said: str) -> None:
    code, out, err = cli("run", "reserverte-kontrakter", "--trees", RECORD, "--case", argument)
    assert code == 2 and said in " ".join(err.split()) and out == ""


def test_a_bad_sak_in_an_answers_file_names_the_line(tmp_path: Path) -> None:
    svar = tmp_path / "svar.yaml"
    svar.write_text("answers: {}\nsak:\n  saksnummer: 1\n  saksbehandlar: Ola\n", encoding="utf-8")
    code, _, err = cli("run", "reserverte-kontrakter", "--trees", RECORD, "--answers", svar, "--non-interactive")
    assert code == 2
    assert f"{svar.name}:4:3: ukjent saksopplysning «saksbehandlar»; mente du «saksbehandler»?" in err
    svar.write_text("answers: {}\nsak: 2026/1\n", encoding="utf-8")
    code, _, err = cli("run", "reserverte-kontrakter", "--trees", RECORD, "--answers", svar, "--non-interactive")
    assert code == 2 and "«sak» må være en tabell" in err


def test_the_cpv_code_goes_into_the_case_when_it_is_answered() -> None:
    path = BUNDLED / "cases" / "64-skolelunsj-tolv-skoler-del-2.yaml"
    code, out, err = cli("run", "--answers", path, "--non-interactive", "--json")
    assert code == 0, err
    case = json.loads(out)["sak"]
    assert case["cpv"]["code"] == "55524000" and case["cpv"]["label"].startswith("55524000")
    assert case["beskrivelse"] == load_answers(path).description  # the case file's description, kept


def test_a_saved_trace_used_as_answers_keeps_its_case(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    code, _, err = cli(
        "run", "reserverte-kontrakter", "--trees", RECORD, *WALK, "--set", "begrunnelse_ideelle=Fordi.",
        "--case", "saksnummer=7", "--non-interactive", "--trace", trace,
    )  # fmt: skip
    assert code == 0, err
    again = run_json("--answers", trace)
    assert again["sak"] == {"saksnummer": "7"}


def test_older_trace_versions_stay_readable() -> None:
    assert set(SCHEMA_VERSIONS) == {"anskaffelse.trace/1", "anskaffelse.trace/2", "anskaffelse.trace/3"}
    for version in SCHEMA_VERSIONS:
        jsonschema.Draft202012Validator.check_schema(schema_document(version))
    v2 = schema_document("anskaffelse.trace/2")
    assert "sak" not in v2["properties"]  # a published version is never changed


def test_a_reason_keeps_its_lines_in_the_trace_and_the_protocol() -> None:
    reason = "Linje én om sosiale mål.\n- fellesskapets beste\n\nBudsjett: se vedlegg 2."
    data = run_json(*WALK, "--set", f"begrunnelse_ideelle={reason}")
    step = next(s for s in data["steps"] if s["key"] == "begrunnelse_ideelle")
    assert step["answer"] == reason and step["input"] == "text"
    protocol = to_markdown(data).split("## Til anskaffelsesprotokollen", 1)[1]
    block = protocol.split("### Oppdragsgiverens begrunnelser", 1)[1].split("###", 1)[0]
    assert "Linje én om sosiale mål.\\\n\\- fellesskapets beste\\\nBudsjett: se vedlegg 2." in block
    assert (
        "- n) Begrunnelsen for å reservere konkurransen ved kjøp av helse- og sosialtjenester for ideelle " in protocol
    )
    assert "organisasjoner: se begrunnelsene under." in protocol


# --- in a terminal --------------------------------------------------------------------------------------------


def spawn(*args: str | Path, cwd: Path | None = None, term: str = "xterm") -> Any:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", LINES="40", TERM=term, PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(
        CLI, [str(a) for a in args], env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100), cwd=cwd
    )


def answer_the_walk(child: Any, reason: str = "Fordi det gir kontinuitet." + ENTER + ENTER) -> None:
    child.expect("Hva vil dere finne ut")
    child.send(ENTER)  # the default: reservere
    child.expect("Hva slags tjeneste")
    child.send(UP + UP + ENTER)  # from «Vet ikke» up to «Helse- og sosialtjenester»
    child.expect("Anslått samlet verdi")
    child.send("9 mill" + ENTER)
    child.expect("Forbyr vedtektene")
    child.send(UP + UP + ENTER)
    child.expect("Bidrar reservasjonen")
    child.send(UP + UP + ENTER)
    child.expect("Hvorfor bidrar reservasjonen")
    child.expect("Svar:")
    child.send(reason)


@posix_only
def test_with_trace_the_case_details_are_asked_once_each_skippable(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = spawn("run", "reserverte-kontrakter", "--trees", RECORD, "--trace", trace, "--no-review",
                  "--case", "saksbehandler=Kari")  # fmt: skip
    answer_the_walk(child)
    child.expect("Saksopplysninger")
    for label, typed in [("Saksnummer", "2026/5"), ("Oppdragsgiver:", ""), ("adresse", ""), ("gjelder", "Drift"),
                         ("Leverandør", "")]:  # fmt: skip
        child.expect(label)
        child.send(typed + ENTER)
    child.expect(pexpect.EOF)  # saksbehandler was given: not asked; and no offer to save, the trace is saved
    child.close()
    assert child.exitstatus == 0
    assert "Saksbehandler:" not in (child.before or "") and "Lagre rapporten" not in (child.before or "")
    data = read_trace(trace)
    assert data["sak"] == {"saksnummer": "2026/5", "gjelder": "Drift", "saksbehandler": "Kari"}
    reason = next(s for s in data["steps"] if s["key"] == "begrunnelse_ideelle")
    assert reason["answer"] == "Fordi det gir kontinuitet."


@posix_only
def test_pasting_several_lines_at_a_text_prompt_keeps_them(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    child = spawn("run", "reserverte-kontrakter", "--trees", RECORD, "--trace", trace, "--no-review",
                  *[x for k in ("saksnummer", "oppdragsgiver", "adresse", "gjelder", "leverandor", "saksbehandler")
                    for x in ("--case", f"{k}=x")])  # fmt: skip
    pasted = "\x1b[200~Sosiale mål: arbeid.\nFellesskapet: nærmiljøet.\n\nBudsjett: lavere kostnad.\x1b[201~"
    line_by_line = "\rEn linje til, limt inn uten klammer.\r"  # a terminal without bracketed paste: Enter per line
    answer_the_walk(child, pasted + line_by_line + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    reason = next(s for s in read_trace(trace)["steps"] if s["key"] == "begrunnelse_ideelle")
    lines = ["Sosiale mål: arbeid.", "Fellesskapet: nærmiljøet.", "", "Budsjett: lavere kostnad."]
    assert reason["answer"] == "\n".join([*lines, "En linje til, limt inn uten klammer."])


@posix_only
@pytest.mark.parametrize("plain", [False, True], ids=["menus", "plain"])
def test_a_walk_without_outputs_offers_to_save_the_report_and_asks_the_case_then(tmp_path: Path, plain: bool) -> None:
    args = ["run", "reserverte-kontrakter", "--trees", RECORD, "--no-review", *(["--plain"] if plain else [])]
    child = spawn(*args, cwd=tmp_path)
    if plain:
        for typed in ["", "1", "9 mill", "1", "1"]:  # Enter: the default (reservere); then Ja at each choice
            child.expect("Svar: ")
            child.send(typed + ENTER)
        child.expect("Svar: ")
        child.send("Fordi." + ENTER + ENTER)  # a free text ends with an empty line
        child.expect(r"Lagre rapporten\? \(ja eller nei; Enter = nei\)")
        child.send("ja" + ENTER)
        child.expect(r"Filnavn \(.md eller .docx; Enter = vurdering-")
        child.send(ENTER)
    else:
        answer_the_walk(child)
        child.expect("Lagre rapporten?")
        child.send(DOWN + ENTER)  # «Ja, lagre rapporten»
        child.expect("Filnavn")
        child.send(ENTER)  # the suggested name
    child.expect("Saksnummer")
    child.send("2026/8" + ENTER)
    for _ in range(5):
        child.expect(":")
        child.send(ENTER)
    child.expect(r"Rapporten er lagret i (vurdering-\S+\.md), og tracen i (vurdering-\S+\.json)")
    report, trace = tmp_path / child.match.group(1), tmp_path / child.match.group(2)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = report.read_text(encoding="utf-8")
    assert "## Saken\n\n- Saksnummer: 2026/8" in text and "### Oppdragsgiverens begrunnelser\n\n" in text
    assert read_trace(trace)["sak"]["saksnummer"] == "2026/8"
    assert oct(trace.stat().st_mode & 0o777) == "0o600"


@posix_only
def test_declining_the_offer_saves_nothing(tmp_path: Path) -> None:
    child = spawn("run", "reserverte-kontrakter", "--trees", RECORD, "--no-review", cwd=tmp_path)
    answer_the_walk(child)
    child.expect("Lagre rapporten?")
    child.send(ENTER)  # the cursor starts on «Nei»
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and list(tmp_path.iterdir()) == []
    assert "Saksnummer" not in (child.before or "")


def test_never_offered_when_stdin_is_not_a_terminal(tmp_path: Path) -> None:
    done = subprocess.run(
        [CLI, "run", "reserverte-kontrakter", "--trees", str(RECORD), *WALK, "--set", "begrunnelse_ideelle=Fordi."],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Lagre rapporten" not in done.stdout + done.stderr and list(tmp_path.iterdir()) == []


@posix_only
def test_ctrl_c_at_the_offer_keeps_the_finished_walk_and_says_how_to_make_the_report(tmp_path: Path) -> None:
    child = spawn("run", "reserverte-kontrakter", "--trees", RECORD, "--no-review", cwd=tmp_path)
    answer_the_walk(child)
    child.expect("Lagre rapporten?")
    child.sendcontrol("c")
    child.expect(r"Avbrutt – gjennomgangen er lagret i (\S+\.json)")
    saved = Path(child.match.group(1))
    child.expect(r"Lag rapporten med: \S*anskaffelse export \S+\.json -o vurdering-\S+\.md")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert saved.parent == Path(os.environ["ANSKAFFELSE_STATE_DIR"]) and list(tmp_path.iterdir()) == []
    data = read_trace(saved)
    assert data["complete"] is True and data["outcome"] is not None and data["outcome"]["node"] == "kan_reservere"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"


def test_plain_mode_reads_a_free_text_until_an_empty_line() -> None:
    from anskaffelse.answers import Answers
    from anskaffelse.catalog import open_catalogue
    from anskaffelse.engine import Engine
    from anskaffelse.plainprompts import PlainAsker
    from anskaffelse.session import walk

    typed = iter(["", "1", "9 mill", "1", "1", "Første linje.", "- andre linje", "tredje", ""])
    said: list[str] = []
    asker = PlainAsker(read=lambda _prompt: next(typed), write=said.append)
    engine = Engine(open_catalogue(RECORD), dt.date(2026, 6, 1))
    state = walk(engine, "reserverte-kontrakter", Answers(), asker)
    assert state.facts["begrunnelse_ideelle"] == "Første linje.\n- andre linje\ntredje"
    assert "en tom linje (Enter to ganger) avslutter" in "\n".join(said)  # the hint says how a text ends
