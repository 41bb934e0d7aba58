"""The one trace reader: every malformed trace, through every command that reads one, is exit 1 with a
Norwegian message naming the file, the JSON path and the problem, and never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest

from anskaffelse.errors import TraceError
from anskaffelse.trace import SCHEMA_VERSIONS, TRACE_SCHEMA, parse_trace, read_trace, schema_document
from conftest import PATIENCE, SKETCH, cli


def invoke(args: list[str]) -> SimpleNamespace:
    """The command line through main(), where errors become exit codes."""
    code, out, err = cli(*args)
    return SimpleNamespace(exit_code=code, stdout=out, stderr=err, output=out + err)


WALK = ["run", "reserverte-kontrakter", "--trees", str(SKETCH), "--set", "tjenestetype=helse_sosial"]
WALK += ["--set", "kontraktsverdi=9 mill", "--set", "utbytteforbud=ja", "--non-interactive", "--dato", "2026-11-27"]
DEEP = 100_000


@pytest.fixture(scope="module")
def saved() -> str:
    """The JSON text of a real trace, as `run --json` writes it (with a threshold used and an outcome)."""
    result = invoke([*WALK, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["thresholds"] and data["outcome"] and data["steps"][1]["key"] == "kontraktsverdi"
    return result.stdout


def edited(change: Callable[[dict[str, Any]], object]) -> Callable[[str], str]:
    def make(text: str) -> str:
        data = json.loads(text)
        change(data)
        return json.dumps(data, indent=2)  # ensure_ascii: a lone surrogate is written as the escape \ud800

    return make


def replaced(old: str, new: str) -> Callable[[str], str]:
    def make(text: str) -> str:
        assert old in text, f"the trace no longer contains {old!r}"
        return text.replace(old, new, 1)

    return make


def nested(opening: str, closing: str) -> Callable[[str], str]:
    """A trace whose steps hold a value nested DEEP levels deep."""
    return lambda _text: f'{{"schema": "{TRACE_SCHEMA}", "steps": {opening * DEEP}1{closing * DEEP}}}'


def step_without_origin(data: dict[str, Any]) -> None:
    del data["steps"][0]["origin"]


DEEP_MESSAGE = "for dyp nøsting i JSON-en ([ eller { inni hverandre i hundrevis av nivåer)"
# (id, how the saved trace is broken, the message after "FILE: ")
BROKEN: list[tuple[str, Callable[[str], str], str]] = [
    ("steps-of-numbers", edited(lambda d: d.update(steps=[1])), "steps[0]: forventet et objekt ({…}), fant tallet 1"),
    ("tree-is-text", edited(lambda d: d.update(tree="x")), "tree: forventet et objekt ({…}), fant «x»"),
    ("step-without-origin", edited(step_without_origin), "steps[0].origin mangler"),
    (
        "origin-maybe",
        edited(lambda d: d["steps"][0].update(origin="maybe")),
        "steps[0].origin: «maybe» er ikke en gyldig verdi (asked, file, fact, computed)",
    ),
    (
        "amount-abc",
        edited(lambda d: d["thresholds"][0].update(amount="abc")),
        "thresholds[0].amount: «abc» er ikke et beløp",
    ),
    (
        "amount-nan",
        replaced('"amount": 7800000', '"amount": NaN'),
        "thresholds[0].amount: «NaN» er ikke et tall en trace kan inneholde",
    ),
    (
        "answer-infinity",
        replaced('"answer": 9000000', '"answer": Infinity'),
        "steps[1].answer: «Infinity» er ikke et tall en trace kan inneholde",
    ),
    (
        "amount-absurd-exponent",
        replaced('"amount": 7800000', '"amount": 1e999999999'),
        "thresholds[0].amount: tallet «1e999999999» er urimelig stort (høyst 15 sifre før desimaltegnet)",
    ),
    (
        "amount-16-digits",
        replaced('"amount": 7800000', '"amount": 1000000000000000'),
        "thresholds[0].amount: tallet «1000000000000000» er urimelig stort",
    ),
    (
        "amount-16-digits-as-text",
        replaced('"amount": 7800000', '"amount": "1000000000000000"'),
        "thresholds[0].amount: «1000000000000000» er ikke et beløp",
    ),
    (
        "amount-float-too-big",
        replaced('"amount": 7800000', '"amount": 1e300'),
        "thresholds[0].amount: tallet 1e+300 er urimelig stort",
    ),
    ("nested-array", nested("[", "]"), DEEP_MESSAGE),
    ("nested-object", nested('{"a":', "}"), DEEP_MESSAGE),
    (
        "lone-surrogate",
        edited(lambda d: d["steps"][0].update(question="Hva \ud800 kjøper dere?")),
        "steps[0].question: teksten har et ugyldig tegn (U+D800: et halvt surrogatpar, fra en \\u-escape)",
    ),
    (
        "terminal-escape",
        edited(lambda d: d["outcome"].update(title="\x1b]0;hei\x07Tillatt")),
        "outcome.title: teksten har kontrolltegnet U+001B, som ikke kan stå i en trace",
    ),
    (
        "date-2026-13-45",
        edited(lambda d: d.update(date_of_assessment="2026-13-45")),
        "date_of_assessment: datoen «2026-13-45» finnes ikke i kalenderen",
    ),
    (
        "threshold-from-february-30",
        edited(lambda d: d["thresholds"][0].update({"from": "2024-02-30"})),
        "thresholds[0].from: datoen «2024-02-30» finnes ikke i kalenderen",
    ),
    (
        "created-not-a-time",
        edited(lambda d: d.update(created="i går")),
        "created: «i går» er ikke et tidspunkt ÅÅÅÅ-MM-DDTtt:mm:ss+00:00",
    ),
    (
        "sha256-short",
        edited(lambda d: d["tree"].update(sha256="abc123")),
        "tree.sha256: «abc123» er ikke en sha256-sjekksum (64 tegn 0–9 og a–f)",
    ),
    (
        "id-with-line-break",
        edited(lambda d: d["tree"].update(id="reserverte-kontrakter\n")),
        "tree.id: «reserverte-kontrakter\\n» er ikke en gyldig id",
    ),
    (
        "verdict-unknown",
        edited(lambda d: d["outcome"].update(verdict="kanskje")),
        "outcome.verdict: «kanskje» er ikke en gyldig verdi (tillatt, ikke_tillatt, vurder, utenfor_regelverket)",
    ),
    ("unknown-key", edited(lambda d: d["steps"][0].update(orign="file")), "steps[0]: ukjent nøkkel «orign»"),
    (
        "key-twice",
        replaced('"complete": true', '"complete": true, "complete": false'),
        "tracen: nøkkelen «complete» står to ganger",
    ),
    (
        "unknown-version",
        edited(lambda d: d.update(schema="anskaffelse.trace/4")),
        "schema: ukjent trace-versjon «anskaffelse.trace/4»; denne versjonen av anskaffelse leser "
        "anskaffelse.trace/1, anskaffelse.trace/2, anskaffelse.trace/3",
    ),
    ("truncated", lambda text: text[: len(text) // 2], "ugyldig JSON"),
]
COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "export": lambda path: ["export", str(path)],
    "replay": lambda path: ["replay", str(path), "--trees", str(SKETCH)],
    "run-answers": lambda path: ["run", "--trees", str(SKETCH), "--answers", str(path), "--non-interactive"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(("break_it", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_trace_is_exit_1_with_file_path_and_problem(
    saved: str, tmp_path: Path, command: str, break_it: Callable[[str], str], message: str
) -> None:
    path = tmp_path / "vurdering.json"
    path.write_text(break_it(saved), encoding="utf-8")
    result = invoke(COMMANDS[command](path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert f"Feil: {path}" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["export", "replay"])
@pytest.mark.parametrize("content", ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP], ids=["list", "map"])
def test_a_file_that_is_only_deep_nesting_is_exit_1_through_the_real_program(
    tmp_path: Path, command: str, content: str
) -> None:
    (tmp_path / "t.json").write_text(content, encoding="utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("anskaffelse")), command, "t.json"],
        cwd=tmp_path,
        capture_output=True,
        timeout=PATIENCE,
        stdin=subprocess.DEVNULL,
    )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1, err
    assert f"t.json: {DEEP_MESSAGE}" in err and "Traceback" not in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_invalid_utf8_is_exit_1(saved: str, tmp_path: Path, command: str) -> None:
    path = tmp_path / "vurdering.json"
    data = saved.encode("utf-8")
    path.write_bytes(data[:100] + b"\xff" + data[100:])
    result = invoke(COMMANDS[command](path))
    assert result.exit_code == 1
    line = data[:100].count(b"\n") + 1
    assert f"Feil: {path}:{line}: filen er ikke gyldig UTF-8 (byte 101)" in result.stderr


def test_a_trace_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "stor.json"
    path.write_bytes(b'{"schema": "anskaffelse.trace/1", "x": "' + b"a" * 5_300_000 + b'"}')
    result = invoke(["export", str(path)])
    assert result.exit_code == 2  # like any file that cannot be used: missing, a folder, unreadable
    assert "filen er for stor" in result.stderr


def test_a_trace_written_by_run_json_is_read_back_equal_and_works_everywhere(saved: str, tmp_path: Path) -> None:
    path = tmp_path / "vurdering.json"
    path.write_text(saved, encoding="utf-8")
    assert read_trace(path) == json.loads(saved)
    export = invoke(["export", str(path)])
    assert export.exit_code == 0 and export.stdout.startswith("# Vurdering: Kan konkurransen reserveres?")
    replay = invoke(["replay", str(path), "--trees", str(SKETCH), "--dato", "2026-11-27"])
    assert replay.exit_code == 0 and "uendret" in replay.stdout, replay.stdout + replay.stderr
    again = invoke(["run", "--trees", str(SKETCH), "--answers", str(path), "--non-interactive", "--json"])
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["outcome"] == json.loads(saved)["outcome"]


def test_an_older_trace_without_passed_path_title_or_files_is_still_read(saved: str) -> None:
    data = json.loads(saved)
    for key in ("passed", "path"):
        del data[key]
    del data["tree"]["title"], data["tree"]["files"]
    for used in data["thresholds"]:
        for key in ("checked", "confirmed_until", "warnings"):
            used.pop(key, None)
    assert parse_trace(json.dumps(data).encode("utf-8"), "gammel.json") == data


def test_every_problem_is_listed_the_first_as_the_message() -> None:
    data = {"schema": TRACE_SCHEMA, "steps": [1, {"origin": "x"}], "complete": "ja"}
    with pytest.raises(TraceError) as caught:
        parse_trace(json.dumps(data).encode("utf-8"), "t.json")
    everything = [caught.value.message, *caught.value.details]
    assert everything[0] == "t.json: content_sha256 mangler"  # version 2 requires the hash
    assert "t.json: steps[0]: forventet et objekt ({…}), fant tallet 1" in everything
    assert "t.json: steps[1].origin: «x» er ikke en gyldig verdi (asked, file, fact, computed)" in everything
    assert "t.json: complete: forventet true eller false, fant «ja»" in everything


def test_something_else_than_a_trace_says_what_this_tool_reads() -> None:
    with pytest.raises(TraceError, match=r"^x.json: ikke en trace fra anskaffelse \(mangler «schema»"):
        parse_trace(b'{"answers": {}}', "x.json")
    with pytest.raises(TraceError, match=r"^x.json: ikke en trace fra anskaffelse \(schema er «annet»"):
        parse_trace(b'{"schema": "annet"}', "x.json")
    with pytest.raises(TraceError, match=r"^x.json: ikke en trace fra anskaffelse \(forventet et JSON-objekt"):
        parse_trace(b"[1, 2]", "x.json")
    for odd in (b"[]", b'{"a": 1}', b"null"):  # a schema that is no text at all is named, not a crash
        with pytest.raises(TraceError, match=r"^x.json: ikke en trace fra anskaffelse \(schema er "):
            parse_trace(b'{"schema": ' + odd + b"}", "x.json")


def test_a_trace_with_more_values_than_any_walk_is_refused_before_the_schema_check(tmp_path: Path) -> None:
    path = tmp_path / "mange.json"
    path.write_text(json.dumps({"schema": TRACE_SCHEMA, "path": ["a"] * 100_001}), encoding="utf-8")
    result = invoke(["export", str(path)])
    assert result.exit_code == 1
    assert f"{path}: tracen er urimelig stor (over 100 000 verdier" in result.stderr


@pytest.mark.parametrize("version", sorted(SCHEMA_VERSIONS))
def test_every_version_read_has_its_own_valid_schema_in_the_package(version: str) -> None:
    schema = schema_document(version)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"] == {"const": version}
    assert schema["$id"].endswith("/trace/" + version.rsplit("/", 1)[1])


def test_version_1_stays_readable() -> None:
    assert TRACE_SCHEMA in SCHEMA_VERSIONS and "anskaffelse.trace/1" in SCHEMA_VERSIONS
