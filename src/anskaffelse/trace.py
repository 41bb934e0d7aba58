"""The saved walk ("trace"): its type, its published schemas and the one reader of a trace file.

Every trace a command reads (`export`, `replay`, `run --answers`) goes through `parse_trace`: decoded,
parsed, every string and number scanned, and checked against the JSON Schema of its version before any
other code reads it. A trace that fails is a TraceError (exit 1) naming the file, JSON path and problem.
"""

# No `from __future__ import annotations` here: typing would compile each TypedDict field's annotation
# text (about 80 of them) every time the module is imported; as objects they cost nothing.
import datetime as dt
import functools
import json
import math
import os
import re
from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, cast

from .errors import TraceError, UsageError
from .findings import display_path
from .model import Origin
from .schemacheck import compile_schema, inlined
from .schemamessages import describe, json_path, kind_of, short
from .yamlfile import YamlProblem, read_bytes

TRACE_SCHEMA = "anskaffelse.trace/3"  # the version this tool writes
# Every version this tool reads, and its schema in anskaffelse/schemas/. A published version is
# never removed: a new one (anskaffelse.trace/3, trace-3.schema.json) is added beside it.
SCHEMA_VERSIONS: dict[str, str] = {
    "anskaffelse.trace/1": "trace-1.schema.json",
    "anskaffelse.trace/2": "trace-2.schema.json",  # adds content_sha256 and catalogue_files
    "anskaffelse.trace/3": "trace-3.schema.json",  # adds sak, law_as_of, alternatives; navigation and input in steps
}
MAX_PROBLEMS = 10  # problems listed for one trace; the first is the message, the rest its details
MAX_VALUES = 100_000  # values (strings, numbers, …) in a trace; a walk of 200 questions makes a few thousand


# --- the type ---------------------------------------------------------------------


class TraceSource(TypedDict):
    id: str
    citation: str
    title: str
    url: str


class TraceFile(TypedDict):
    id: str
    version: str
    file: str
    sha256: str


class CatalogueFile(TypedDict):
    file: str
    sha256: str


class TraceTree(TypedDict):
    id: str
    title: NotRequired[str]
    version: str
    sha256: str  # of all the tree files used, see export.build_trace
    files: NotRequired[list[TraceFile]]


class TraceStep(TypedDict):
    tree: str
    node: str
    key: str
    question: str
    answer: int | str  # an amount in whole kroner is a number; everything else is text
    answer_label: str
    origin: Origin
    help_shown: bool
    sources: list[TraceSource]
    navigation: NotRequired[bool]  # version 3 on: a question that only chooses the way (not a fact)
    input: NotRequired[str]  # version 3 on, free answers only: amount, number, date, text, yesno or cpv


class TraceOutcome(TypedDict):
    tree: str
    node: str
    verdict: str  # tillatt, ikke_tillatt, vurder or utenfor_regelverket (the schema enforces it)
    title: str
    text: str
    steps: list[str]
    document: list[str]
    sources: list[TraceSource]
    waypoint: NotRequired[bool]  # version 3 on: an outcome other trees go on from (a conclusion on the way)


ThresholdUsed = TypedDict(
    "ThresholdUsed",
    {
        "id": str,
        "title": str,
        "amount": int | float | str,
        "from": str,  # a keyword in Python, hence this form
        "source": TraceSource,
        "checked": NotRequired[str | None],
        "confirmed_until": NotRequired[str | None],
        "warnings": NotRequired[list[str]],
        "status": NotRequired[str],  # rapportert or oppgitt (by the user), with where from; absent: confirmed
        "origin": NotRequired[str],
    },
)

TraceNotice = TypedDict(  # a change in the law (Source.changes)
    "TraceNotice",
    {"source": str, "citation": str, "from": str, "status": str, "checked": str | None, "text": str},
)


class TraceCpv(TypedDict):
    code: str
    label: str


class TraceCase(TypedDict, total=False):
    """The case details (version 3 on; see casefile)."""

    saksnummer: str
    oppdragsgiver: str
    adresse: str
    gjelder: str
    leverandor: str
    saksbehandler: str
    beskrivelse: str
    cpv: TraceCpv


class LawAsOf(TypedDict):
    law: str
    date: str


class TraceResult(TypedDict):
    tree: str
    node: str
    verdict: str
    title: str


class TraceOther(TypedDict):
    """Another answer (or, for an amount, a band of amounts) and where it leads (see alternatives)."""

    answer: str
    answer_label: str
    outcome: TraceResult | None  # None: the walk would need answers it does not have
    needs: NotRequired[str]
    passed: NotRequired[list[str]]
    current: NotRequired[bool]


class TraceAlternative(TypedDict):
    key: str
    question: str
    answer_label: str
    others: list[TraceOther]


class Trace(TypedDict):
    schema: str
    content_sha256: NotRequired[str]  # version 2 on: see record.content_hash
    tool_version: str
    created: str
    date_of_assessment: str
    tree: TraceTree
    catalogue_files: NotRequired[list[CatalogueFile]]  # version 2 on: kilder.yaml, terskelverdier.yaml
    sak: NotRequired[TraceCase]  # version 3 on, when there are case details
    law_as_of: NotRequired[list[LawAsOf]]  # version 3 on, when the catalogue says which legal texts it follows
    steps: list[TraceStep]
    outcome: TraceOutcome | None
    thresholds: list[ThresholdUsed]
    path: NotRequired[list[str]]
    passed: NotRequired[list[TraceOutcome]]  # traces from before it have none
    notices: NotRequired[list[TraceNotice]]  # changes in the law the catalogue does not yet follow
    thresholds_file: NotRequired[CatalogueFile]  # the user's own thresholds (--thresholds)
    alternatives: NotRequired[list[TraceAlternative]]  # version 3 on: what would have changed the result
    complete: bool


# --- reading ----------------------------------------------------------------------


def read_trace(path: str | os.PathLike[str]) -> Trace:
    """A saved trace, checked against the schema of its version; TraceError (exit 1) when it is not one.

    A file that cannot be read at all (missing, a folder, unreadable, over the size limit) is a UsageError.
    """
    shown = display_path(path)
    try:
        data = read_bytes(path, shown)
    except YamlProblem as problem:
        raise UsageError(str(problem.finding)) from None
    return parse_trace(data, shown)


def parse_trace(data: bytes, shown: str) -> Trace:
    """The bytes of a trace file (named `shown` in messages) → a checked Trace, or TraceError."""
    value = _loads(_decode(data, shown), shown)
    problem = _scan(value)
    if problem:
        raise TraceError(f"{shown}: {problem}")
    if not isinstance(value, dict):
        raise TraceError(f"{shown}: ikke en trace fra anskaffelse (forventet et JSON-objekt, fant {kind_of(value)})")
    version = value.get("schema")
    if not isinstance(version, str) or version not in SCHEMA_VERSIONS:
        raise TraceError(f"{shown}: {_unknown_version(version, present='schema' in value)}")
    problems = [f"{shown}: {p}" for p in _check(value, version)]
    if problems:
        raise TraceError(problems[0], details=problems[1:])
    return cast(Trace, value)


def schema_document(version: str = TRACE_SCHEMA) -> dict[str, Any]:
    """The JSON Schema of a trace version, as shipped in the package."""
    from importlib import resources  # here, not at the top: only a command that reads a trace needs it

    name = SCHEMA_VERSIONS[version]
    text = resources.files("anskaffelse").joinpath("schemas", name).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


def _unknown_version(version: object, *, present: bool) -> str:
    readable = ", ".join(SCHEMA_VERSIONS)
    if not present:
        return f"ikke en trace fra anskaffelse (mangler «schema»; forventet {readable})"
    if isinstance(version, str) and version.startswith("anskaffelse.trace/"):
        return (
            f"schema: ukjent trace-versjon «{short(version)}»; denne versjonen av anskaffelse leser {readable} "
            "(er tracen laget med en nyere versjon?)"
        )
    return f"ikke en trace fra anskaffelse (schema er {kind_of(version)}; forventet {readable})"


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TraceError(f"{shown}:{line}: filen er ikke gyldig UTF-8 (byte {exc.start + 1})") from None


class _Refused:
    """A number JSON may hold but a trace may not (NaN, Infinity, 1e999999999, 16 digits and more);
    it stands in the parsed value, so that the scan can name its JSON path."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Object(dict[str, Any]):
    """A JSON object; `twice` is a key it had more than once (json keeps the last silently)."""

    twice: str | None = None


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object()
    for key, value in pairs:
        if key in result and result.twice is None:
            result.twice = key
        result[key] = value
    return result


def _number(text: str) -> float | _Refused:
    number = float(text)
    return number if math.isfinite(number) else _Refused(text)


def _integer(text: str) -> int | _Refused:
    return int(text) if len(text.lstrip("-")) <= 15 else _Refused(text)


def _loads(text: str, shown: str) -> Any:
    try:
        return json.loads(
            text, object_pairs_hook=_pairs, parse_float=_number, parse_int=_integer, parse_constant=_Refused
        )
    except json.JSONDecodeError as exc:
        raise TraceError(f"{shown}:{exc.lineno}:{exc.colno}: ugyldig JSON ({exc.msg}); er filen avkuttet?") from None
    except RecursionError:
        raise TraceError(
            f"{shown}: for dyp nøsting i JSON-en ([ eller {{ inni hverandre i hundrevis av nivåer); "
            "det er ikke en trace fra anskaffelse"
        ) from None


# A terminal obeys control characters (ESC, CSI, CR); a lone surrogate (from an escape such as
# "\ud800") cannot be written as UTF-8 at all. Neither has a place in a trace.
_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _scan(value: Any) -> str | None:
    """The first problem JSON parsing lets through: more values than any walk makes, a refused number,
    a key given twice, or a control character or lone surrogate in a string (key or value).
    Iterative, and it stops at MAX_VALUES: the schema check after it takes time in proportion."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    count = 0
    while stack:
        path, item = stack.pop()
        if not isinstance(item, dict | list):
            problem = _leaf(item)
            if problem:
                return f"{json_path(path)}: {problem}"
            continue
        count += len(item)
        if count > MAX_VALUES:
            return f"tracen er urimelig stor (over {_grouped(MAX_VALUES)} verdier; en gjennomgang gir langt færre)"
        if isinstance(item, dict):
            bad = next((m for m in map(_BAD_CHAR.search, item) if m), None)
            if bad:
                return f"{json_path(path)}: en nøkkel har {_bad_char(bad.group())}, som ikke kan stå i en trace"
            if isinstance(item, _Object) and item.twice is not None:
                return f"{json_path(path)}: nøkkelen «{short(item.twice)}» står to ganger"
        children = item.items() if isinstance(item, dict) else enumerate(item)
        stack += reversed([((*path, key), child) for key, child in children])
    return None


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # 100 000, as Norwegian writes it


def _leaf(item: object) -> str | None:
    if isinstance(item, str):
        bad = _BAD_CHAR.search(item)
        return f"teksten har {_bad_char(bad.group())}, som ikke kan stå i en trace" if bad else None
    if isinstance(item, _Refused):
        return _refused(item.text)
    return None


def _bad_char(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"et ugyldig tegn ({code}: et halvt surrogatpar, fra en \\u-escape)"
    return f"kontrolltegnet {code}"


def _refused(text: str) -> str:
    if text in ("NaN", "Infinity", "-Infinity"):
        return f"«{text}» er ikke et tall en trace kan inneholde"
    return f"tallet «{short(text)}» er urimelig stort (høyst 15 sifre før desimaltegnet)"


# --- the schema check -------------------------------------------------------------


def _check(value: dict[str, Any], version: str) -> list[str]:
    """What the schema of `version` finds wrong, in Norwegian, each with its JSON path.

    A valid trace passes the fast check (schemacheck); only one it rejects is checked by jsonschema."""
    fast = _fast_check(version)
    if fast is not None and fast(value):
        return []
    problems: list[str] = []
    for error in _validator(version).iter_errors(value):
        problem = describe(error)
        if problem not in problems:
            problems.append(problem)
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


@functools.cache
def _fast_check(version: str) -> Callable[[Any], bool] | None:
    return compile_schema(inlined(schema_document(version)), {"date": _is_date, "date-time": _is_datetime})


@functools.cache
def _validator(version: str) -> Any:
    import jsonschema  # here, not at the top: only a command that reads a trace needs it

    checker = jsonschema.FormatChecker(formats=())  # only the formats below; none of jsonschema's optional ones
    checker.checks("date", raises=ValueError)(_is_date)
    checker.checks("date-time", raises=ValueError)(_is_datetime)
    # A pattern must match the whole text: with re.search, "$" would let a trailing line break through.
    extend = jsonschema.validators.extend
    cls = extend(jsonschema.Draft202012Validator, {"pattern": _whole_pattern})  # type: ignore[no-untyped-call]
    return cls(inlined(schema_document(version)), format_checker=checker)


def _whole_pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not re.fullmatch(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_date(text: object) -> bool:
    if isinstance(text, str):
        dt.date.fromisoformat(text)
    return True


def _is_datetime(text: object) -> bool:
    if isinstance(text, str):
        dt.datetime.fromisoformat(text)
    return True
