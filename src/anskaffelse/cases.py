"""Case files as the tree authors' tests: answers with `expect:`, walked on the real catalogue.

A case expects an outcome (`expect: id`), or more (`expect: {outcome: id, passed: [ids],
del: id, sources: [ids]}`): the conclusions passed on the way, the part of the regulation that
applies (an outcome id of the tree that decides it, such as `del-2`), and sources the walk cites.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .answers import load_answers
from .engine import Engine
from .errors import AnskaffelseError, ExitCode, UsageError
from .export import build_trace
from .findings import Findings, Location, display_path
from .listing import count
from .model import Catalogue
from .phrases import capped, visible
from .runner import DEFAULT_TREE, assessment_day
from .session import walk
from .yamlfile import Y, YamlProblem, YMap, YScalar, YSeq, parse, read_bytes

CASES_FOLDER = "cases"
Paint = Callable[..., str]
_KEYS = ("outcome", "passed", "del", "sources")


@dataclass(frozen=True)
class Expectation:
    outcome: str | None
    passed: tuple[str, ...] = ()
    part: str | None = None
    sources: tuple[str, ...] = ()
    outcome_at: Location | None = None  # where the expected outcome id is written (for --update)


@dataclass
class CaseResult:
    """One case walked: what it expected, what it got, and what does not match."""

    path: Path
    expected: str
    got: str = ""
    failures: list[str] = field(default_factory=list)  # expected beside actual, one line each
    walked: list[str] = field(default_factory=list)  # tree/node, in order
    unused: list[str] = field(default_factory=list)  # answers the walk never asked for
    reached: set[str] = field(default_factory=set)  # outcomes (tree/node) it ended in or passed
    expectation: Expectation | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


def case_files(targets: Sequence[Path], trees_root: Path) -> list[Path]:
    """The case files named (files, or folders of them), or the catalogue's own `cases/` folder."""
    found: list[Path] = []
    for target in targets or [trees_root / CASES_FOLDER]:
        if target.is_dir():
            found += sorted(p for p in target.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
        elif target.is_file():
            found.append(target)
        elif _is_tree_id(target, trees_root):
            found += _cases_of_tree(str(target), trees_root)
        else:
            what = "oppgi en saksfil, en mappe med saker eller et tre-id"
            raise UsageError(f"{display_path(target)}: finnes ikke ({what})")
    if not found:
        raise UsageError(f"ingen saksfiler i {', '.join(display_path(t) for t in targets or [trees_root / 'cases'])}")
    return found


def _is_tree_id(target: Path, trees_root: Path) -> bool:
    """`anskaffelse test ideell-status`: a bare name that is a tree of the catalogue, not a path."""
    return len(target.parts) == 1 and not target.suffix and (trees_root / f"{target}.yaml").is_file()


def _cases_of_tree(tree_id: str, trees_root: Path) -> list[Path]:
    """The catalogue's cases that walk this tree (a case without `tree:` walks the default tree)."""
    folder = trees_root / CASES_FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")):
        try:
            tree = load_answers(path).tree or DEFAULT_TREE
        except AnskaffelseError:
            continue  # a broken case is reported when all cases run
        if tree == tree_id:
            found.append(path)
    return found


def read_expectation(path: Path) -> Expectation:
    """The `expect:` of a case file, with the place of the outcome id; UsageError when it has none."""
    shown = display_path(path)
    findings = Findings()
    try:
        y = parse(read_bytes(path, shown), shown, findings)
    except YamlProblem as problem:
        raise UsageError(str(problem.finding)) from None
    item = y.items.get("expect") if isinstance(y, YMap) else None
    if item is None:
        raise UsageError(f"{shown}: saken har ingen «expect:» (utfallet den skal ende i)")
    value = item[1]
    if isinstance(value, YScalar):
        return Expectation(value.text, outcome_at=value.loc)
    if not isinstance(value, YMap):
        raise UsageError(f"{value.loc}: «expect» må være en utfall-id eller en tabell med {', '.join(_KEYS)}")
    for key, (key_y, _) in value.items.items():
        if key not in _KEYS:
            raise UsageError(f"{key_y.loc}: ukjent nøkkel «{key}» i expect; tillatt: {', '.join(_KEYS)}")
    outcome = value.items.get("outcome")
    return Expectation(
        _text(outcome[1] if outcome else None),
        _texts(value.items.get("passed")),
        _text(value.items["del"][1] if "del" in value.items else None),
        _texts(value.items.get("sources")),
        outcome[1].loc if outcome else None,
    )


def _text(y: Y | None) -> str | None:
    if y is None:
        return None
    if not isinstance(y, YScalar):
        raise UsageError(f"{y.loc}: forventet en id")
    return y.text


def _texts(item: tuple[YScalar, Y] | None) -> tuple[str, ...]:
    if item is None:
        return ()
    if not isinstance(item[1], YSeq):
        raise UsageError(f"{item[1].loc}: forventet en liste av id-er")
    return tuple(t for t in (_text(y) for y in item[1].items) if t is not None)


def run_case(catalogue: Catalogue, path: Path, day: dt.date | None = None) -> CaseResult:
    """Walk one case on `catalogue`; a case that cannot be walked is a failure, with the reason."""
    result = CaseResult(path, expected="?")
    try:
        expectation = read_expectation(path)
        result.expectation = expectation
        result.expected = expectation.outcome or "–"
        preset = load_answers(path)
        tree_id = preset.tree or DEFAULT_TREE
        engine = Engine(catalogue, day or assessment_day(None, preset.date))
        engine.tree(tree_id)
        state = walk(engine, tree_id, preset, None, terminal=False)
    except AnskaffelseError as error:
        result.got = "ugyldig"
        result.failures.append(" ".join([error.message, *error.details]))
        return result
    trace = build_trace(engine, state, tree_id, dt.datetime.now(dt.UTC), complete=True)
    final = trace["outcome"]
    ids = [o["node"] for o in trace["passed"]] + ([final["node"]] if final else [])
    result.got = final["node"] if final else "–"
    result.walked = list(trace["path"])
    result.reached = {f"{o['tree']}/{o['node']}" for o in [*trace["passed"], *([final] if final else [])]}
    result.unused = sorted(set(preset.values) - {s["key"] for s in trace["steps"]})
    cited = {s["id"] for o in [*trace["passed"], *([final] if final else [])] for s in o["sources"]}
    cited |= {s["id"] for step in trace["steps"] for s in step["sources"]}
    result.failures = _compare(expectation, result.got, ids, cited)
    return result


def _compare(expect: Expectation, got: str, ids: list[str], cited: set[str]) -> list[str]:
    failures = []
    if expect.outcome is not None and got != expect.outcome:
        failures.append(f"utfall: forventet «{expect.outcome}», fikk «{got}»")
    missing = [p for p in expect.passed if p not in ids]
    if missing:
        failures.append(f"vurderinger underveis: forventet {capped(missing)}, fikk {capped(ids[:-1], empty='–')}")
    if expect.part is not None and expect.part not in ids:
        failures.append(
            f"del: forventet «{expect.part}», fikk {', '.join(i for i in ids if i.startswith('del')) or '–'}"
        )
    uncited = [s for s in expect.sources if s not in cited]
    if uncited:
        failures.append(f"kilder: forventet at {capped(uncited)} siteres; det gjør de ikke")
    return failures


def unreached(catalogue: Catalogue, results: Iterable[CaseResult]) -> list[str]:
    """The catalogue's outcomes (tree/node) that no case ends in or passes."""
    reached = set().union(*(r.reached for r in results))
    every = [f"{t.id}/{o.id}" for t in sorted(catalogue.trees.values(), key=lambda t: t.id) for o in t.outcomes()]
    return [o for o in every if o not in reached]


def updated_text(result: CaseResult) -> tuple[str, str] | None:
    """The case file's text before and after writing the outcome it got as its expected outcome;
    only that value changes (comments, order and everything else stay). None: nothing to update."""
    expectation = result.expectation
    if expectation is None or expectation.outcome_at is None or result.got in ("", "–", "ugyldig", result.expected):
        return None
    old = result.path.read_text(encoding="utf-8")
    lines = old.splitlines(keepends=True)
    at = expectation.outcome_at
    line = lines[at.line - 1]
    start = at.col - 1
    end = _scalar_end(line, start)
    lines[at.line - 1] = line[:start] + result.got + line[end:]
    return old, "".join(lines)


def _scalar_end(line: str, start: int) -> int:
    """Where the scalar that begins at `start` ends: its closing quote, or before a comment or the line end."""
    quote = line[start : start + 1]
    if quote in ("'", '"'):
        return line.index(quote, start + 1) + 1
    for stop in (" #", "}", ",", "\n", "\r"):
        found = line.find(stop, start)
        if found != -1:
            line = line[:found]
    return len(line.rstrip())


def diff(path: Path, old: str, new: str) -> str:
    shown = display_path(path)
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), shown, shown))


def pending_updates(results: Iterable[CaseResult]) -> list[tuple[Path, str, str]]:
    """(file, text before, text after) for every case whose expected outcome --update would change."""
    return [(r.path, *texts) for r in results if (texts := updated_text(r)) is not None]


def _confirm(count: int) -> bool:
    """Asked in a terminal before files are changed; without one, nothing is changed (use --yes)."""
    from .streams import interactive

    return interactive(stdout=False) and input(f"Oppdatere {count} saker? [j/N] ") in ("j", "J")


def write_updates(results: Sequence[CaseResult], show: Callable[[str], None], ask: Callable[[int], bool] | None) -> int:
    """--update: show the change to every expected outcome that differs, ask (unless `ask` is None:
    --yes), and write them; returns the exit code."""
    from .files import write_text

    changes = pending_updates(results)
    show(visible("".join(diff(path, old, new) for path, old, new in changes)) or "Ingen expect: å oppdatere.")
    if changes and ask is not None and not ask(len(changes)):
        raise UsageError("ingen filer er endret (bruk --yes for å oppdatere uten å spørre)")
    for path, _, new in changes:
        write_text(path, new, force=True)
    return ExitCode.OK if changes or all(r.ok for r in results) else ExitCode.INVALID


def run_command(
    paths: list[Path], root: Path, show: Callable[[str], None], paint: Paint, *, update: bool, yes: bool
) -> int:
    """`anskaffelse test`: the cases named (or the catalogue's own) on the catalogue in `root`; the exit code."""
    from .catalog import open_catalogue

    catalogue = open_catalogue(root)
    results = [run_case(catalogue, path) for path in case_files(paths, root)]
    show("\n".join(case_report(results, unreached(catalogue, results) if not paths else [], paint)))
    if update:
        return write_updates(results, show, None if yes else _confirm)
    return ExitCode.INVALID if any(not r.ok for r in results) else ExitCode.OK


def case_report(results: Sequence[CaseResult], unreached: Sequence[str], paint: Paint) -> list[str]:
    """A table of the cases (expected, got, OK/FEIL), then every failure in full, unused answers,
    and the outcomes no case reaches."""
    rows = [(display_path(r.path), r.expected, r.got, "OK" if r.ok else "FEIL") for r in results]
    header = ("sak", "forventet", "fikk", "")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [paint("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)).rstrip(), bold=True)]
    for row in rows:
        mark = paint(row[3], fg="green" if row[3] == "OK" else "red", bold=True)
        lines.append(visible("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))) + "  " + mark)
    for result in results:
        if not result.ok:
            lines += ["", paint(f"FEIL {display_path(result.path)}", fg="red", bold=True)]
            lines += [visible(f"  {failure}") for failure in result.failures]
            if result.walked:
                lines.append(visible(f"  veien: {' → '.join(result.walked)}"))
        if result.unused:
            where = display_path(result.path)
            lines.append(paint(f"advarsel: {where}: svar som aldri ble brukt: {capped(result.unused)}", fg="yellow"))
    if unreached:
        lines += ["", f"Utfall ingen sak når ({len(unreached)}):", *(visible(f"  {o}") for o in unreached)]
    failed = sum(not r.ok for r in results)
    summary = f"{count(len(results), 'sak', 'saker')}: {len(results) - failed} OK, {failed} FEIL"
    lines += ["", paint(summary, fg="red" if failed else "green", bold=True)]
    return lines
