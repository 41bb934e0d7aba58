"""Schema errors of a trace in Norwegian, each with its JSON path (for trace.parse_trace)."""

from __future__ import annotations

import json
import re
from typing import Any

from .findings import suggest

_TYPES = {
    "object": "et objekt ({…})",
    "array": "en liste ([…])",
    "string": "tekst",
    "integer": "et heltall",
    "number": "et tall",
    "boolean": "true eller false",
    "null": "null",
}
_PATTERNS = {
    "^[a-z][a-z0-9_-]*$": "er ikke en gyldig id (små bokstaver a–z, sifre, - og _, og først en bokstav)",
    "^[0-9a-f]{64}$": "er ikke en sha256-sjekksum (64 tegn 0–9 og a–f)",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "er ikke en dato ÅÅÅÅ-MM-DD",
    "^[0-9]{1,15}([.][0-9]{1,2})?$": "er ikke et beløp (sifre, høyst 15 før desimaltegnet og 2 etter, f.eks. 1300000)",
    "^(https?://\\S+)?$": "er ikke en http(s)-adresse",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$": (
        "er ikke et tidspunkt ÅÅÅÅ-MM-DDTtt:mm:ss+00:00"
    ),
}


def describe(error: Any) -> str:
    """One schema error as `path: problem` in Norwegian."""
    path, kind, instance, expected = tuple(error.absolute_path), error.validator, error.instance, error.validator_value
    where = json_path(path)
    if kind == "required":
        missing = next((k for k in expected if k not in instance), "?")
        return f"{json_path((*path, missing))} mangler"
    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        extra = next((k for k in instance if k not in known), "?")
        hint = suggest(extra, known) or f"; tillatt: {', '.join(known)}"
        return f"{where}: ukjent nøkkel «{short(extra)}»{hint}"
    if kind == "type":
        wanted = [expected] if isinstance(expected, str) else expected
        return f"{where}: forventet {' eller '.join(_TYPES.get(t, t) for t in wanted)}, fant {kind_of(instance)}"
    if kind in ("enum", "const"):
        allowed = expected if kind == "enum" else [expected]
        return f"{where}: {kind_of(instance)} er ikke en gyldig verdi ({', '.join(str(a) for a in allowed)})"
    if kind == "pattern":
        return f"{where}: «{short(instance)}» {_PATTERNS.get(expected, f'har feil form (mønster {expected})')}"
    if kind == "format":
        what = "tidspunktet" if expected == "date-time" else "datoen"
        return f"{where}: {what} «{short(instance)}» finnes ikke i kalenderen"
    if kind in ("exclusiveMinimum", "minimum"):
        return f"{where}: tallet {short(str(instance))} må være større enn {expected}"
    if kind in ("exclusiveMaximum", "maximum"):
        return f"{where}: tallet {short(str(instance))} er urimelig stort (høyst 15 sifre før desimaltegnet)"
    if kind == "maxLength":
        return f"{where}: teksten er for lang ({len(instance)} tegn; høyst {expected})"
    if kind in ("minLength", "minItems"):
        return f"{where}: kan ikke være tom"
    return f"{where}: {error.message}"  # a keyword a later schema may use; jsonschema's own words


def json_path(path: tuple[str | int, ...]) -> str:
    """A JSON path as a reader writes it: steps[0].origin (the top level: «tracen»)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(short(part), ensure_ascii=False)}]"
    return out or "tracen"


def kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "et objekt"
    if isinstance(value, list):
        return "en liste"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"tallet {short(str(value))}"
    return f"«{short(str(value))}»"


def short(text: str) -> str:
    """Text as a message quotes it: on one line (a line break or tab shown as \\n or \\t), at most 40 characters."""
    text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= 40 else text[:37] + "…"
