"""The catalogue a command works on: where it is, its files read (yamlfile), built (loader) and checked
(validate), and what its thresholds warn of."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import CatalogueError
from .findings import Finding, Findings, Location, display_path, errors_only
from .loader import build_tree
from .metadata import CATALOGUE_FILE, build_law_as_of
from .model import SUPPLIED, Catalogue, Source, Threshold, Tree
from .phrases import capped_lines
from .registry import SOURCES_FILE, THRESHOLDS_FILE, build_sources, build_supplied, build_thresholds
from .validate import validate
from .values import format_amount
from .yamlfile import Reader, Y, YamlProblem, parse, read_bytes

ENV_TREES = "ANSKAFFELSE_TREES"
ADJUSTMENT_YEARS = 2  # EØS thresholds are adjusted every second year
CHECK_CURRENT = "sjekk gjeldende verdi på anskaffelser.no"


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


def read_document(path: Path, r: Reader) -> tuple[Y | None, str]:
    """Read one YAML file; returns (document or None, sha256 of the bytes read)."""
    shown = display_path(path)
    try:
        data = read_bytes(path, shown, regular_only=True)
        return parse(data, shown, r.findings), hashlib.sha256(data).hexdigest()
    except YamlProblem as problem:
        r.findings.keep(problem.finding)
        return None, ""


def load_catalogue(root: str | os.PathLike[str], findings: Findings) -> Catalogue:
    """Load every tree in a directory with its kilder.yaml and terskelverdier.yaml (and katalog.yaml, when there
    is one); problems go to `findings`."""
    base = Path(root)
    r = Reader(findings)
    shown_root = display_path(base)
    try:
        # The files of a catalogue: *.yaml and *.yml, not hidden, by name.
        files = sorted(p for p in base.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
    except OSError as exc:
        if not base.is_dir():
            message = "er ikke en mappe" if base.exists() else "finner ikke mappen med trær"
            message = "filen finnes ikke" if base.suffix in (".yaml", ".yml") and not base.exists() else message
        else:
            reason = "mangler lesetilgang til mappen" if isinstance(exc, PermissionError) else exc.strerror
            message = f"kan ikke lese mappen med trær ({reason})"
        r.add(Location(shown_root), message)
        return Catalogue({}, {}, {}, shown_root)
    trees: dict[str, Tree] = {}
    sources: dict[str, Source] = {}
    thresholds: dict[str, Threshold] = {}
    law_as_of: tuple[tuple[str, dt.date], ...] = ()
    for special in (SOURCES_FILE, THRESHOLDS_FILE):
        if base / special not in files:
            r.add(Location(display_path(base / special)), f"katalogen mangler {special}")
    digests: list[tuple[str, str]] = []
    for path in files:
        y, sha = read_document(path, r)
        digests.append((display_path(path), sha))
        if y is not None and path.name == SOURCES_FILE:
            sources = build_sources(y, r)
        elif y is not None and path.name == THRESHOLDS_FILE:
            thresholds = build_thresholds(y, r)
        elif y is not None and path.name == CATALOGUE_FILE:
            law_as_of = build_law_as_of(y, r)
        elif y is not None and (tree := build_tree(y, r, display_path(path), sha)) is not None:
            if tree.id in trees:
                r.add(tree.loc, f"tre-id «{tree.id}» finnes allerede i {trees[tree.id].loc.file}")
            else:
                trees[tree.id] = tree
    return Catalogue(
        trees, sources, thresholds, shown_root, tuple(str(p) for p in files), tuple(digests), law_as_of=law_as_of
    )


def check(root: Path) -> tuple[Catalogue, list[Finding]]:
    """Read and validate a catalogue; returns it with every finding (errors and warnings), sorted."""
    findings = Findings()
    with _collector_paused():
        catalogue = load_catalogue(root, findings)
        validate(catalogue, findings)
    return catalogue, findings.sorted()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes hundreds of thousands of small objects and no reference cycles; the cyclic
    collector would walk them again and again as they grow (benchmarks/: validating 10 000 nodes
    takes 1.4 s with it paused and 4 s without). Reference counting still frees everything.

    Checking the catalogue stays inside the pause: just after it, every loaded object is new to the
    collector, which walked all of them twice as validate began (0.3 s of 1.5 s for 10 000 nodes);
    `validate` is done with the catalogue before that happens."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def open_catalogue(root: Path) -> Catalogue:
    """A catalogue safe to walk, or CatalogueError listing every error."""
    catalogue, findings = check(root)
    raise_errors(catalogue.root, findings)
    return catalogue


def with_supplied(catalogue: Catalogue, path: Path | None) -> Catalogue:
    """The catalogue with the threshold values an organisation has confirmed itself (`--thresholds
    FIL`), marked as theirs; CatalogueError with file:line for anything wrong in the file."""
    if path is None:
        return catalogue
    findings = Findings()
    r = Reader(findings)
    y, sha = read_document(Path(path), r)
    merged = build_supplied(y, r, catalogue.thresholds) if y is not None else {}
    errors = errors_only(findings.sorted())
    if errors:
        raise CatalogueError(
            f"terskelverdiene i {display_path(path)} har {len(errors)} feil:",
            details=capped_lines([str(f) for f in errors]),
        )
    thresholds = {**catalogue.thresholds, **merged}
    return dataclasses.replace(catalogue, thresholds=thresholds, supplied=(display_path(path), sha))


def raise_errors(root: str, findings: list[Finding]) -> None:
    errors = errors_only(findings)
    if errors:
        raise CatalogueError(
            f"trærne i {root} har {len(errors)} feil; rett dem (se «anskaffelse validate»):",
            details=capped_lines([str(f) for f in errors]),
        )


def threshold_warnings(threshold: Threshold, day: dt.date, *, confirmation: bool = True) -> list[str]:
    """Why a threshold value may not be the one in force on `day` (empty when it is confirmed).

    `confirmation=False` leaves out the warning that `day` is past `confirmed_until` (said once
    for many thresholds by catalogue_threshold_warnings).
    """
    warnings = []
    value = threshold.value_on(day)
    if value is None:
        return [f"{threshold.title}: ingen verdi på {day}; første verdi gjelder fra {threshold.values[0].start}"]
    amount = format_amount(value.amount)
    if value.status == SUPPLIED:
        return [f"{threshold.title}: {amount} fra {value.start} er oppgitt av brukeren ({value.source})"]
    newer = threshold.reported_on(day)
    if newer is not None:
        warnings.append(
            f"{threshold.title}: {format_amount(newer.amount)} er rapportert fra {newer.start}, men ikke "
            f"bekreftet ({newer.source}); den bekreftede verdien {amount} er brukt – en verdi mellom de to kan "
            f"høre til en annen del av regelverket"
        )
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
