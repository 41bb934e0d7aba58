"""The typer app through CliRunner: exit code, stdout and stderr checked separately."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from anskaffelse.cli import app
from anskaffelse.errors import ExitCode
from conftest import BUNDLED, KINDS, ROOT, SKETCH, cli

runner = CliRunner()
SKETCH_SHA256 = {
    "ideell-status.yaml": "f16154d14b371d5c844e062ba45e593f20f4e4ca9c7fd14428a254b1bfda9c38",
    "kilder.yaml": "f144764de1b2d6a73ab255f9a7d4bc7cc914dc5bb278fe9a98ad751beb6459bd",
    "reserverte-kontrakter.yaml": "ba5e31870a44a013162801754d699f3a2b08602deb430861193d6454f11c1a96",
    "terskelverdier.yaml": "abe57010f77febc7707884f1e625579ba095fd389cd52910f7d50cc9ae9505b6",
}


def invoke(*args: str | Path) -> tuple[int, str, str]:
    return cli(*args)


def test_the_sketch_fixture_is_the_shared_sketch_unchanged() -> None:
    files = sorted(p.name for p in SKETCH.iterdir())
    assert files == sorted(SKETCH_SHA256)
    for name, digest in SKETCH_SHA256.items():
        assert hashlib.sha256((SKETCH / name).read_bytes()).hexdigest() == digest
    shared = ROOT.parent / "shared" / "examples" / "sketch"
    if shared.is_dir():  # beside the repository in CI and in the workplace
        for name in SKETCH_SHA256:
            assert (shared / name).read_bytes() == (SKETCH / name).read_bytes()


def test_list_shows_id_title_version_valid_from() -> None:
    code, out, err = invoke("list", "--trees", SKETCH)
    assert code == 0 and err == ""
    assert "reserverte-kontrakter" in out and "Kan konkurransen reserveres?" in out
    assert "2026.1" in out and "2026-01-01" in out


def test_validate_clean_catalogue_exits_0() -> None:
    code, out, err = invoke("validate", "--trees", SKETCH)
    assert code == 0, out
    assert "2 trær, 12 noder, 4 kilder, 0 feil" in out
    assert err == ""


def test_validate_reports_every_error_with_position_and_exits_1(tmp_path: Path) -> None:
    for f in KINDS.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    text = (
        (tmp_path / "under.yaml")
        .read_text()
        .replace("next: gjenta", "next: gjenta2")
        .replace("sources: [loa-4]", "sources: []", 1)
    )
    (tmp_path / "under.yaml").write_text(text)
    code, out, _ = invoke("validate", "--trees", tmp_path)
    assert code == 1
    lines = [line.split("/under.yaml:")[1] for line in out.splitlines() if "feil:" in line]
    assert lines == [
        "7:3: feil: «spor» peker til ukjent node «gjenta2»; mente du «gjenta»?",
        "13:3: feil: noden «gjenta» kan ikke nås fra start «spor»",
        "21:3: feil: noden «a» kan ikke nås fra start «spor»",
        "21:3: feil: utfallet «a» mangler kilder (sources)",
    ]
    assert "2 trær, 15 noder, 2 kilder, 4 feil, 0 advarsler" in out


def test_validate_one_file_reports_only_that_file(tmp_path: Path) -> None:
    code, out, _ = invoke("validate", SKETCH / "ideell-status.yaml")
    assert code == 0
    assert out.rstrip().endswith("ideell-status.yaml: 1 tre, 4 noder, 0 kilder, 0 feil, 0 advarsler")


def test_validate_missing_directory() -> None:
    code, out, _ = invoke("validate", "--trees", "/finnes/ikke")
    assert code == 1
    assert "/finnes/ikke: feil: finner ikke mappen med trær" in out


def test_show_draws_questions_choices_and_verdicts() -> None:
    code, out, err = invoke("show", "ideell-status", "--trees", SKETCH)
    assert code == 0 and err == ""
    assert "Forbyr vedtektene utbytte til eiere?" in out
    assert "Vet ikke (vet_ikke)" in out
    assert "Ikke tillatt: Leverandøren er kommersiell" in out


def test_show_unknown_tree_is_a_usage_error() -> None:
    code, out, err = invoke("show", "finnes-ikke", "--trees", SKETCH)
    assert code == 2 and out == ""
    assert "Feil: ukjent tre «finnes-ikke»; katalogen har: ideell-status, reserverte-kontrakter" in err


def test_run_with_answers_file_prints_the_outcome(tmp_path: Path) -> None:
    answers = tmp_path / "svar.yaml"
    answers.write_text(
        "tree: reserverte-kontrakter\nanswers:\n"
        "  tjenestetype: helse_sosial\n  kontraktsverdi: 40 mill\n  utbytteforbud: ja\n"
    )
    code, out, err = invoke("run", "--trees", SKETCH, "--answers", answers, "--non-interactive")
    assert code == 0, err
    assert "Konkurransen kan reserveres for ideelle organisasjoner" in out
    assert "FOA § 30-2a" in out and "https://lovdata.no/forskrift/2016-08-12-974/§30-2a" in out
    assert "40 000 000 kr" in out and "oppgitt på forhånd" in out
    assert "ikke juridisk rådgivning" in out
    assert err == ""


def test_run_json_trace_has_the_stable_keys(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    md = tmp_path / "r.md"
    code, out, err = invoke(
        "run",
        "reserverte-kontrakter",
        "--trees",
        SKETCH,
        "--set",
        "tjenestetype=annet",
        "--non-interactive",
        "--json",
        "--trace",
        trace,
        "--markdown",
        md,
        "--dato",
        "2025-01-01",
    )
    assert code == 0, err
    data = json.loads(out)
    assert list(data)[:11] == [
        "schema",
        "content_sha256",
        "tool_version",
        "created",
        "date_of_assessment",
        "tree",
        "catalogue_files",
        "steps",
        "outcome",
        "thresholds",
        "path",
    ]
    assert data["schema"] == "anskaffelse.trace/3" and data["complete"] is True
    assert list(data)[-1] == "alternatives"  # what would have changed the result, after the walk itself
    assert data["date_of_assessment"] == "2025-01-01"
    assert data["outcome"]["node"] == "integrering" and data["outcome"]["verdict"] == "vurder"
    assert data["steps"][0]["answer"] == "annet" and data["steps"][0]["origin"] == "file"
    assert len(data["tree"]["sha256"]) == 64
    assert json.loads(trace.read_text()) == data
    assert md.read_text().startswith("# Vurdering: Kan konkurransen reserveres?")


def test_missing_answer_non_interactive_names_question_values_and_line() -> None:
    code, out, err = invoke("run", "ideell-status", "--trees", SKETCH, "--non-interactive")
    assert code == 2 and out == ""
    assert "mangler svar på «utbytteforbud»" in err
    assert "gyldige svar: ja, nei, vet_ikke" in err
    assert "ideell-status.yaml:7:3" in err


def test_invalid_answer_names_the_question_and_allowed_values() -> None:
    code, out, err = invoke(
        "run", "ideell-status", "--trees", SKETCH, "--set", "utbytteforbud=kanskje", "--non-interactive"
    )
    assert code == 2 and out == ""
    assert "ugyldig svar på «utbytteforbud»: «kanskje» er ikke et av valgene; gyldige svar: ja, nei, vet_ikke" in err
    assert "ideell-status.yaml:7:3" in err


def test_answers_for_another_tree_are_refused(tmp_path: Path) -> None:
    answers = tmp_path / "svar.yaml"
    answers.write_text("tree: ideell-status\nanswers: {utbytteforbud: ja}\n")
    code, _, err = invoke("run", "reserverte-kontrakter", "--trees", SKETCH, "--answers", answers)
    assert code == 2
    assert "gjelder treet «ideell-status», ikke «reserverte-kontrakter»" in err


def test_a_saved_trace_is_a_reusable_answer_set(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    code, _, _ = invoke(
        "run",
        "reserverte-kontrakter",
        "--trees",
        SKETCH,
        "--set",
        "tjenestetype=helse_sosial",
        "--set",
        "kontraktsverdi=9 mill",
        "--set",
        "utbytteforbud=nei",
        "--non-interactive",
        "--trace",
        trace,
    )
    assert code == 0
    code, out, err = invoke("run", "--trees", SKETCH, "--answers", trace, "--non-interactive", "--json")
    assert code == 0, err
    assert json.loads(out)["outcome"]["node"] == "kan_ikke"


def test_export_turns_a_trace_into_markdown(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    invoke(
        "run", "ideell-status", "--trees", SKETCH, "--set", "utbytteforbud=ja", "--non-interactive", "--trace", trace
    )
    code, out, err = invoke("export", trace)
    assert code == 0 and err == ""
    assert "## Konklusjon" in out and "[^foa-30-2a]: FOA § 30-2a" in out


def test_export_refuses_a_file_that_is_not_a_trace(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"schema": "annet"}')
    code, _, err = invoke("export", bad)
    assert code == 1 and "ikke en trace fra anskaffelse" in err
    bad.write_text('{"schema": "anskaffelse.trace/1", "steps": [')
    code, _, err = invoke("export", bad)
    assert code == 1 and "ugyldig JSON" in err and "avkuttet" in err


def test_markdown_is_not_written_over_an_existing_file_without_force(tmp_path: Path) -> None:
    md = tmp_path / "notat.md"
    md.write_text("advokatens notat")
    args = [
        "run",
        "ideell-status",
        "--trees",
        SKETCH,
        "--set",
        "utbytteforbud=ja",
        "--non-interactive",
        "--markdown",
        md,
    ]
    code, _, err = invoke(*args)
    assert code == 2 and "finnes allerede; bruk --force" in err
    assert md.read_text() == "advokatens notat"
    code, _, _ = invoke(*args, "--force")
    assert code == 0 and md.read_text().startswith("# Vurdering")


def test_bad_date_option() -> None:
    code, _, err = invoke("terskler", "--trees", SKETCH, "--dato", "i går")
    assert code == 2 and "--dato: «i går» er ikke en dato" in err


def test_terskler_lists_the_value_in_force() -> None:
    code, out, _ = invoke("terskler", "--trees", SKETCH, "--dato", "2024-01-01")
    assert code == 0
    assert "7 200 000 kr" in out and "2020-02-12" in out
    code, out, _ = invoke("terskler", "--trees", SKETCH, "--dato", "2029-01-01")
    assert "7 800 000 kr" in out
    assert "sist sjekket 2026-11-27, mer enn 2 år" in " ".join(out.split())


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("anskaffelse ")


@pytest.mark.parametrize("command", ["list", "run", "validate", "show", "export", "terskler"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "Eksempel:" in out and f"anskaffelse {command}" in out


ENGLISH = (
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Show this",
    "completion for",
    "[OPTIONS]",
    "COMMAND",
    "<path>",
    "<str>",
    "Try ",
    "Error",
    "Missing",
    "No such",
    "Invalid",
    "Got unexpected",
    "requires",
    "default:",
)


@pytest.mark.parametrize("command", ["", "list", "run", "validate", "show", "export", "replay", "terskler"])
def test_help_is_all_norwegian(command: str) -> None:
    code, out, _ = invoke(*([command] if command else []), "--help")
    assert code == 0
    assert out.startswith(f"Bruk: anskaffelse {command}".rstrip() + " [VALG]")
    assert "Valg:" in out and "Vis denne hjelpen og avslutt." in out
    assert not [word for word in ENGLISH if word in out], out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["lst"], "ukjent kommando «lst»; mente du «list»?"),
        (["run", "--foo"], "ukjent valg --foo; mente du --force?"),
        (["run", "--answers"], "valget --answers trenger en verdi"),
        (["run", "--no-review=ja"], "valget --no-review tar ingen verdi"),
        (["run", "veiviser", "ekstra"], "uventet ekstra argument: ekstra"),
        (["show"], "mangler argumentet TRE"),
        (["export"], "mangler argumentet TRACE.json"),
    ],
    ids=["command", "option", "no-value", "value-not-taken", "extra", "argument", "trace"],
)
def test_usage_errors_are_norwegian_with_exit_2(argv: list[str], said: str) -> None:
    code, out, err = invoke(*argv)
    assert code == ExitCode.USAGE and out == ""
    assert err.rstrip().splitlines()[-1] == f"Feil: {said}"
    assert not [word for word in ENGLISH if word in err], err


def test_a_case_file_is_an_answers_file_and_its_expectation_is_checked(tmp_path: Path) -> None:
    case = ROOT / "trees" / "cases" / "02-kaffe-arbeidsintegrering-35-prosent.yaml"
    code, out, err = invoke("run", "--answers", case, "--non-interactive", "--no-review")
    assert code == 0 and err == ""
    assert "Dere kan reservere konkurransen for arbeidsintegrerende virksomheter" in " ".join(out.split())
    code, _, err = invoke("run", "--answers", case, "--non-interactive", "--set", "res_int_andel=under_30")
    assert code == 0
    assert "svarfilen forventer utfallet «reservert-integrering», men gjennomgangen endte i «kan-ikke-reservere»" in err


def test_the_report_stays_within_60_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    case = ROOT / "trees" / "cases" / "01-sykehjem-reservert-ideelle.yaml"
    code, out, _ = invoke("run", "--answers", case, "--non-interactive")
    assert code == 0
    urls = [line for line in out.splitlines() if line.startswith("  https://")]
    # Every line fits, but an address: it stays whole on a line of its own, for the terminal to wrap.
    assert max(len(line) for line in out.splitlines() if line not in urls) <= 60
    assert all(len(line.split()) == 1 for line in urls)
    assert (
        "  https://www.domstol.no/no/hoyesterett/avgjorelser/avgjorelser-2025/hoyesterett---sivil/HR-2025-2425-A"
        in urls
    )
    assert "Svarene deres" in out and "→ 40 000 000 kr" in out  # the narrow list view, not the table
    assert "┏" not in out.split("╭")[0]


def test_an_unexpected_exception_is_an_internal_error_with_exit_70(monkeypatch: pytest.MonkeyPatch) -> None:
    import anskaffelse.catalog

    def broken(_: object) -> None:
        raise RuntimeError("simulert feil")

    monkeypatch.setattr(anskaffelse.catalog, "open_catalogue", broken)
    monkeypatch.delenv("ANSKAFFELSE_DEBUG", raising=False)
    code, out, err = invoke("list", "--trees", SKETCH)
    assert code == 70 and out == ""
    assert "Intern feil i anskaffelse" in err and "--debug" in err
    assert "Traceback" not in err and "simulert feil" not in err
    with pytest.raises(RuntimeError, match="simulert feil"):
        invoke("--debug", "list", "--trees", SKETCH)


def test_the_report_carries_the_threshold_caveats_into_the_protocol(tmp_path: Path) -> None:
    case = ROOT / "trees" / "cases" / "02-kaffe-arbeidsintegrering-35-prosent.yaml"  # dated 2026-04-01
    md = tmp_path / "notat.md"
    code, _, err = invoke("run", "--answers", case, "--non-interactive", "--markdown", md)
    assert code == 0 and f"Rapporten er lagret i {md}" in " ".join(err.split())
    protocol = md.read_text(encoding="utf-8").split("## Til anskaffelsesprotokollen")[1]
    assert "### Forbehold om terskelverdier" in protocol
    # Every amount the walk used is confirmed only until 2025-12-31: said once, not per threshold.
    caveat = "Ingen av beløpene er bekreftet for 2026-04-01: kildene bekrefter dem til og med 2025-12-31"
    assert protocol.count(caveat) == 1 and "sjekk gjeldende verdi på anskaffelser.no" in protocol
    assert "er bekreftet som gjeldende til og med" not in protocol


@pytest.mark.parametrize("width", ["100", "60"])
def test_terskler_says_once_that_no_value_is_confirmed_and_cuts_nothing_off(
    width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    code, out, _ = invoke("terskler", "--dato", "2026-11-27")
    assert code == 0
    flat = " ".join(out.split())
    assert flat.count("Ingen av beløpene er bekreftet for 2026-11-27") == 1
    assert "kildene bekrefter dem til og med 2025-12-31" in flat
    assert "er bekreftet som gjeldende til og med" not in flat  # not once more for each threshold
    assert "…" not in out and all(len(line) <= int(width) for line in out.splitlines())
    for threshold_id in ("nedre-grense", "nasjonal", "eos-statlig", "eos-annen", "eos-bygg", "eos-helse-sosial"):
        assert threshold_id in flat
    assert ("1 300 000 kr fra 2018-04-06" in flat) == (width == "60")  # the list view on a narrow screen


def test_validate_of_one_file_counts_that_file() -> None:
    from anskaffelse.catalog import open_catalogue

    nodes = len(open_catalogue(BUNDLED).trees["ideell-status"].nodes)
    code, out, _ = invoke("validate", BUNDLED / "ideell-status.yaml", BUNDLED / "kilder.yaml")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].endswith(f"ideell-status.yaml: 1 tre, {nodes} noder, 0 kilder, 0 feil, 0 advarsler")
    sources = len(open_catalogue(BUNDLED).sources)
    assert lines[1].endswith(f"kilder.yaml: 0 trær, 0 noder, {sources} kilder, 0 feil, 0 advarsler")


def test_show_names_a_node_drawn_earlier_as_it_was_drawn() -> None:
    code, out, _ = invoke("show", "veiviser", "--trees", BUNDLED)
    flat = " ".join(out.replace("│", " ").split())
    assert code == 0
    assert "↪ som over: kaller treet «direkte-anskaffelse»" in flat  # «vet ikke» leads where «direkte» did
    assert "vv_alt_direkte" not in out  # an id the drawing never shows


@pytest.mark.parametrize("command", ["", "list", "run", "validate", "show", "export", "replay", "verify", "terskler"])
def test_help_fits_60_columns_and_cuts_nothing(command: str) -> None:
    result = runner.invoke(app, [*([command] if command else []), "--help"], terminal_width=60)
    code, out = result.exit_code, result.stdout
    assert code == 0
    assert [line for line in out.splitlines() if len(line) > 60] == []
    repeatable = ("[ARGUMENTER]...", "[STI]...", "TRACE.json|MAPPE...")
    for marker in repeatable:
        out = out.replace(marker, "")
    assert "..." not in out  # repeatable, not cut off


def test_answers_asked_before_a_ctrl_c_stay_asked_but_a_finished_trace_is_a_file(tmp_path: Path) -> None:
    from anskaffelse.answers import load_answers

    finished = tmp_path / "ferdig.json"
    args = ["run", "reserverte-kontrakter", "--trees", SKETCH, "--set", "tjenestetype=helse_sosial"]
    args += ["--set", "kontraktsverdi=40000000", "--set", "utbytteforbud=ja", "--non-interactive", "--trace", finished]
    assert invoke(*args)[0] == 0
    assert load_answers(finished).origins == {}
    partial = tmp_path / "avbrutt.json"
    data = json.loads(finished.read_text(encoding="utf-8"))
    data["complete"] = False
    data["steps"][0]["origin"] = "asked"
    partial.write_text(json.dumps(data), encoding="utf-8")
    assert load_answers(partial).origins == {data["steps"][0]["key"]: "asked"}
    code, out, _ = invoke("run", "--trees", SKETCH, "--answers", partial, "--non-interactive", "--json")
    assert code == 0
    assert [s["origin"] for s in json.loads(out)["steps"]] == ["asked", "file", "file"]


def test_replay_of_an_interrupted_trace_says_so_instead_of_reporting_changes(tmp_path: Path) -> None:
    trace = tmp_path / "avbrutt.json"
    args = ["run", "reserverte-kontrakter", "--trees", SKETCH, "--set", "tjenestetype=helse_sosial"]
    assert invoke(*args, "--set", "kontraktsverdi=9 mill", "--set", "utbytteforbud=ja", "--trace", trace)[0] == 0
    data = json.loads(trace.read_text(encoding="utf-8"))
    data["complete"], data["outcome"], data["steps"] = False, None, data["steps"][:1]
    trace.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = invoke("replay", trace, "--trees", SKETCH)
    assert code == ExitCode.USAGE and out == ""
    flat = " ".join(err.split())
    assert "tracen er ufullstendig (gjennomgangen ble avbrutt)" in flat
    assert f"run reserverte-kontrakter --answers {trace}" in flat and "endret" not in flat


def test_a_preset_answer_no_question_has_is_named_with_a_guess() -> None:
    code, _, err = invoke(
        "run", "reserverte-kontrakter", "--trees", SKETCH, "--set", "kontraktverdi=9 mill", "--non-interactive"
    )
    assert code == ExitCode.USAGE  # the walk still needs its answers
    assert (
        "⚠ svaret «kontraktverdi» (--set) hører ikke til noe spørsmål og blir ikke brukt; mente du «kontraktsverdi»?"
        in err
    )


def test_list_on_a_narrow_screen_puts_each_title_under_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(0, 0): os.terminal_size((60, 24)))
    code, out, _ = invoke("list")
    assert code == 0
    assert all(len(line) <= 60 for line in out.splitlines())
    assert "reserverte-kontrakter · versjon " in out and "\n    Kan konkurransen reserveres?\n" in out
