"""Finding, loading and checking the catalogue a command works on."""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path

from .errors import CatalogueError
from .loader import load_catalogue
from .model import Catalogue, Finding, Threshold, errors_only
from .validate import validate
from .values import format_amount

ENV_TREES = "ANSKAFFELSE_TREES"
ADJUSTMENT_YEARS = 2  # EØS thresholds are adjusted every second year


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


def check(root: Path) -> tuple[Catalogue, list[Finding]]:
    """Load and validate; returns every finding (errors and warnings)."""
    # Loading makes many small objects and no reference cycles; the cyclic collector would only
    # walk them again and again (most of the time on a large catalogue). Afterwards they are
    # frozen: moved out of the collector's sight, or its first runs would walk every one of them
    # again. Reference counting still frees them as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        catalogue, findings = load_catalogue(root)
        return catalogue, sorted(findings + validate(catalogue), key=lambda f: (f.loc, f.message))
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def open_catalogue(root: Path) -> Catalogue:
    """A catalogue safe to walk, or CatalogueError listing every error."""
    catalogue, findings = check(root)
    errors = errors_only(findings)
    if errors:
        raise CatalogueError(
            f"trærne i {catalogue.root} har {len(errors)} feil; rett dem (se «anskaffelse validate»):",
            details=[str(f) for f in errors],
        )
    return catalogue


def threshold_warnings(threshold: Threshold, day: dt.date) -> list[str]:
    """Why a threshold value may not be the one in force on `day` (empty when it is confirmed)."""
    warnings = []
    value = threshold.value_on(day)
    if value is None:
        return [f"{threshold.title}: ingen verdi på {day}; første verdi gjelder fra {threshold.values[0].start}"]
    if threshold.confirmed_until and day > threshold.confirmed_until:
        warnings.append(
            f"{threshold.title}: {format_amount(value.amount)} er bare bekreftet som gjeldende til og med "
            f"{threshold.confirmed_until}; sjekk verdien som gjelder {day}"
        )
    if threshold.checked and day > _plus_years(threshold.checked, ADJUSTMENT_YEARS):
        warnings.append(
            f"{threshold.title}: sist sjekket {threshold.checked}, mer enn {ADJUSTMENT_YEARS} år "
            f"(én justeringsperiode) før {day}; verdien kan være endret"
        )
    return warnings


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
