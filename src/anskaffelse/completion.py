"""Shell completion: tree names for `run`, `show` and `test`, and `ID=VERDI` for `--set`.

Called by the shell on every Tab, so it never prints and never fails: a catalogue that cannot be read
gives no suggestions. The catalogue is read without validation (the loader only), from --trees when
it is already on the command line, else from $ANSKAFFELSE_TREES or the bundled catalogue.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from .model import Call, Catalogue, Goto

REGISTRIES = ("kilder", "terskelverdier", "katalog")


def _root(ctx: Any) -> Path:
    from .catalog import trees_dir

    params = getattr(ctx, "params", None) or {}
    return trees_dir(params.get("trees"))


def _catalogue(ctx: Any) -> Catalogue | None:
    from .catalog import load_catalogue
    from .findings import Findings

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return load_catalogue(_root(ctx), Findings())
    except Exception:  # a completion never breaks the shell
        return None


def tree_names(ctx: Any, incomplete: str) -> list[str]:
    """The trees in the catalogue whose id starts with what is typed (a tree's id is its file name)."""
    try:
        names = sorted(p.stem for p in _root(ctx).iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return []
    return [n for n in names if n not in REGISTRIES and not n.startswith(".") and n.startswith(incomplete)]


def _trees_reached(catalogue: Catalogue, start: str | None) -> list[str]:
    """The tree and every tree it calls or goes to; all trees when none is named."""
    if not start or start not in catalogue.trees:
        return sorted(catalogue.trees)
    found, todo = [start], [start]
    while todo:
        for node in catalogue.trees[todo.pop()].nodes.values():
            other = node.tree if isinstance(node, Call | Goto) else None
            if other in catalogue.trees and other not in found:
                found.append(other)
                todo.append(other)
    return found


def set_values(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """`--set` answers: `ID=` for each question (with its text), and `ID=VALG` for each choice."""
    catalogue = _catalogue(ctx)
    if catalogue is None:
        return []
    params = getattr(ctx, "params", None) or {}
    offers: dict[str, str] = {}
    for tree_id in _trees_reached(catalogue, params.get("tree")):
        for question in catalogue.trees[tree_id].questions():
            offers.setdefault(f"{question.key}=", question.text)
            for choice in question.choices:
                offers.setdefault(f"{question.key}={choice.id}", choice.label)
    if "=" not in incomplete:  # first the keys; the values once a key is chosen
        offers = {k: v for k, v in offers.items() if k.endswith("=")}
    return [(value, text) for value, text in sorted(offers.items()) if value.startswith(incomplete)]


def case_targets(ctx: Any, incomplete: str) -> list[str]:
    """`test`: the tree names (each runs that tree's cases); when none fits, the shell completes a path."""
    return tree_names(ctx, incomplete)
