"""The JSON Schemas (draft-07) of the catalogue's files, for authors' editors, and the key table in README.

The schemas live beside the trees, in trees/schemas/ (in the wheel: anskaffelse/trees/schemas/), so the
`# yaml-language-server: $schema=schemas/….schema.json` line at the top of each bundled file resolves
from the file, in a clone and in an installed package alike. They describe shape only; `validate`
stays the authority on meaning (references, cycles, reachability).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import UsageError

# The name given to `anskaffelse schema`, the schema file, and the files it describes.
SCHEMAS = {
    "tree": ("tree.schema.json", "et tre (trees/*.yaml)"),
    "sources": ("sources.schema.json", "kilder.yaml"),
    "thresholds": ("thresholds.schema.json", "terskelverdier.yaml"),
    "catalogue": ("catalogue.schema.json", "katalog.yaml (valgfri)"),
}
SCHEMA_DIR = "schemas"
DECLARATION = "# yaml-language-server: $schema="


def schema_path(name: str) -> Path:
    """The bundled schema file for `tree`, `sources`, `thresholds` or `catalogue`."""
    from .catalog import bundled_trees

    if name not in SCHEMAS:
        raise UsageError(f"ukjent skjema «{name}»; velg {', '.join(SCHEMAS)}")
    return bundled_trees() / SCHEMA_DIR / SCHEMAS[name][0]


def schema_text(name: str) -> str:
    """The schema as it is shipped (JSON text)."""
    return schema_path(name).read_text(encoding="utf-8")


def schema_for(file_name: str) -> str:
    """Which schema a catalogue file follows: kilder.yaml → sources, terskelverdier.yaml → thresholds,
    katalog.yaml → catalogue, any other → tree."""
    known = {"kilder.yaml": "sources", "terskelverdier.yaml": "thresholds", "katalog.yaml": "catalogue"}
    return known.get(file_name, "tree")


def declaration(file_name: str) -> str:
    """The first line of a bundled file: where its schema is, relative to the file."""
    return f"{DECLARATION}{SCHEMA_DIR}/{SCHEMAS[schema_for(file_name)][0]}"


def keys(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every key of the schema, once, as (where it stands, its description): `nodes.<id>.question`."""
    seen: set[str] = set()
    said: set[tuple[str, str]] = set()  # a key met again with the same meaning ({threshold} in gt, gte …) once
    definitions = schema.get("definitions", {})

    def walk(node: dict[str, Any], where: str, refs: frozenset[str]) -> Iterator[tuple[str, str]]:
        ref = node.get("$ref", "")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in refs:
                yield from walk(definitions[name], where, refs | {name})
            return
        for key, value in node.get("properties", {}).items():
            path = f"{where}.{key}" if where else key
            text = value.get("description", "")
            if path not in seen and (key, text) not in said:
                seen.add(path)
                said.add((key, text))
                yield path, text
            yield from walk(value, path, refs)
        more = node.get("additionalProperties")
        if isinstance(more, dict):
            yield from walk(more, f"{where}.<id>" if where else "<id>", refs)
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], f"{where}[]", refs)
        for combined in ("allOf", "anyOf", "oneOf"):
            for part in node.get(combined, []):
                yield from walk(part, where, refs)

    yield from walk(schema, "", frozenset())


def key_tables() -> str:
    """The README's key tables, one per schema, made from the descriptions in the schemas."""
    blocks = []
    for name, (_, describes) in SCHEMAS.items():
        schema = json.loads(schema_text(name))
        rows = ["| `{}` | {} |".format(path, text.replace("|", "\\|")) for path, text in keys(schema)]
        head = [f"**{describes}** (`anskaffelse schema {name}`):", "", "| nøkkel | betyr |", "|---|---|"]
        blocks.append("\n".join(head + rows))
    return "\n\n".join(blocks) + "\n"
