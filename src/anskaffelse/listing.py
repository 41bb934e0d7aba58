"""Plain-text output of `list` and `validate`: no rich, so the commands authors run on every save start fast."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from .catalog import check
from .findings import Finding, display_path, errors_only, tally
from .model import Catalogue
from .phrases import visible

Paint = Callable[..., str]


def paint() -> Paint:
    """typer.style on a colour terminal (NO_COLOR not set), else text as it is; data in the text is
    made visible() either way (the lines below that are not painted are made so where they are built)."""
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return lambda text, **_: visible(text)
    import typer

    return lambda text, **style: typer.style(visible(text), **style)


def tree_listing(catalogue: Catalogue, width: int, paint: Paint) -> str:
    """The trees as aligned columns, the title last and wrapped."""
    header = ("id", "versjon", "gyldig fra", "tittel")
    rows = [
        (t.id, t.version, t.valid_from.isoformat() if t.valid_from else "–", t.title)
        for t in sorted(catalogue.trees.values(), key=lambda t: t.id)
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    indent = sum(widths) + 2 * 3 + 2
    lines = [f"Trær i {catalogue.root} ({len(rows)}):", ""]
    if width - indent - 1 < 24:  # too narrow for a title column: each tree on two lines
        for tree_id, version, valid, name in rows:
            lines.append(paint(tree_id, bold=True) + visible(f" · versjon {version} · fra {valid}"))
            lines += ["    " + visible(part) for part in textwrap.wrap(name, max(20, width - 5))]
        return "\n".join(lines)
    for number, row in enumerate([header, *rows]):
        left = "  " + "".join(cell.ljust(w + 2) for cell, w in zip(row, widths, strict=False))
        wrapped = textwrap.wrap(row[3], width - indent - 1) or [""]
        text = "\n".join([left + wrapped[0]] + [" " * indent + more for more in wrapped[1:]])
        lines.append(paint(text, bold=True) if number == 0 else visible(text))
    return "\n".join(lines)


def count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}".replace(",", " ")


def validation_report(targets: Sequence[Path], paint: Paint) -> tuple[list[str], int]:
    """Every finding as `fil:linje:kolonne: melding`, then a summary line per target; and the error count."""
    checked: dict[Path, tuple[Catalogue, list[Finding]]] = {}
    lines: list[str] = []
    total_errors = 0
    for target in targets:
        root, only = (target.parent, display_path(target)) if target.is_file() else (target, None)
        if root not in checked:  # several files of one folder: the catalogue is read once
            checked[root] = check(root)
        catalogue, findings = checked[root]
        if only:
            findings = [f for f in findings if f.loc.file == only]
        errors = errors_only(findings)
        total_errors += tally(errors)
        for finding in findings:
            level = paint("advarsel: ", fg="yellow") if finding.warning else paint("feil: ", fg="red")
            lines.append(paint(f"{finding.loc}: ", bold=True) + level + visible(finding.message))
        trees_here = [t for t in catalogue.trees.values() if not only or t.loc.file == only]
        sources = len(catalogue.sources) if not only or Path(only).name == "kilder.yaml" else 0
        counts = [
            count(len(trees_here), "tre", "trær"),
            count(sum(len(t.nodes) for t in trees_here), "node", "noder"),
            count(sources, "kilde", "kilder"),
            count(tally(errors), "feil", "feil"),
            count(tally(findings) - tally(errors), "advarsel", "advarsler"),
        ]
        lines.append(paint(f"{only or catalogue.root}: {', '.join(counts)}", fg="red" if errors else "green"))
    return lines, total_errors
