"""Finding, loading and checking the catalogue a command works on (through the cache in cache.py)."""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from . import cache
from .errors import CatalogueError
from .places import Finding, Location, errors_only

if TYPE_CHECKING:  # the model is imported only where a whole catalogue is needed
    from .model import Catalogue, Threshold

ENV_TREES = "ANSKAFFELSE_TREES"
ADJUSTMENT_YEARS = 2  # EØS thresholds are adjusted every second year
CHECK_CURRENT = "sjekk gjeldende verdi på anskaffelser.no"


class TreeInfo(NamedTuple):
    id: str
    title: str
    version: str
    valid_from: dt.date | None
    file: str  # as shown, like the findings' files
    nodes: int


class Summary(NamedTuple):
    """What `list` and `validate` show of a catalogue: small, so it is quick to keep and read."""

    root: str
    findings: list[Finding]
    trees: list[TreeInfo]
    nodes: int
    sources: int

    @classmethod
    def of(cls, catalogue: Catalogue, findings: list[Finding]) -> Summary:
        trees = [
            TreeInfo(t.id, t.title, t.version, t.valid_from, t.loc.file, len(t.nodes)) for t in catalogue.trees.values()
        ]
        nodes = sum(len(t.nodes) for t in catalogue.trees.values())
        return cls(catalogue.root, findings, trees, nodes, len(catalogue.sources))


def bundled_trees() -> Path:
    """The catalogue shipped with the package (wheel), or the repository's trees/ (editable)."""
    packaged = Path(__file__).with_name("trees")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "trees"


def trees_dir(option: str | os.PathLike[str] | None) -> Path:
    """--trees, else $ANSKAFFELSE_TREES, else the bundled catalogue."""
    if option:
        return Path(option)
    env = os.environ.get(ENV_TREES)
    return Path(env) if env else bundled_trees()


def check(root: Path, contents: dict[str, bytes] | None = None) -> tuple[Catalogue, list[Finding]]:
    """Load and validate, without the cache; returns every finding (errors and warnings)."""
    from .loader import load_catalogue
    from .validate import validate

    # Loading makes many small objects and no reference cycles; the cyclic collector would only
    # walk them again and again (most of the time on a large catalogue). Afterwards they are
    # frozen: moved out of the collector's sight, or its first runs would walk every one of them
    # again. Reference counting still frees them as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        catalogue, findings = load_catalogue(root, contents)
        return catalogue, sorted(findings + validate(catalogue), key=lambda f: (f.loc, f.message))
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def summarize(root: Path) -> Summary:
    """The findings and contents of a catalogue, from the cache when its files are unchanged."""
    snapshot = cache.take(root)
    if snapshot is not None:
        found = _summary_from(snapshot.load("check"))
        if found is not None:
            return found
    catalogue, findings = check(root, snapshot.contents if snapshot else None)
    summary = Summary.of(catalogue, findings)
    if snapshot is not None:
        snapshot.store("check", _summary_to(summary))
    return summary


def open_catalogue(root: Path) -> Catalogue:
    """A catalogue safe to walk, or CatalogueError listing every error."""
    snapshot = cache.take(root)
    if snapshot is not None:
        found = snapshot.load("model")
        if _sound(found):
            return found
    catalogue, findings = check(root, snapshot.contents if snapshot else None)
    if snapshot is not None:
        snapshot.store("check", _summary_to(Summary.of(catalogue, findings)))
    raise_errors(catalogue.root, findings)
    if snapshot is not None:
        snapshot.store("model", catalogue)
    return catalogue


def _sound(found: Any) -> TypeGuard[Catalogue]:
    """A catalogue read from the cache has the shape of one (a hand-edited entry is a miss)."""
    from .model import Catalogue, Source, Threshold, Tree

    return (
        isinstance(found, Catalogue)
        and isinstance(found.trees, dict)
        and all(isinstance(t, Tree) and isinstance(t.nodes, dict) for t in found.trees.values())
        and isinstance(found.sources, dict)
        and all(isinstance(s, Source) for s in found.sources.values())
        and isinstance(found.thresholds, dict)
        and all(isinstance(t, Threshold) for t in found.thresholds.values())
    )


def raise_errors(root: str, findings: list[Finding]) -> None:
    errors = errors_only(findings)
    if errors:
        raise CatalogueError(
            f"trærne i {root} har {len(errors)} feil; rett dem (se «anskaffelse validate»):",
            details=[str(f) for f in errors],
        )


def _summary_to(summary: Summary) -> dict[str, Any]:
    return {
        "root": summary.root,
        "findings": [[*f.loc, f.message, f.warning] for f in summary.findings],
        "trees": [
            [t.id, t.title, t.version, t.valid_from.isoformat() if t.valid_from else None, t.file, t.nodes]
            for t in summary.trees
        ],
        "nodes": summary.nodes,
        "sources": summary.sources,
    }


def _summary_from(data: Any) -> Summary | None:
    """A summary read back from JSON; None when it is not the shape written above."""
    try:
        findings = [Finding(Location(str(f), int(ln), int(c)), str(m), bool(w)) for f, ln, c, m, w in data["findings"]]
        trees = [
            TreeInfo(str(i), str(t), str(v), dt.date.fromisoformat(d) if d else None, str(f), int(n))
            for i, t, v, d, f, n in data["trees"]
        ]
        return Summary(str(data["root"]), findings, trees, int(data["nodes"]), int(data["sources"]))
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return None


def threshold_warnings(threshold: Threshold, day: dt.date, *, confirmation: bool = True) -> list[str]:
    """Why a threshold value may not be the one in force on `day` (empty when it is confirmed).

    `confirmation=False` leaves out the warning that `day` is past `confirmed_until` (said once
    for many thresholds by catalogue_threshold_warnings).
    """
    from .values import format_amount

    warnings = []
    value = threshold.value_on(day)
    if value is None:
        return [f"{threshold.title}: ingen verdi på {day}; første verdi gjelder fra {threshold.values[0].start}"]
    if confirmation and threshold.confirmed_until and day > threshold.confirmed_until:
        warnings.append(
            confirmation_warning(threshold.title, format_amount(value.amount), threshold.confirmed_until, day)
        )
    if threshold.checked and day > _plus_years(threshold.checked, ADJUSTMENT_YEARS):
        warnings.append(
            f"{threshold.title}: sist sjekket {threshold.checked}, mer enn {ADJUSTMENT_YEARS} år "
            f"(én justeringsperiode) før {day}; verdien kan være endret"
        )
    return warnings


def catalogue_threshold_warnings(thresholds: list[Threshold], day: dt.date) -> list[str]:
    """The warnings of a list of thresholds, with the common case said once: every value confirmed
    only until the same date (as when the next adjustment is not yet in the sources)."""
    common = said_once(
        [t.confirmed_until.isoformat() if t.confirmed_until else None for t in thresholds], day.isoformat()
    )
    if common:
        return [common, *(w for t in thresholds for w in threshold_warnings(t, day, confirmation=False))]
    return [w for t in thresholds for w in threshold_warnings(t, day)]


def said_once(confirmed_until: list[str | None], day: str) -> str | None:
    """The one caveat for several thresholds all confirmed only until the same date before `day`
    (ISO dates), or None when their caveats are to be said one by one."""
    distinct = set(confirmed_until)
    until = next(iter(distinct)) if len(distinct) == 1 else None
    if len(confirmed_until) < 2 or until is None or day <= until:  # ISO dates compare as text
        return None
    return common_confirmation_warning(until, day)


def confirmation_warning(title: str, amount: str, until: dt.date | str, day: dt.date | str) -> str:
    """That one threshold's amount is confirmed only until `until`, which is before `day`."""
    return f"{title}: {amount} er bekreftet som gjeldende til og med {until}, men ikke for {day}; {CHECK_CURRENT}"


def common_confirmation_warning(until: dt.date | str, day: dt.date | str) -> str:
    """confirmation_warning for several thresholds confirmed until the same date, said once."""
    return (
        f"Ingen av beløpene er bekreftet for {day}: kildene bekrefter dem til og med {until}, "
        f"og EØS-terskelverdiene justeres hvert {ADJUSTMENT_YEARS}. år; {CHECK_CURRENT}"
    )


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
