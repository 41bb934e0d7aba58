"""Generate src/anskaffelse/data/cpv.json from the sources in data/cpv/.

Run `python scripts/gen_cpv.py` after editing anything in data/cpv/; `--check` only compares.
The sources are checked first (every code 8 digits, ranges in order, single codes and synonym
targets real CPV codes); a problem stops the script with exit code 1 and a sentence saying where.

The output is deterministic: sorted keys, compact separators, UTF-8 without escapes, one
trailing newline. tests/test_cpv.py regenerates it in memory and compares.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml  # noqa: TID251 - a build script outside the package, reading this repository's own sources

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "cpv"
TARGET = ROOT / "src" / "anskaffelse" / "data" / "cpv.json"
VOCABULARY = "cpv-2008-nob.yaml"
ANNEX_FILES = {2: "annex-2-services.yaml", 3: "annex-3-services.yaml", 4: "annex-4-services.yaml"}
SYNONYMS = "synonymer.yaml"
FORMAT = 1
CREDIT = "CPV-koder med norske navn: DFØ (anskaffelser/eforms-sdk-nor), CC BY 4.0"
# FOA vedlegg 1 lists the groups of CPV division 45 against NACE; all of division 45 is works.
ANNEX_1 = {
    "name": "Bygge- og anleggsaktiviteter",
    "citation": "FOA vedlegg 1",
    "codes": [],
    "ranges": [["45000000", "45999999"]],
}
_CODE = re.compile(r"[0-9]{8}")
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataProblem(Exception):
    """A source file is unreadable or breaks a rule; the message names the file and the entry."""


def build(sources: Path = SOURCES) -> dict[str, Any]:
    """The checked content of cpv.json, read from `sources`."""
    vocabulary = _vocabulary(sources / VOCABULARY)
    annexes: dict[str, Any] = {"1": ANNEX_1}
    for number, name in ANNEX_FILES.items():
        annexes[str(number)] = _annex(sources / name, number, vocabulary)
    return {
        "format": FORMAT,
        "credit": CREDIT,
        "codes": {code: entry[0] for code, entry in sorted(vocabulary.items())},
        "name_unverified": sorted(code for code, entry in vocabulary.items() if entry[1]),
        "name_english": sorted(code for code, entry in vocabulary.items() if entry[2]),
        "annexes": annexes,
        "synonyms": _synonyms(sources / SYNONYMS, vocabulary),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _load(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_Loader)  # a safe loader: CSafeLoader or SafeLoader
    except OSError as err:
        raise DataProblem(f"{_rel(path)}: cannot read the file ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise DataProblem(f"{_rel(path)}: not valid YAML: {err}") from None


def _vocabulary(path: Path) -> dict[str, tuple[str, bool, bool]]:
    """code -> (name shown, Norwegian name unverified, name is the English fallback)."""
    raw = _load(path)
    if not isinstance(raw, dict) or not raw:
        raise DataProblem(f"{_rel(path)}: expected a mapping of CPV codes")
    result: dict[str, tuple[str, bool, bool]] = {}
    for code, entry in raw.items():
        where = f"{_rel(path)}: code {code!r}"
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise DataProblem(f"{where}: a CPV code must be a string of 8 digits")
        if not isinstance(entry, dict):
            raise DataProblem(f"{where}: expected a mapping with name, nob and nob_verify")
        english, norwegian, verify = entry.get("name"), entry.get("nob"), entry.get("nob_verify", False)
        if not isinstance(english, str) or not english.strip():
            raise DataProblem(f"{where}: `name` (English) is missing or empty")
        if norwegian is not None and not isinstance(norwegian, str):
            raise DataProblem(f"{where}: `nob` must be text")
        if not isinstance(verify, bool):
            raise DataProblem(f"{where}: `nob_verify` must be true or false")
        norwegian = " ".join((norwegian or "").split())
        fallback = not norwegian
        result[code] = (norwegian or " ".join(english.split()), verify, fallback)
    return result


def _annex(path: Path, number: int, vocabulary: dict[str, Any]) -> dict[str, Any]:
    raw = _load(path)
    annex = raw.get("annex") if isinstance(raw, dict) else None
    if not isinstance(annex, dict) or not isinstance(annex.get("services"), list):
        raise DataProblem(f"{_rel(path)}: expected `annex:` with a list `services:`")
    source, name = annex.get("source"), annex.get("name")
    if not isinstance(source, str) or source.split() != ["FOA", "Vedlegg", str(number)]:
        raise DataProblem(f"{_rel(path)}: `source` is {source!r}, expected 'FOA Vedlegg {number}'")
    if not isinstance(name, str) or not name.strip():
        raise DataProblem(f"{_rel(path)}: `name` of the annex is missing")
    codes: set[str] = set()
    ranges: set[tuple[str, str]] = set()
    for index, item in enumerate(annex["services"], start=1):
        where = f"{_rel(path)}: services entry {index}"
        if not isinstance(item, dict):
            raise DataProblem(f"{where}: expected a mapping")
        if "cpv_code" in item:
            code = _code(item["cpv_code"], f"{where}: cpv_code")
            if code not in vocabulary:
                raise DataProblem(f"{where}: {code} is not a code in {VOCABULARY}")
            codes.add(code)
        elif "cpv_start" in item and "cpv_end" in item:
            start = _code(item["cpv_start"], f"{where}: cpv_start")
            end = _code(item["cpv_end"], f"{where}: cpv_end")
            if start not in vocabulary:
                raise DataProblem(f"{where}: range start {start} is not a code in {VOCABULARY}")
            if start > end:
                raise DataProblem(f"{where}: range start {start} is after its end {end}")
            ranges.add((start, end))
        else:
            raise DataProblem(f"{where}: needs cpv_code, or cpv_start and cpv_end")
    return {
        "name": " ".join(name.split()),
        "citation": f"FOA vedlegg {number}",
        "codes": sorted(codes),
        "ranges": [list(pair) for pair in sorted(ranges)],
    }


def _synonyms(path: Path, vocabulary: dict[str, Any]) -> list[dict[str, Any]]:
    raw = _load(path)
    entries = raw.get("synonyms") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataProblem(f"{_rel(path)}: expected a list `synonyms:`")
    seen: dict[str, int] = {}
    result = []
    for index, item in enumerate(entries, start=1):
        where = f"{_rel(path)}: synonyms entry {index}"
        if not isinstance(item, dict) or set(item) - {"words", "codes", "note"}:
            raise DataProblem(f"{where}: expected a mapping with words, codes and an optional note")
        words, codes, note = item.get("words"), item.get("codes"), item.get("note")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise DataProblem(f"{where}: `words` must be a non-empty list of words")
        if not isinstance(codes, list) or not codes:
            raise DataProblem(f"{where}: `codes` must be a non-empty list of CPV codes")
        checked = [_code(code, f"{where}: codes") for code in codes]
        for code in checked:
            if code not in vocabulary:
                raise DataProblem(f"{where}: {code} is not a code in {VOCABULARY}")
        if len(set(checked)) != len(checked):
            raise DataProblem(f"{where}: a code is listed twice")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            raise DataProblem(f"{where}: `note` must be text")
        for word in words:
            key = " ".join(word.casefold().split())
            if key in seen:
                raise DataProblem(f"{where}: the word {word!r} is already in entry {seen[key]}")
            seen[key] = index
        result.append(
            {
                "words": [" ".join(w.split()) for w in words],
                "codes": checked,
                "note": " ".join(note.split()) if note else None,
            }
        )
    return result


def _code(value: object, where: str) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise DataProblem(f"{where}: {value!r} is not a CPV code of 8 digits (write it in quotes)")
    return value


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file; write nothing")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="folder with the sources (default data/cpv)")
    parser.add_argument("--output", type=Path, default=TARGET, help="the file to write")
    args = parser.parse_args(argv)
    try:
        text = render(build(args.sources))
    except DataProblem as problem:
        print(f"gen_cpv: {problem}", file=sys.stderr)
        return 1
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != text:
            print(f"gen_cpv: {_rel(output)} is stale; run `python scripts/gen_cpv.py`", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    print(f"gen_cpv: wrote {_rel(output)} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
