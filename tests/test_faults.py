"""The second round of hostile testing (issue 15): nothing lost, nothing injected, no surprise exit codes.

Every case runs the installed console script in a subprocess, bounded in memory and CPU time by the
corpus launcher of test_hostile (a run that would hang is killed by SIGXCPU and fails its test).
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pexpect
import pytest

from anskaffelse.export import to_markdown
from anskaffelse.phrases import visible
from conftest import PATIENCE, SKETCH, cli
from test_hostile import CLI, ENV, EXIT_TREE, EXIT_USAGE, Result, copy_catalogue, run_cli, sketch_trace

OUTCOME = "  slutt:\n    outcome:\n      verdict: vurder\n      title: T\n      text: T\n      sources: [loa-4]\n"


def catalogue(where: Path, trees: dict[str, str]) -> Path:
    """A catalogue at where/c: the sketch's sources and thresholds, and these trees (id → nodes)."""
    root = where / "c"
    root.mkdir()
    for name in ("kilder.yaml", "terskelverdier.yaml"):
        shutil.copy(SKETCH / name, root / name)
    for tree_id, nodes in trees.items():
        head = f'id: {tree_id}\ntitle: Tre {tree_id}\nversion: "1"\nvalid_from: 2026-01-01\nstart: a\nnodes:\n'
        (root / f"{tree_id}.yaml").write_text(head + nodes + OUTCOME, encoding="utf-8")
    return root


def clean(result: Result) -> Result:
    text = result.out + result.err
    assert "Traceback" not in text and "Intern feil" not in text and "RecursionError" not in text, result.err
    return result


# --- deep call chains (item 15) -------------------------------------------------------------


def call_chain(where: Path, length: int) -> None:
    last = "  a:\n    question: Siste?\n    help: h\n    input: yesno\n    next: slutt\n"
    trees = {f"t{i}": f"  a:\n    call: t{i + 1}\n    returns: {{slutt: slutt}}\n" for i in range(length - 1)}
    catalogue(where, {**trees, f"t{length - 1}": last})


CHAIN_COMMANDS = [
    ["validate", "--trees", "c"],
    ["list", "--trees", "c"],
    ["show", "t0", "--trees", "c"],
    ["show", "t0", "--paths", "--trees", "c"],
    ["run", "t0", "--trees", "c", "--set", "siste=ja"],
]


@pytest.mark.parametrize("argv", CHAIN_COMMANDS, ids=lambda a: " ".join(a[:2]).strip())
def test_two_thousand_trees_calling_each_other_give_a_finding_not_a_recursion_error(
    tmp_path: Path, argv: list[str]
) -> None:
    call_chain(tmp_path, 2000)
    result = clean(run_cli(argv, tmp_path))
    assert result.code == EXIT_TREE, result.err
    shown = result.out + result.err
    assert "c/t0.yaml:5:8: " in shown
    assert re.search(r"den lengste veien fra start i «t0» går gjennom \d+ noder; grensen er 200", shown)


# --- long names (item 8) --------------------------------------------------------------------

LONG = "a" * 300
ONE = ("--set", "utbytteforbud=ja")
LONG_NAMES = [
    ("markdown", ["run", "ideell-status", "--trees", str(SKETCH), *ONE, "--markdown", f"{LONG}.md"]),
    ("trace", ["run", "ideell-status", "--trees", str(SKETCH), *ONE, "--trace", f"ut/{LONG}.json"]),
    ("trees", ["list", "--trees", LONG]),
    ("trees-of-run", ["run", "--trees", LONG]),
    ("validate", ["validate", f"{LONG}.yaml"]),
    ("answers", ["run", "--trees", str(SKETCH), "--answers", f"{LONG}.yaml"]),
    ("export", ["export", f"{LONG}.json"]),
    ("export-output", ["export", f"{LONG}.json", "-o", f"{LONG}.md"]),
    ("show-output", ["show", "ideell-status", "--trees", str(SKETCH), "-o", f"{LONG}.md"]),
    ("test", ["test", f"{LONG}.yaml"]),
]


@pytest.mark.parametrize("argv", [a for _, a in LONG_NAMES], ids=[n for n, _ in LONG_NAMES])
def test_a_name_over_255_bytes_is_exit_2_with_a_sentence(tmp_path: Path, argv: list[str]) -> None:
    result = clean(run_cli(argv, tmp_path))
    assert result.code == EXIT_USAGE, result.err
    assert "navnet er for langt (et navn i stien har 30" in result.err and "byte; høyst 255)" in result.err
    assert result.out == ""


# --- closed stdin, broken stdout (items 13 and 14) --------------------------------------------

RUN_ONE = ["run", "ideell-status", "--trees", str(SKETCH), "--no-review"]


def run_with(argv: list[str], cwd: Path, redirect: str, **streams: Any) -> Result:
    """The CLI started by a shell with one stream redirected as a person would (`<&-`, `>&-`)."""
    done = subprocess.run(
        ["sh", "-c", f'exec "$@" {redirect}', "sh", CLI, *argv],
        cwd=cwd,
        env=ENV,
        timeout=PATIENCE,
        **({"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "stdin": subprocess.DEVNULL} | streams),
    )
    out = done.stdout.decode("utf-8", "replace") if done.stdout else ""
    return Result(done.returncode, out, done.stderr.decode("utf-8", "replace"))


def test_a_closed_stdin_works_with_answers(tmp_path: Path) -> None:
    (tmp_path / "svar.yaml").write_text("answers:\n  utbytteforbud: ja\n", encoding="utf-8")
    with_file = clean(run_with([*RUN_ONE, "--answers", "svar.yaml"], tmp_path, "<&-"))
    assert with_file.code == 0, with_file.err
    assert "Leverandøren er ideell" in with_file.out
    with_set = clean(run_with([*RUN_ONE, "--set", "utbytteforbud=ja", "--json"], tmp_path, "<&-"))
    assert with_set.code == 0 and json.loads(with_set.out)["complete"] is True


def test_a_closed_stdin_without_answers_gives_the_no_terminal_message(tmp_path: Path) -> None:
    result = clean(run_with(RUN_ONE, tmp_path, "<&-"))
    assert result.code == EXIT_USAGE
    assert "Interaktiv økt krever en terminal — bruk --answers FIL" in result.err


OUTPUTS = [
    ["list", "--trees", str(SKETCH)],
    ["validate", str(SKETCH)],
    ["show", "ideell-status", "--trees", str(SKETCH)],
    ["terskler", "--trees", str(SKETCH)],
    [*RUN_ONE, "--set", "utbytteforbud=ja"],
    [*RUN_ONE, "--set", "utbytteforbud=ja", "--json"],
]


@pytest.mark.parametrize("argv", OUTPUTS, ids=lambda a: " ".join(a[:2]))
def test_stdout_on_a_full_disk_is_exit_74_with_a_sentence(tmp_path: Path, argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = clean(run_with(argv, tmp_path, "", stdout=full))
    assert result.code == 74, result.err
    assert "kan ikke skrive til standard output (No space left on device)" in result.err


@pytest.mark.parametrize("argv", OUTPUTS, ids=lambda a: " ".join(a[:2]))
def test_a_closed_stdout_is_exit_74_with_a_sentence(tmp_path: Path, argv: list[str]) -> None:
    result = clean(run_with(argv, tmp_path, ">&-"))
    assert result.code == 74, result.err
    assert "kan ikke skrive til standard output: den er lukket" in result.err


# --- many choices: show --paths (item 17) and capped messages (item 18) ------------------------


def many_choices(where: Path, count: int, *, distinct: bool) -> None:
    """A tree whose one question has `count` choices, each to its own outcome or all to one."""
    lines = ["  a:", "    question: Hvilken?", "    help: h", "    choices:"]
    own = range(count - 1) if distinct else range(0)  # the last choice goes to the catalogue's `slutt`
    lines += [f"      c{i}: {{label: Valg {i}, next: {f'o{i}' if i in own else 'slutt'}}}" for i in range(count)]
    lines += [f"  o{i}: {{outcome: {{verdict: vurder, title: T{i}, text: T, sources: [loa-4]}}}}" for i in own]
    catalogue(where, {"mange": "\n".join(lines) + "\n"})


@pytest.mark.parametrize("argv", [["--format", "markdown"], []], ids=["markdown", "screen"])
def test_show_paths_of_ten_thousand_choices_is_linear(tmp_path: Path, argv: list[str]) -> None:
    many_choices(tmp_path, 10_000, distinct=True)
    result = clean(run_cli(["show", "mange", "--paths", "--trees", "c", *argv], tmp_path))
    assert result.code == 0, result.err
    assert "10000 veier" in result.out or "Veier: 10000" in result.out, result.out[:300]
    assert "a = Valg 9999 → " in result.out and "mange/o9998" in result.out


@pytest.fixture(scope="module")
def hundred_thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("mange")
    many_choices(where, 100_000, distinct=False)
    return where


def test_show_paths_of_a_hundred_thousand_choices_is_refused_at_once_with_a_count(hundred_thousand: Path) -> None:
    result = clean(run_cli(["show", "mange", "--paths", "--trees", "c", "--format", "markdown"], hundred_thousand))
    assert result.code == EXIT_USAGE, result.err
    assert "treet «mange» har for mange veier til å listes: over 50 000 svar må prøves" in result.err
    assert "(spørsmålet «a» alene har 100 000 mulige svar)" in result.err


@pytest.mark.parametrize("extra", [[], ["--set", "a=finnes-ikke"]], ids=["missing", "invalid"])
def test_the_answer_message_for_a_hundred_thousand_choices_stays_small(
    hundred_thousand: Path, extra: list[str]
) -> None:
    result = clean(run_cli(["run", "mange", "--trees", "c", *extra], hundred_thousand))
    assert result.code == EXIT_USAGE, result.err
    assert "gyldige svar: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 … og 99 990 til" in result.err
    assert len(result.err) < 2000, len(result.err)


# --- nothing from a file reaches markdown or the terminal raw (items 9 and 11) ---------------------

ESC = "\x1b[2J"
RLO = "\u202e"


def test_every_trace_field_is_escaped_in_markdown_even_past_the_reader() -> None:
    data = sketch_trace()
    data["date_of_assessment"] = f"2026-11-27\n# Innskudd <script>{ESC}"
    data["tree"]["sha256"] = "abc` <b>fet</b> `"
    data["steps"][0]["origin"] = "<img src=x>"
    assert data["outcome"] is not None and data["thresholds"]
    data["outcome"]["verdict"] = f"**stjerne** {ESC}"
    data["thresholds"][0]["from"] = "<i>2024-01-01</i>"
    data["thresholds"][0]["source"]["url"] = 'https://lovdata.no/x"><script>'
    text = to_markdown(data)
    for raw in ("<script", "<b>", "<img", "<i>", "**stjerne"):
        assert re.search(rf"(?<!\\){re.escape(raw)}", text) is None, raw  # only escaped: \<img
    assert "\x1b" not in text and "\n# Innskudd" not in text and "`abc`" not in text
    assert "\\u001b\\[2J" in text  # shown, escaped, where it was


@pytest.mark.parametrize("command", ["export", "replay"])
def test_an_escape_sequence_in_a_trace_never_reaches_the_terminal(tmp_path: Path, command: str) -> None:
    data = sketch_trace()
    data["steps"][0]["question"] = f"Hva{ESC}{RLO}?"
    (tmp_path / "t.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = clean(run_cli([command, "t.json", *(["--trees", str(SKETCH)] if command == "replay" else [])], tmp_path))
    assert result.code == EXIT_TREE
    assert "\x1b" not in result.out + result.err and RLO not in result.out + result.err
    assert "steps[0].question: teksten har kontrolltegnet U+001B" in result.err


def test_a_file_name_with_an_escape_is_shown_escaped_in_an_error_message(tmp_path: Path) -> None:
    result = clean(run_cli(["export", f"{ESC}x.json"], tmp_path))
    assert result.code == EXIT_USAGE
    assert "\\u001b[2Jx.json: filen finnes ikke" in result.err and "\x1b" not in result.err


def test_a_file_name_with_an_escape_is_shown_escaped_by_validate_and_list(tmp_path: Path) -> None:
    root = copy_catalogue(SKETCH, tmp_path)
    (root / f"{ESC}{RLO}x.yaml").write_text((root / "ideell-status.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for argv in (["validate", "--trees", "c"], ["list", "--trees", "c"]):
        result = clean(run_cli(argv, tmp_path))
        assert result.code == EXIT_TREE
        shown = result.out + result.err
        assert "c/\\u001b[2J\\u202ex.yaml:1:1: " in shown
        assert "\x1b" not in shown and RLO not in shown


def test_a_bidi_override_in_an_answer_is_shown_escaped(tmp_path: Path) -> None:
    argv = ["run", "reserverte-kontrakter", "--trees", str(SKETCH), "--set", f"tjenestetype={RLO}lesiao_sosial{ESC}"]
    result = clean(run_cli(argv, tmp_path))
    assert result.code == EXIT_USAGE
    assert "«\\u202elesiao_sosial\\u001b[2J» er ikke et av valgene" in result.err
    assert RLO not in result.err and "\x1b" not in result.err


def test_visible_escapes_controls_and_bidi_and_keeps_newlines_tabs_and_letters() -> None:
    assert visible("a\tb\nc\x07\x1b\x7f\x85\u202a\u2069æøå") == "a\tb\nc\\u0007\\u001b\\u007f\\u0085\\u202a\\u2069æøå"
    assert json.loads(visible(json.dumps({"a": "x\u202e\x85"}, ensure_ascii=False))) == {"a": "x\u202e\x85"}


# --- Ctrl-C after going back keeps every answer, as suggestions (item 1) ------------------------

ENTER, DOWN, UP = "\r", "\x1b[B", "\x1b[A"


def spawn(*argv: str) -> pexpect.spawn:
    env = {**ENV, "COLUMNS": "100", "LINES": "40", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(CLI, list(argv), env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100))
    child.logfile_read = io.StringIO()
    return child


def finished(child: pexpect.spawn, code: int) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert isinstance(child.logfile_read, io.StringIO)
    seen = child.logfile_read.getvalue()
    assert "Traceback" not in seen and "Intern feil" not in seen, seen[-2000:]
    assert child.exitstatus == code, seen[-2000:]
    return seen


def test_ctrl_c_after_changing_an_answer_keeps_every_answer_and_a_resume_offers_them(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    walk = ("run", "reserverte-kontrakter", "--trees", str(SKETCH), "--trace", str(trace))
    child = spawn(*walk)
    child.expect("Hva slags tjeneste skal dere kjøpe")
    child.expect("Svar:")
    child.send(ENTER)  # helse_sosial
    child.expect("Anslått samlet verdi")
    child.expect("Svar:")
    child.send("9 mill" + ENTER)
    child.expect("Forbyr vedtektene utbytte")
    child.expect("Svar:")
    child.send(UP + ENTER)  # nei: up from «Vet ikke», where the cursor starts, so that a default shows
    child.expect("Alt besvart")
    child.send(DOWN + ENTER)  # Endre et svar
    child.expect("Hvilket svar vil dere endre")
    child.send(ENTER)  # question 1
    child.expect("Hva slags tjeneste skal dere kjøpe")
    child.expect("Svar:")
    child.sendcontrol("c")
    child.expect(r"Svarene så langt er lagret i \S+ \(3 av dem etter spørsmålet dere gikk tilbake til, som forslag\)")
    finished(child, 130)
    data = json.loads(trace.read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert [(s["key"], s["answer"]) for s in data["steps"]] == [
        ("tjenestetype", "helse_sosial"),
        ("kontraktsverdi", 9000000),
        ("utbytteforbud", "nei"),
    ]
    assert data["path"] == ["reserverte-kontrakter/tjenestetype"]  # where the walk stood

    child = spawn(*walk, "--answers", str(trace))
    child.expect("Hva slags tjeneste skal dere kjøpe")  # asked again, not applied silently
    child.expect("Svar:")
    child.send(ENTER)
    gap = r"(?:\s|\x1b\[[0-9;]*m)+"  # the hint may wrap anywhere on the screen, with its styling
    child.expect(gap.join(re.escape(word) for word in ["Enter", "=", "behold", "«9", "000", "000", "kr»"]))
    child.expect("Svar:")
    child.send(ENTER)
    child.expect("Forbyr vedtektene utbytte")
    child.expect("Svar:")
    child.send(ENTER)  # «nei» is preselected
    child.expect("Alt besvart")
    child.send(ENTER)
    child.expect("Saksopplysninger")  # the trace is to be written: the case details, each skipped with Enter
    for label in ("Saksnummer", "Oppdragsgiver:", "adresse", "gjelder", "Leverandør", "Saksbehandler"):
        child.expect(label)
        child.send(ENTER)
    child.expect("Konkurransen kan ikke reserveres for ideelle")
    finished(child, 0)
    done = json.loads(trace.read_text(encoding="utf-8"))
    assert done["complete"] is True
    assert [(s["key"], s["answer"], s["origin"]) for s in done["steps"]] == [
        ("tjenestetype", "helse_sosial", "asked"),
        ("kontraktsverdi", 9000000, "asked"),
        ("utbytteforbud", "nei", "asked"),
    ]


def test_suggestions_in_a_partial_trace_are_never_applied_without_a_terminal(tmp_path: Path) -> None:
    data = sketch_trace()
    data.update(complete=False, outcome=None, path=["reserverte-kontrakter/tjenestetype"])
    (tmp_path / "t.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = clean(run_cli(["run", "--trees", str(SKETCH), "--answers", "t.json"], tmp_path))
    assert result.code == EXIT_USAGE
    assert "første ubesvarte spørsmål: «tjenestetype»" in result.err


# --- Ctrl-C when nothing can be written (item 3) ---------------------------------------------------


def test_ctrl_c_when_the_state_folder_cannot_be_written_prints_a_pasteable_answers_file(tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("en vanlig fil\n", encoding="utf-8")
    env = {**ENV, "ANSKAFFELSE_STATE_DIR": str(blocker / "tilstand"), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    argv = ["run", "reserverte-kontrakter", "--trees", str(SKETCH)]
    child = pexpect.spawn(CLI, argv, env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100))
    child.logfile_read = io.StringIO()
    child.expect("Hva slags tjeneste skal dere kjøpe")
    child.expect("Svar:")
    child.send(ENTER)
    child.expect("Anslått samlet verdi")
    child.expect("Svar:")
    child.send("9 mill" + ENTER)
    child.expect("Forbyr vedtektene utbytte")
    child.expect("Svar:")
    child.sendcontrol("c")
    child.expect("Svarene kunne ikke lagres")
    child.expect("Lagre dette som en svarfil og fortsett med --answers:")
    child.expect("tree: reserverte-kontrakter")
    seen = finished(child, 130)
    pasted = seen[seen.index("tree: reserverte-kontrakter") :].replace("\r\n", "\n")
    (tmp_path / "svar.yaml").write_text(pasted, encoding="utf-8")
    resumed = clean(run_cli([*argv, "--answers", "svar.yaml", "--set", "utbytteforbud=ja", "--json"], tmp_path))
    assert resumed.code == 0, resumed.err
    assert [s["answer"] for s in json.loads(resumed.out)["steps"]] == ["helse_sosial", 9000000, "ja"]
    assert not (blocker / "tilstand").exists()


def test_a_partial_save_that_fails_midway_falls_back_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from anskaffelse import files, runner
    from anskaffelse.errors import Interrupted
    from anskaffelse.session import walk

    monkeypatch.setenv(files.ENV_STATE, str(tmp_path))
    options = runner.RunOptions(tree="reserverte-kontrakter", trees=SKETCH, sets=("tjenestetype=helse_sosial",))
    prepared = runner.prepare(options, lambda _: None)

    class CtrlC:  # the person presses Ctrl-C at the first question asked
        def ask(self, *_: object) -> None:
            raise Interrupted()

    with pytest.raises(Interrupted) as stop:
        walk(prepared.engine, prepared.tree_id, prepared.preset, CtrlC())  # type: ignore[arg-type]

    def full(*_: object, **__: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    saved = runner.save_partial(prepared, stop.value, None)
    assert saved.path is None
    assert "Svarene kunne ikke lagres (No space left on device)" in saved.message
    assert saved.fallback == 'tree: reserverte-kontrakter\nanswers:\n  tjenestetype: "helse_sosial"\n'
    assert list(tmp_path.iterdir()) == []  # no truncated partial file left behind


def test_a_write_that_fails_after_the_last_question_keeps_the_answers_and_says_how_to_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from anskaffelse import files, runner
    from anskaffelse.errors import UsageError

    state = tmp_path / "tilstand"
    monkeypatch.setenv(files.ENV_STATE, str(state))
    sets = ("tjenestetype=helse_sosial", "kontraktsverdi=9000000", "utbytteforbud=ja")
    report = tmp_path / "notat.md"
    options = runner.RunOptions(tree="reserverte-kontrakter", trees=SKETCH, sets=sets, markdown=report)
    prepared = runner.prepare(options, lambda _: None)  # the probe write passes
    real_replace = os.replace

    def full(src: str, dst: object) -> None:
        if Path(str(dst)) == report:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(UsageError) as failed:
        runner.execute(prepared, options, None, terminal=False)
    assert "kan ikke skrive filen (No space left on device)" in failed.value.message
    saved = next(state.iterdir())
    assert f"svarene er lagret i {saved}" in failed.value.details
    finish = next(d for d in failed.value.details if d.startswith("fullfør med: "))
    monkeypatch.undo()
    argv = shlex.split(finish.removeprefix("fullfør med: "))
    assert argv[argv.index("--answers") + 1] == str(saved) and argv[argv.index("--markdown") + 1] == str(report)
    done = subprocess.run([CLI, *argv[argv.index("run") :]], env=ENV, capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stderr
    assert report.read_text(encoding="utf-8").startswith("# Vurdering: Kan konkurransen reserveres?")


# --- the verdict label on a narrow screen (item 22) --------------------------------------------------


@pytest.mark.parametrize("width", [20, 24, 28, 100])
def test_the_verdict_label_is_never_cut_on_a_narrow_screen(width: int) -> None:
    argv = ["run", "reserverte-kontrakter", "--trees", SKETCH, "--set", "tjenestetype=annet", "--no-review"]
    code, out, err = cli(*argv, width=width)
    assert code == 0, err
    assert "Må vurderes nærmere" in out
    assert all(len(line) <= width for line in out.splitlines() if "─" in line)  # the box fits the screen


# --- a latin-1 terminal (item 12) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def latin1_locale(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """nb_NO.ISO-8859-1 compiled into a private folder (the system's locales are never touched)."""
    where = tmp_path_factory.mktemp("locale")
    made = (
        subprocess.run(
            ["localedef", "-i", "nb_NO", "-f", "ISO-8859-1", str(where / "nb_NO.ISO-8859-1")],
            capture_output=True,
            timeout=PATIENCE,
            check=False,
        )
        if shutil.which("localedef")
        else None
    )
    if made is None or not (where / "nb_NO.ISO-8859-1").exists():
        pytest.skip("localedef cannot make nb_NO.ISO-8859-1 here")
    return {"LOCPATH": str(where), "LC_ALL": "nb_NO.ISO-8859-1"}


LATIN1_COMMANDS = [
    ["run", "reserverte-kontrakter", "--trees", str(SKETCH), "--set", "tjenestetype=annet", "--no-review"],
    ["show", "reserverte-kontrakter", "--trees", str(SKETCH)],
    ["show", "reserverte-kontrakter", "--trees", str(SKETCH), "--mermaid"],  # a note with ⚠ on stderr
    ["terskler", "--trees", str(SKETCH), "--dato", "2030-01-01"],
    ["list", "--trees", str(SKETCH)],
]


@pytest.mark.parametrize("how", ["PYTHONIOENCODING", "locale"])
@pytest.mark.parametrize("argv", LATIN1_COMMANDS, ids=lambda a: " ".join(a[:1] + a[4:5]))
def test_a_latin1_terminal_gets_replacement_characters_not_exit_70(
    how: str, argv: list[str], request: pytest.FixtureRequest
) -> None:
    extra = {"PYTHONIOENCODING": "latin-1"} if how == "PYTHONIOENCODING" else request.getfixturevalue("latin1_locale")
    done = subprocess.run(
        [CLI, *argv], env={**ENV, **extra}, stdin=subprocess.DEVNULL, capture_output=True, timeout=PATIENCE
    )
    out, err = done.stdout.decode("latin-1"), done.stderr.decode("latin-1")
    assert done.returncode == 0, err
    assert "Traceback" not in err and "Intern feil" not in err
    assert out.strip() and ("ø" in out or "å" in out or "æ" in out)


# --- huge exponents (item 16) ----------------------------------------------------------------------


def trace_with_amount(amount: str) -> str:
    text = json.dumps(sketch_trace(), ensure_ascii=False)
    assert '"amount": 7800000' in text
    return text.replace('"amount": 7800000', f'"amount": {amount}', 1)


HUGE = [
    ("export-number", ["export", "t.json"], "1e999999999", "tallet «1e999999999» er urimelig stort"),
    ("export-text", ["export", "t.json"], '"1e999999999"', "«1e999999999» er ikke et beløp"),
    ("replay-number", ["replay", "t.json", "--trees", str(SKETCH)], "1E+999999999", "er urimelig stort"),
    ("export-digits", ["export", "t.json"], "9" * 16, "høyst 15 sifre før desimaltegnet"),
    ("answers-trace", ["run", "--trees", str(SKETCH), "--answers", "t.json"], "1e999999999", "er urimelig stort"),
]


@pytest.mark.parametrize(("argv", "amount", "message"), [h[1:] for h in HUGE], ids=[h[0] for h in HUGE])
def test_an_absurd_amount_in_a_trace_is_refused_at_once(
    tmp_path: Path, argv: list[str], amount: str, message: str
) -> None:
    (tmp_path / "t.json").write_text(trace_with_amount(amount), encoding="utf-8")
    result = clean(run_cli(argv, tmp_path))  # bounded by the launcher's CPU limit
    assert result.code == EXIT_TREE, result.err
    assert "t.json: thresholds[0].amount: " in result.err and message in result.err


@pytest.mark.parametrize("value", ["1e999999999", "9" * 5000, "1.0e999999999", "99999999999999999999"])
def test_an_absurd_amount_as_an_answer_is_refused_at_once(tmp_path: Path, value: str) -> None:
    argv = ["run", "reserverte-kontrakter", "--trees", str(SKETCH), "--set", "tjenestetype=helse_sosial"]
    result = clean(run_cli([*argv, "--set", f"kontraktsverdi={value}"], tmp_path))
    assert result.code == EXIT_USAGE
    assert "ugyldig svar på «kontraktsverdi»" in result.err


def test_parse_amount_refuses_a_huge_exponent_without_expanding_it() -> None:
    from decimal import Decimal

    from anskaffelse.values import ValueProblem, parse_amount

    for raw in (Decimal("1e999999999"), "1e999999999", 10**40, "9" * 4000):
        with pytest.raises(ValueProblem):
            parse_amount(raw)


# --- never replace what is not a regular file; no setuid bits; UTF-32 (items 6, 7, 20) ---------------


def test_a_fifo_and_a_device_node_are_written_into_never_renamed_over(tmp_path: Path) -> None:
    fifo = tmp_path / "rør"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    argv = ["run", "ideell-status", "--trees", str(SKETCH), "--set", "utbytteforbud=ja", "--non-interactive"]
    result = clean(run_cli([*argv, "--trace", str(fifo), "--force"], tmp_path))
    received.append(reader.communicate(timeout=PATIENCE)[0])
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the FIFO
    assert json.loads(received[0])["complete"] is True
    if os.geteuid() != 0:
        pytest.skip("mknod of a character device needs root")
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null, made in a temporary folder
    result = clean(run_cli([*argv, "--markdown", str(null), "--force"], tmp_path))
    assert result.code == 0, result.err
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "rør"]  # no temporary file left


def test_a_replaced_report_never_gets_setuid_setgid_or_sticky_bits(tmp_path: Path) -> None:
    from anskaffelse import files

    old = tmp_path / "notat.md"
    old.write_text("gammelt\n", encoding="utf-8")
    old.chmod(0o6755 | stat.S_ISVTX)
    files.write_text(old, "nytt\n", force=True)
    mode = old.stat().st_mode
    assert not mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX), oct(mode)
    assert stat.S_IMODE(mode) == 0o755 and old.read_text(encoding="utf-8") == "nytt\n"


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_a_utf32_tree_is_reported_as_utf32(tmp_path: Path, encoding: str) -> None:
    root = copy_catalogue(SKETCH, tmp_path)
    tree = root / "ideell-status.yaml"
    text = tree.read_text(encoding="utf-8")
    tree.write_bytes(("\ufeff" + text).encode(encoding) if not encoding.endswith("32") else text.encode(encoding))
    result = clean(run_cli(["validate", "--trees", "c"], tmp_path))
    assert result.code == EXIT_TREE
    assert "c/ideell-status.yaml:1:1: feil: filen er lagret som UTF-32; lagre den som UTF-8" in result.out


# --- Ctrl-Z suspends, and `fg` brings the prompt back unanswered (item 19) --------------------------


def shell() -> pexpect.spawn:
    """An interactive bash with job control in a pseudo-terminal: where Ctrl-Z and `fg` mean something."""
    env = {**ENV, "COLUMNS": "100", "LINES": "40", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "PS1": "$ "}
    child = pexpect.spawn(
        "bash", ["--norc", "--noprofile", "-i"], env=env, encoding="utf-8", timeout=PATIENCE, dimensions=(40, 100)
    )
    child.logfile_read = io.StringIO()
    child.expect_exact("$ ")
    return child


@pytest.mark.parametrize("where", ["choice", "text"])
def test_ctrl_z_suspends_and_fg_redraws_the_prompt_without_answering(tmp_path: Path, where: str) -> None:
    if not shutil.which("bash"):
        pytest.skip("needs bash for job control")
    trace = tmp_path / "t.json"
    child = shell()
    child.sendline(shlex.join([CLI, "run", "reserverte-kontrakter", "--trees", str(SKETCH), "--trace", str(trace)]))
    child.expect("Hva slags tjeneste skal dere kjøpe")
    child.expect("Svar:")
    if where == "text":
        child.send(ENTER)
        child.expect("Anslått samlet verdi")
        child.expect("Svar:")
    child.sendcontrol("z")
    child.expect(r"\[1\]\+ +\S+ +\S*anskaffelse run")  # bash's job report («Stopped», «Venter»): suspended
    child.expect_exact("$ ")
    child.sendline("fg")
    child.expect("Svar:")  # drawn again
    child.sendcontrol("c")  # stop here: nothing was answered while suspended or on the way back
    child.expect("Avbrutt")
    child.expect_exact("$ ")
    child.sendline("exit $?")
    child.expect(pexpect.EOF)
    child.close()
    assert isinstance(child.logfile_read, io.StringIO)
    assert "Traceback" not in child.logfile_read.getvalue()
    if where == "choice":
        assert not trace.exists()  # no answer given: nothing saved
    else:
        data = json.loads(trace.read_text(encoding="utf-8"))
        assert [s["key"] for s in data["steps"]] == ["tjenestetype"]


def test_readme_says_what_the_tool_promises_about_files_terminals_and_exit_codes() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Sikkerhet og robusthet") : readme.index("## Katalogen")]
    for promise in ("**Filer.**", "**Terminalen.**", "**Avslutningskoder.**", "74", "141", "130", "`\\u001b`"):
        assert promise in section, promise
    assert "| 74 | standard output eller en fil kunne ikke skrives" in readme


@pytest.mark.parametrize("width", [40, 60, 80, 99, 100, 140])
def test_show_paths_never_cuts_the_verdict_on_a_narrow_screen(width: int) -> None:
    code, out, err = cli("show", "reserverte-kontrakter", "--trees", SKETCH, "--paths", width=width)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= width
    flat = " ".join(out.split())
    for verdict in ("Må vurderes nærmere", "Tillatt", "Ikke tillatt"):
        assert verdict in flat or verdict.replace(" ", " │ ") in flat, verdict
    table = out[out.index("┏") :] if "┏" in out else ""  # under the title and the count of questions
    assert all(line.rstrip()[-1] in "┓┃┩│┤┘┐╇╋━─" for line in table.splitlines() if line.strip())
