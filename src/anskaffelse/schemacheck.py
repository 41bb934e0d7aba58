"""A fast yes/no check of a value against a trace schema, for the common case: the trace is valid.

jsonschema spends ~5 ms on a trace (most of it evolving validators and resolving references), which
an archive of 10 000 traces cannot afford. `compile_schema` turns a schema into plain closures for
the keywords the trace schemas use, with jsonschema's meaning. It only ever says «valid»; a value it
rejects is checked again by jsonschema, whose errors become the messages. A schema with a keyword
it does not know is not compiled (None), and jsonschema checks every trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

Check = Callable[[Any], bool]
_IGNORED = {"$schema", "$id", "title", "description", "$comment", "examples", "default"}
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


class _Unknown(Exception):
    """A keyword (or a form of one) this module does not check."""


def inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local "$ref": "#/$defs/…" replaced by the definition (merged with the keys
    beside it, or under allOf where a key is in both). A trace schema has no recursion, and resolving a
    reference is most of jsonschema's time."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: walk(value) for key, value in node.items() if key != "$defs"}
        ref = node.pop("$ref", None)
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            return node if ref is None else {**node, "$ref": ref}
        target = walk(defs[ref.removeprefix("#/$defs/")])
        return {**node, **target} if not set(node) & set(target) else {**node, "allOf": [target]}

    return cast(dict[str, Any], walk(schema))


def compile_schema(schema: dict[str, Any], formats: dict[str, Callable[[str], object]]) -> Check | None:
    """A fast check of an inlined schema (True: valid), or None when it uses a keyword not handled here.
    `formats` raise ValueError for a text that is not of the format."""
    try:
        return _compile(schema, formats)
    except _Unknown:
        return None


def _compile(schema: dict[str, Any], formats: dict[str, Callable[[str], object]]) -> Check:
    found = [_keyword(key, value, schema, formats) for key, value in schema.items() if key not in _IGNORED]
    checks = [c for c in found if c is not None]
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    return lambda v: all(check(v) for check in checks)


def _keyword(key: str, value: Any, schema: dict[str, Any], formats: dict[str, Callable[[str], object]]) -> Check | None:
    if key == "type":
        kinds = [_TYPES[t] for t in ([value] if isinstance(value, str) else value)]
        return kinds[0] if len(kinds) == 1 else lambda v: any(kind(v) for kind in kinds)
    if key == "properties":
        props = {name: _compile(sub, formats) for name, sub in value.items()}
        return lambda v: not isinstance(v, dict) or all(props[k](v[k]) for k in props.keys() & v.keys())
    if key == "additionalProperties" and value is False and not schema.get("patternProperties"):
        allowed = set(schema.get("properties", {}))
        return lambda v: not isinstance(v, dict) or v.keys() <= allowed
    if key == "required":
        needed = list(value)
        return lambda v: not isinstance(v, dict) or all(k in v for k in needed)
    if key == "items" and isinstance(value, dict):
        item = _compile(value, formats)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if key == "allOf":
        parts = [_compile(sub, formats) for sub in value]
        return lambda v: all(part(v) for part in parts)
    if key in ("enum", "const") and all(isinstance(x, str) for x in (value if key == "enum" else [value])):
        allowed_text = set(value if key == "enum" else [value])
        return lambda v: isinstance(v, str) and v in allowed_text
    return _leaf_keyword(key, value, formats)


def _leaf_keyword(key: str, value: Any, formats: dict[str, Callable[[str], object]]) -> Check | None:
    number = _TYPES["number"]
    if key == "pattern":
        pattern = re.compile(value)  # the whole text, as trace._whole_pattern
        return lambda v: not isinstance(v, str) or pattern.fullmatch(v) is not None
    if key == "format" and value in formats:
        return lambda v: not isinstance(v, str) or _is_format(formats[value], v)
    if key in ("maxLength", "minLength"):
        limit = int(value)
        return (
            (lambda v: not isinstance(v, str) or len(v) <= limit)
            if key == "maxLength"
            else (lambda v: not isinstance(v, str) or len(v) >= limit)
        )
    if key == "minItems":
        least = int(value)
        return lambda v: not isinstance(v, list) or len(v) >= least
    if key == "exclusiveMinimum":
        return lambda v: not number(v) or v > value
    if key == "exclusiveMaximum":
        return lambda v: not number(v) or v < value
    raise _Unknown(key)


def _is_format(check: Callable[[str], object], text: str) -> bool:
    try:
        return bool(check(text))
    except ValueError:
        return False
