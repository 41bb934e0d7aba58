"""Speed benchmark: start-up, validation scaling and memory, each as a ratio to `import typer`.

    python benchmarks/run.py                  # the whole benchmark (a few minutes)
    python benchmarks/run.py --runs 3         # quicker, noisier
    python benchmarks/run.py --no-copier      # leave out the informational copier row (no network)

Every command reads the YAML files it names on every run. Each command runs in a fresh process,
round-robin with the others (the baselines included), --runs times; the table shows medians and
the ratio to `python -c "import typer"` with the interpreter under test, timed in the same run.
Results are printed and written to benchmarks/RESULTS.md; the exit code is 1 if a target fails.

Targets (the issue "Speed: instant start, linear validation"):

    anskaffelse --help                                          ≤ 1.3 × import typer
    anskaffelse list, anskaffelse validate                      ≤ 2.0 × import typer each
    anskaffelse run veiviser --answers F --non-interactive --json
                                                                ≤ 2.0 × import typer
    anskaffelse cpv kantine (skipped while `cpv --help` fails)  ≤ 2.0 × import typer
    validate on a generated catalogue of about 10 000 nodes     < 1 s wall
    the same, 10 000 against 1 000 nodes                        ≤ 12 × (linear, not quadratic)
    peak memory of validate on 10 000 nodes                     < 150 MB
    replay of an archive of 10 000 traces (the issue "The case-file record")
                                                                < 30 s wall
    the same, 10 000 against 1 000 traces                       ≤ 12 × (linear)

Floors, for information (no targets): `python -c "import typer, yaml"`, and typer with PyYAML's
parse events (CSafeLoader) of the same catalogue files, so that a reader sees how much of the 2.0×
budget reading the YAML alone takes. The package is compiled (compileall) before anything is
timed, as `pip install` does: what is measured is the installed state, with .pyc files.

`copier --help` (a peer that asks YAML-defined questions) is timed for comparison only. The
interpreter under test is the repository's .venv (or --python). copier comes from --copier,
$BENCH_COPIER, or a venv this script creates once in benchmarks/.venv (git-ignored).

Stdlib only, so any Python ≥ 3.11 can run it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
COPIER_VENV = HERE / ".venv"

# Targets of the issue "Speed: instant start, linear validation".
HELP_VS_TYPER = 1.3  # anskaffelse --help: at most this × `python -c "import typer"`
COMMAND_VS_TYPER = 2.0  # list, validate, a full non-interactive walk, cpv: at most this × import typer
BIG_SECONDS = 1.0  # validate of the large synthetic catalogue: under this many seconds
SCALING = 12.0  # time(large) / time(small) for 10× the nodes: linear, not quadratic
BIG_MEGABYTES = 150.0  # peak resident memory of validate on the large catalogue: under this
ARCHIVE_SECONDS = 30.0  # replay of the large archive of traces: under this many seconds

N_SOURCES = 40
N_THRESHOLDS = 6
BLOCKS_PER_SECTION = 30  # 150 nodes: the longest route stays under validate's limit (200)
HUB_CHOICES = 12


# --- the synthetic catalogue --------------------------------------------------------------------


def synthetic_tree(n_nodes: int, write: Callable[[str], object]) -> int:
    """Write a valid tree of about n_nodes nodes, shaped like a real guide; returns the exact count.

    Choice questions at the top (`omraade`, then `del_*`) lead into sections; a section is a chain
    of up to BLOCKS_PER_SECTION blocks of five nodes: a choice question and an amount question
    (both with a fact), a branch on a threshold and on both facts (all/not/any/in), a yes/no
    question without a fact, and an outcome with steps and a source. Facts accumulate along a
    section, and the longest route stays well under validate's limit of 200 nodes. The text is
    written as it is made: this process stays small, since a child's peak memory as Linux counts
    it starts from the size of the process that started it.
    """
    blocks = max(1, round((n_nodes - 1) / 5))
    sections = [range(s, min(s + BLOCKS_PER_SECTION, blocks)) for s in range(0, blocks, BLOCKS_PER_SECTION)]
    groups = [sections[g : g + HUB_CHOICES] for g in range(0, len(sections), HUB_CHOICES)]
    header = [
        "id: syntetisk",
        "title: Syntetisk tre for ytelsesmåling",
        'version: "2026.1"',
        "valid_from: 2026-01-01",
        "start: omraade",
        "nodes:",
    ]
    write("\n".join(header) + "\n")
    hubs = [("omraade", [(f"g{n}", f"del_{n}") for n in range(len(groups))])]
    hubs += [(f"del_{n}", [(f"s{sec.start}", f"q{sec.start}") for sec in group]) for n, group in enumerate(groups)]
    if len(groups) == 1:  # one level of choices is enough
        hubs = [("omraade", hubs[1][1])]
    for hub, choices in hubs:
        if len(choices) == 1:
            choices.append(("ingen", "slutt"))
        hub_lines = [
            f"  {hub}:",
            "    question: Hvilket område gjelder anskaffelsen?",
            "    help: Velg det området som passer best.",
            f"    fact: {hub}",
            "    choices:",
            *[f"      {choice}: {{label: Område {choice}, next: {target}}}" for choice, target in choices],
        ]
        write("\n".join(hub_lines) + "\n")
    for section in sections:
        for i in section:
            write("\n".join(synthetic_block(i, f"q{i + 1}" if i + 1 < section.stop else "slutt")) + "\n")
    end = [
        "  slutt:",
        "    outcome:",
        "      verdict: tillatt",
        "      title: Alle delene er avklart",
        "      text: Testtekst.",
        "      steps: [Gå videre]",
        "      sources: [kilde-0]",
    ]
    write("\n".join(end) + "\n")
    return 5 * blocks + len(hubs) + 1


def synthetic_block(i: int, after: str) -> list[str]:
    source = f"kilde-{i % N_SOURCES}"
    threshold = f"terskel-{i % N_THRESHOLDS}"
    return [
        f"  q{i}:",
        f"    question: Hvilket alternativ gjelder for del {i} av anskaffelsen?",
        f"    help: Forklaring i klarspråk til del {i}, med et eksempel.",
        f"    sources: [{source}]",
        f"    fact: valg_{i}",
        "    choices:",
        f"      a: {{label: Alternativ A, next: v{i}}}",
        f"      b: {{label: Alternativ B, next: v{i}, help: Gjelder når B er valgt.}}",
        f"      c: {{label: Ingen av dem, next: o{i}}}",
        f"  v{i}:",
        f"    question: Anslått verdi av del {i}, ekskl. mva.?",
        "    help: Beløp i kroner, f.eks. 2 500 000.",
        "    input: amount",
        f"    fact: belop_{i}",
        f"    next: g{i}",
        f"  g{i}:",
        "    branch:",
        f"      - when: {{fact: belop_{i}, gte: {{threshold: {threshold}}}}}",
        f"        next: {after}",
        f"      - when: {{all: [{{fact: valg_{i}, eq: b}}, {{not: {{fact: belop_{i}, gt: 50000}}}}]}}",
        f"        next: o{i}",
        f"      - when: {{any: [{{fact: valg_{i}, in: [a]}}, {{fact: belop_{i}, lt: 1000}}]}}",
        f"        next: y{i}",
        f"      - otherwise: {after}",
        f"  y{i}:",
        f"    question: Er del {i} allerede kunngjort?",
        "    help: Svar ja eller nei.",
        "    input: yesno",
        f"    next: {after}",
        f"  o{i}:",
        "    outcome:",
        "      verdict: vurder",
        f"      title: Del {i} må vurderes nærmere",
        "      text: Vilkårene er bare delvis oppfylt; se kildene.",
        "      steps: [Dokumenter vurderingen, Be om mer informasjon fra leverandøren]",
        "      document: [Begrunnelsen for valget]",
        f"      sources: [{source}]",
    ]


def synthetic_sources() -> str:
    lines = []
    for i in range(N_SOURCES):
        lines += [
            f"kilde-{i}:",
            f"  citation: FOA § {i}-1",
            f"  title: Syntetisk kilde nummer {i}",
            f"  url: https://lovdata.no/forskrift/2016-08-12-974/§{i}-1",
            "  checked: 2026-01-01",
        ]
    return "\n".join(lines) + "\n"


def synthetic_thresholds() -> str:
    lines = []
    for i in range(N_THRESHOLDS):
        lines += [
            f"terskel-{i}:",
            f"  title: Syntetisk terskelverdi {i}",
            f"  source: kilde-{i}",
            "  checked: 2026-01-01",
            "  values:",
            f"    - {{from: 2024-01-01, amount: {1_000_000 * (i + 1)}}}",
            f"    - {{from: 2026-01-01, amount: {1_300_000 * (i + 1)}}}",
        ]
    return "\n".join(lines) + "\n"


def write_catalogue(directory: Path, n_nodes: int) -> int:
    """The synthetic catalogue in `directory`; returns the number of nodes."""
    directory.mkdir(parents=True)
    with open(directory / "syntetisk.yaml", "w", encoding="utf-8") as handle:
        count = synthetic_tree(n_nodes, handle.write)
    (directory / "kilder.yaml").write_text(synthetic_sources(), encoding="utf-8")
    (directory / "terskelverdier.yaml").write_text(synthetic_thresholds(), encoding="utf-8")
    return count


# --- the walk -----------------------------------------------------------------------------------


def answers_from_case(case: Path, target: Path) -> Path:
    """A trees/cases file as an answers file: only its top-level tree, dato and answers blocks."""
    keep = False
    out = []
    for line in case.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            keep = line.split(":", 1)[0].strip() in ("tree", "dato", "answers")
        if keep:
            out.append(line)
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return target


def walk_args(args: argparse.Namespace, work: Path) -> list[str]:
    """`run TREE --trees DIR (--answers F | --set K=V …) --non-interactive --json` from the options."""
    argv = ["run", args.walk_tree, "--trees", str(args.walk_trees)]
    if args.walk_answers:
        argv += ["--answers", str(args.walk_answers)]
    elif args.walk_case:
        argv += ["--answers", str(answers_from_case(args.walk_case, work / "svar.yaml"))]
    for item in args.walk_set or ():
        argv += ["--set", item]
    return [*argv, "--non-interactive", "--json"]


def write_archive(directory: Path, trace: str, n_traces: int) -> Path:
    """An archive of n_traces traces: one real trace written under n_traces file names."""
    directory.mkdir(parents=True)
    for i in range(n_traces):
        (directory / f"vurdering-{i:05d}.json").write_text(trace, encoding="utf-8")
    return directory


def one_trace(walk: list[str]) -> str:
    """The trace of the benchmark's walk (`run … --json` writes it on standard output)."""
    result = subprocess.run(walk, capture_output=True, text=True, env=child_env(), cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(f"the walk for the archive failed: {result.stderr[-2000:]}")
    return result.stdout


def archive_benches(args: argparse.Namespace, cli: list[str], work: Path) -> list[Bench]:
    """`replay FOLDER --dato D` on an archive of --archive-small and one of --archive-big copies of the walk's
    trace, D being the trace's own date of assessment: every trace then replays unchanged, whatever day the
    benchmark runs (replayed on today's date, a case dated before a change of the law or of a threshold
    would replay as changed, and the time measured would depend on the day). Exit 0 is required."""
    trace = one_trace([*cli, *walk_args(args, work)])
    day = json.loads(trace)["date_of_assessment"]
    benches = []
    for key, n in (("archive-small", args.archive_small), ("archive-big", args.archive_big)):
        folder = write_archive(work / key, trace, n)
        argv = [*cli, "replay", str(folder), "--trees", str(args.walk_trees), "--dato", day]
        benches.append(Bench(key, f"replay {n} traces", argv))
    return benches


def archive_targets(by: dict[str, Bench]) -> list[Target]:
    small, big = by["archive-small"], by["archive-big"]
    scaling = big.median / small.median
    return [
        Target(
            big.label, f"{big.median:.1f} s", "—", big.median, ARCHIVE_SECONDS, f"< {ARCHIVE_SECONDS:g} s wall", True
        ),
        Target(
            f"scaling, {big.label} vs {small.label.removeprefix('replay ')}",
            f"{big.median:.2f} s / {small.median:.2f} s",
            f"{scaling:.2f}× (large / small)",
            scaling,
            SCALING,
            f"≤ {SCALING:g}×",
        ),
    ]


# --- floors (for information) -------------------------------------------------------------------

# typer, PyYAML, and PyYAML's parse events (libyaml) of every catalogue file, as load_catalogue reads
# them (sorted *.yaml and *.yml, not hidden; decoded as UTF-8): no command that reads the files can
# be quicker than this.
EVENTS_CODE = """\
import os, sys, typer, yaml
root = sys.argv[1]
for name in sorted(os.listdir(root)):
    if name.endswith((".yaml", ".yml")) and not name.startswith("."):
        with open(os.path.join(root, name), "rb") as handle:
            text = handle.read().decode("utf-8-sig")
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass
"""


def floor_benches(python: Path, trees: Path, big: Path, big_nodes: int) -> list[Bench]:
    py = str(python)
    return [
        Bench("floor-yaml", 'python -c "import typer, yaml"', [py, "-c", "import typer, yaml"]),
        Bench("floor-events", "typer + PyYAML events of the catalogue", [py, "-c", EVENTS_CODE, str(trees)]),
        Bench("floor-big", f"typer + PyYAML events of {big_nodes} nodes", [py, "-c", EVENTS_CODE, str(big)]),
    ]


FLOOR_NOTES = {
    "floor-yaml": "importing PyYAML (every pure-Python module of it) on top of typer",
    "floor-events": "also reading every file of the catalogue list and validate read, as libyaml parse events",
    "floor-big": "the same for the large synthetic catalogue (compare: validate of it)",
}


def compile_package(python: Path) -> str:
    """Compile the package under test to .pyc (compileall), as `pip install` does, so that what is timed
    is the installed state also in an editable install or with PYTHONDONTWRITEBYTECODE set."""
    code = (
        "import anskaffelse, compileall, os, sys\n"
        "sys.exit(not compileall.compile_dir(os.path.dirname(anskaffelse.__file__), quiet=1))"
    )
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=child_env(), cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"could not compile the package: {result.stdout[-1000:]}{result.stderr[-1000:]}")
    return "bytecode: the anskaffelse package compiled with compileall before timing (the installed state)"


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Bench:
    """One command, timed in fresh processes."""

    key: str
    label: str
    argv: list[str]
    ok: tuple[int, ...] = (0,)  # exit codes that count as a normal run
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def child_env() -> dict[str, str]:
    """The caller's environment without settings that would change what is measured.

    PYTHONPATH is kept on purpose: `PYTHONPATH=/tmp/copy/src python benchmarks/run.py` measures a
    changed copy of the package against the installed interpreter and libraries.
    """
    unset = (
        "ANSKAFFELSE_TREES",
        "ANSKAFFELSE_DEBUG",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONSTARTUP",
    )
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(NO_COLOR="1", COLUMNS="100")
    return env


def check_once(bench: Bench, env: dict[str, str]) -> None:
    """Run once with output captured: it must succeed (this also writes the .pyc files first)."""
    result = subprocess.run(bench.argv, capture_output=True, text=True, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
    if result.returncode not in bench.ok:
        sys.exit(f"{bench.label}: exit code {result.returncode}\n  {shell(bench.argv)}\n{result.stderr[-2000:]}")
    if result.returncode:
        print(f"note: {bench.label} exits {result.returncode}: {result.stdout.splitlines()[-1:]}", file=sys.stderr)
    if bench.key == "run" and '"complete": true' not in result.stdout:
        sys.exit(f"{bench.label}: the walk did not complete; see the --walk-* options\n{result.stdout[-2000:]}")


def time_once(bench: Bench, env: dict[str, str]) -> None:
    """One timed run; os.wait4 gives this child's own peak resident memory."""
    devnull = subprocess.DEVNULL
    start = time.perf_counter()
    process = subprocess.Popen(bench.argv, stdin=devnull, stdout=devnull, stderr=devnull, env=env, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in bench.ok:
        sys.exit(f"{bench.label}: exit code {process.returncode} on a timed run")
    bench.seconds.append(elapsed)
    bench.peak_kb = max(bench.peak_kb, usage.ru_maxrss)  # kilobytes on Linux


def measure(benches: Sequence[Bench], runs: int) -> None:
    env = child_env()
    for bench in benches:
        check_once(bench, env)
    for run in range(runs):
        print(f"\r  run {run + 1}/{runs}", end="", file=sys.stderr, flush=True)
        for bench in benches:  # round-robin: a busy moment of the machine hits every command alike
            time_once(bench, env)
    print(file=sys.stderr)


def command_exists(cli: list[str], command: str) -> tuple[bool, str]:
    """Whether `anskaffelse COMMAND --help` exits 0; else a note on why the measure is skipped."""
    argv = [*cli, command, "--help"]
    result = subprocess.run(argv, capture_output=True, text=True, env=child_env(), cwd=ROOT, stdin=subprocess.DEVNULL)
    if result.returncode == 0:
        return True, ""
    return False, f"skipped, since `anskaffelse {command} --help` exits {result.returncode} (no such command yet)"


# --- copier (informational) ---------------------------------------------------------------------


def find_copier(option: str | None) -> Path | None:
    """--copier, else $BENCH_COPIER, else benchmarks/.venv/bin/copier (the venv is created on first use)."""
    given = option or os.environ.get("BENCH_COPIER")
    if given:
        return Path(given)
    copier = COPIER_VENV / "bin" / "copier"
    if copier.exists():
        return copier
    print(f"creating {display(COPIER_VENV)} with copier in it (once) …", file=sys.stderr)
    base = Path(getattr(sys, "_base_executable", sys.executable))
    steps = [[str(base), "-m", "venv", str(COPIER_VENV)], [str(COPIER_VENV / "bin" / "pip"), "install", "-q", "copier"]]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"could not install copier ({shell(step)}):\n{result.stderr[-1500:]}", file=sys.stderr)
            print("the copier row is left out; give one with --copier or $BENCH_COPIER", file=sys.stderr)
            return None
    return copier


# --- targets and report -------------------------------------------------------------------------


@dataclass
class Target:
    """One row of the targets table: a measured value against its limit."""

    measure: str
    median: str  # shown as measured: the median time, or the times compared, or the peak memory
    ratio: str  # shown: the ratio to import typer (or, for scaling, large / small)
    value: float | None  # what is compared with limit; None: skipped
    limit: float
    target: str  # shown: the limit in words
    strict: bool = False  # value < limit rather than value ≤ limit
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        return self.value < self.limit if self.strict else self.value <= self.limit

    def row(self) -> list[str]:
        result = {True: "ok", False: "FAIL", None: "skipped"}[self.passed]
        if self.passed is False:
            over = self.value / self.limit - 1 if self.value is not None else 0.0
            result += f" (+{over:.0%})"
        return [self.measure, self.median, self.ratio, self.target, result]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def targets(by: dict[str, Bench], skipped: dict[str, tuple[str, str]]) -> list[Target]:
    """The targets of the issue, in its order; `skipped` gives key → (label, note) for absent commands."""
    typer_s = by["typer"].median

    def versus_typer(key: str, limit: float) -> Target:
        target = f"≤ {limit:.1f}× import typer"
        if key in skipped:
            label, note = skipped[key]
            return Target(label, "—", "—", None, limit, target, note=note)
        bench = by[key]
        ratio = bench.median / typer_s
        return Target(bench.label, ms(bench.median), f"{ratio:.2f}×", ratio, limit, target)

    small, big = by["small"], by["big"]
    scaling = big.median / small.median
    return [
        versus_typer("help", HELP_VS_TYPER),
        versus_typer("list", COMMAND_VS_TYPER),
        versus_typer("validate", COMMAND_VS_TYPER),
        versus_typer("run", COMMAND_VS_TYPER),
        versus_typer("cpv", COMMAND_VS_TYPER),
        Target(
            big.label,
            ms(big.median),
            f"{big.median / typer_s:.2f}×",
            big.median,
            BIG_SECONDS,
            f"< {BIG_SECONDS:g} s wall",
            strict=True,
        ),
        Target(
            f"scaling, {big.label.removeprefix('validate ')} vs {small.label.removeprefix('validate ')}",
            f"{ms(big.median)} / {ms(small.median)}",
            f"{scaling:.2f}× (large / small)",
            scaling,
            SCALING,
            f"≤ {SCALING:g}×",
        ),
        Target(
            f"peak memory, {big.label}",
            f"{big.peak_kb / 1024:.1f} MB (max of runs)",
            "—",
            big.peak_kb / 1024,
            BIG_MEGABYTES,
            f"< {BIG_MEGABYTES:g} MB",
            strict=True,
        ),
    ]


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows])


def plain_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdict(found: list[Target]) -> str:
    held = sum(t.passed is True for t in found)
    failed = [t.measure for t in found if t.passed is False]
    skipped = sum(t.passed is None for t in found)
    text = f"{held} of {len(found) - skipped} targets hold"
    if skipped:
        text += f", {skipped} skipped"
    if failed:
        text += "; FAILED: " + ", ".join(failed)
    return text


def report(benches: list[Bench], found: list[Target], about: list[str], runs: int) -> tuple[str, str]:
    """The result as plain text for the terminal and as markdown for RESULTS.md."""
    typer_s = next(b.median for b in benches if b.key == "typer")
    target_header = ["measure", "median", "ratio", "target", "result"]
    target_rows = [t.row() for t in found]
    notes = [f"{t.measure}: {t.note}" for t in found if t.note]
    timing_header = ["command", "median", "× typer", "min", "max", "peak RSS"]
    timing_rows = [
        [
            b.label,
            ms(b.median),
            f"{b.median / typer_s:.2f}",
            ms(min(b.seconds)),
            ms(max(b.seconds)),
            f"{b.peak_kb / 1024:.0f} MB",
        ]
        for b in benches
    ]
    floor_header = ["floor (information, no target)", "median", "× typer", "what it is"]
    floor_rows = [
        [b.label, ms(b.median), f"{b.median / typer_s:.2f}×", FLOOR_NOTES[b.key]]
        for b in benches
        if b.key in FLOOR_NOTES
    ]
    summary = verdict(found)
    plain = "\n\n".join(
        [
            plain_table(target_header, target_rows),
            *(["\n".join(notes)] if notes else []),
            *([plain_table(floor_header, floor_rows)] if floor_rows else []),
            plain_table(timing_header, timing_rows),
            summary,
        ]
    )
    commands = [f"- {b.label}: `{shell(b.argv)}`" for b in benches]
    md = "\n".join(
        [
            "# Benchmark results",
            "",
            "Written by `python benchmarks/run.py`; do not edit by hand. "
            f"Medians of {runs} runs per command, each in a fresh process, the commands (baselines "
            'included) taking turns. "ratio" is the median over the median of `python -c "import typer"` '
            "from the same run, except for scaling (large catalogue over small). Every command reads the "
            "YAML files it names on every run. Peak RSS is the child's as Linux counts it, which starts "
            "from the size of this script's process at the fork (see `python -c pass`). "
            "`copier --help`, when present, is for comparison only.",
            "",
            *[f"- {line}" for line in about],
            "",
            "## Targets",
            "",
            markdown_table(target_header, target_rows),
            "",
            *[f"- {note}" for note in notes],
            *([""] if notes else []),
            f"**{summary}.**",
            "",
            *(
                [
                    "## Floors",
                    "",
                    "What reading the files costs before any code of ours runs, for information: the list and "
                    "validate targets (2.0× typer) include this.",
                    "",
                    markdown_table(floor_header, floor_rows),
                    "",
                ]
                if floor_rows
                else []
            ),
            "## Timings",
            "",
            markdown_table(timing_header, timing_rows),
            "",
            "## Commands",
            "",
            *commands,
            "",
        ]
    )
    return plain, md


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def machine(load_at_start: str) -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = f"load average at the start: {load_at_start}, at the end: {load_average()}"
    return [f"CPU: {cpu}; cores: {cores}; {load}", f"OS: {platform.platform()}"]


def ask(python: Path, code: str) -> str:
    """Something the interpreter under test knows about itself."""
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=child_env())
    return result.stdout.strip() or "?"


def versions(python: Path, copier: Path | None) -> list[str]:
    code = (
        "import importlib.metadata as m, platform, yaml\n"
        'print(f\'Python {platform.python_version()}; typer {m.version("typer")}, rich {m.version("rich")}, \''
        ' f\'PyYAML {yaml.__version__} (libyaml: {"yes" if yaml.__with_libyaml__ else "no"})\')'
    )
    lines = [f"{ask(python, code)}; interpreter {python}"]
    if copier:
        copier_python = copier.parent / "python"
        version = ask(copier_python, "import importlib.metadata as m; print(m.version('copier'))")
        lines.append(f"copier {version} ({copier}), for comparison only")
    return lines


def revision() -> str:
    """The commit measured, and whether the work tree had changes (read-only git)."""
    result = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT)
    return result.stdout.strip() or "unknown (not a git work tree)"


def shell(argv: Sequence[str]) -> str:
    return " ".join(a if a and " " not in a else repr(a) for a in argv)


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- main ---------------------------------------------------------------------------------------


def default_python() -> Path:
    venv = ROOT / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    cases = sorted((ROOT / "trees" / "cases").glob("*.yaml"))
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Before trees/ has a veiviser, walk the test sketch instead:\n"
        "  --walk-trees tests/trees/sketch --walk-tree reserverte-kontrakter --walk-case ''\n"
        "  --walk-set tjenestetype=helse_sosial --walk-set kontraktsverdi=40000000 --walk-set utbytteforbud=ja",
    )
    parser.add_argument("--python", type=Path, default=default_python(), help="interpreter with anskaffelse installed")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each command (default: 9)")
    parser.add_argument("--copier", help="the copier executable (default: $BENCH_COPIER, or benchmarks/.venv)")
    parser.add_argument("--no-copier", action="store_true", help="leave out the informational copier row")
    parser.add_argument("--trees", type=Path, default=ROOT / "trees", help="catalogue for list and validate")
    parser.add_argument("--cpv-query", default="kantine", help="search words for `anskaffelse cpv` (default: kantine)")
    parser.add_argument("--small", type=int, default=1_000, help="nodes in the small synthetic catalogue")
    parser.add_argument("--big", type=int, default=10_000, help="nodes in the large synthetic catalogue")
    parser.add_argument("--results", type=Path, default=RESULTS, help="markdown file (default: benchmarks/RESULTS.md)")
    walk = parser.add_argument_group("the walk: anskaffelse run TREE --trees DIR … --non-interactive --json")
    walk.add_argument("--walk-trees", type=Path, default=ROOT / "trees", help="catalogue (default: trees/)")
    walk.add_argument("--walk-tree", default="veiviser", help="tree id (default: veiviser)")
    walk.add_argument("--walk-answers", type=Path, help="an answers file")
    walk.add_argument(
        "--walk-case",
        type=lambda text: Path(text) if text else None,
        default=cases[0] if cases else None,
        help="a trees/cases file whose answers to give ('' for none; default: the first case)",
    )
    walk.add_argument("--walk-set", action="append", metavar="ID=VALUE", help="one answer (repeatable)")
    archive = parser.add_argument_group("replay of an archive: copies of the walk's trace")
    archive.add_argument("--archive-small", type=int, default=1_000, help="traces in the small archive")
    archive.add_argument("--archive-big", type=int, default=10_000, help="traces in the large archive")
    archive.add_argument("--archive-runs", type=int, default=3, help="timed runs of each replay (default: 3)")
    archive.add_argument(
        "--only-archive", action="store_true", help="time only the replay of the archives (prints; writes no file)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = load_average()
    python = args.python
    script = python.parent / "anskaffelse"
    cli = [str(script)] if script.exists() else [str(python), "-m", "anskaffelse"]
    if args.only_archive:
        return only_archive(args, cli)
    copier = None if args.no_copier else find_copier(args.copier)
    cpv_label = f"anskaffelse cpv {args.cpv_query}"
    has_cpv, cpv_note = command_exists(cli, "cpv")
    skipped = {} if has_cpv else {"cpv": (cpv_label, cpv_note)}

    compiled = compile_package(python)
    with tempfile.TemporaryDirectory(prefix="anskaffelse-bench-") as tmp:
        work = Path(tmp)
        archives = archive_benches(args, cli, work)
        small, big = work / "small", work / "big"
        small_nodes, big_nodes = write_catalogue(small, args.small), write_catalogue(big, args.big)
        walk = walk_args(args, work)
        benches = [
            # The baselines: the bare interpreter (informational) and the floor the ratios use.
            Bench("python", "python -c pass", [str(python), "-c", "pass"]),
            Bench("typer", 'python -c "import typer"', [str(python), "-c", "import typer"]),
            Bench("help", "anskaffelse --help", [*cli, "--help"]),
            Bench("list", "anskaffelse list", [*cli, "list", "--trees", str(args.trees)]),
            # Trees being edited may have errors: validate then exits 1, and is still timed.
            Bench("validate", "anskaffelse validate", [*cli, "validate", "--trees", str(args.trees)], (0, 1)),
            Bench("run", f"anskaffelse run {args.walk_tree} … --json", [*cli, *walk]),
            Bench("small", f"validate {small_nodes} nodes", [*cli, "validate", "--trees", str(small)]),
            Bench("big", f"validate {big_nodes} nodes", [*cli, "validate", "--trees", str(big)]),
        ]
        if has_cpv:
            benches.insert(6, Bench("cpv", cpv_label, [*cli, "cpv", args.cpv_query]))
        if copier:
            benches.insert(2, Bench("copier", "copier --help (comparison only)", [str(copier), "--help"]))
        benches += floor_benches(python, args.trees, big, big_nodes)
        print(f"timing {len(benches)} commands × {args.runs} runs …", file=sys.stderr)
        if cpv_note:
            print(f"note: {cpv_label}: {cpv_note}", file=sys.stderr)
        measure(benches, args.runs)
        print(f"timing replay of two archives × {args.archive_runs} runs …", file=sys.stderr)
        measure(archives, args.archive_runs)

    found = targets({b.key: b for b in benches}, skipped) + archive_targets({b.key: b for b in archives})
    benches += archives
    about = [
        f"date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        *machine(load_at_start),
        *versions(python, copier),
        f"code: {revision()}",
        compiled,
        f"list and validate on {display(args.trees)}; the walk on {display(args.walk_trees)}"
        + (f" with the answers of {display(args.walk_case)}" if args.walk_case and not args.walk_answers else ""),
        f"synthetic catalogues: one tree of about {args.small} and {args.big} nodes, with kilder.yaml and "
        "terskelverdier.yaml (see synthetic_tree)",
        f"archives: the walk's trace written {args.archive_small} and {args.archive_big} times under other names, "
        f"replayed as a folder with --dato the trace's date of assessment (so unchanged), "
        f"{args.archive_runs} runs each",
        *([f"PYTHONPATH={os.environ['PYTHONPATH']}"] if os.environ.get("PYTHONPATH") else []),
    ]
    plain, md = report(benches, found, about, args.runs)
    print(plain)
    args.results.write_text(md, encoding="utf-8")
    print(f"\nwritten to {display(args.results)}")
    return 0 if all(t.passed is not False for t in found) else 1


def only_archive(args: argparse.Namespace, cli: list[str]) -> int:
    """Only the replay of the archives, printed (RESULTS.md is written by a whole run)."""
    compile_package(args.python)
    with tempfile.TemporaryDirectory(prefix="anskaffelse-bench-") as tmp:
        archives = archive_benches(args, cli, Path(tmp))
        print(f"timing replay of two archives × {args.archive_runs} runs …", file=sys.stderr)
        measure(archives, args.archive_runs)
    found = archive_targets({b.key: b for b in archives})
    print(plain_table(["measure", "median", "ratio", "target", "result"], [t.row() for t in found]))
    for b in archives:
        print(f"{b.label}: median {b.median:.2f} s, min {min(b.seconds):.2f} s, max {max(b.seconds):.2f} s")
    print(verdict(found))
    return 0 if all(t.passed is not False for t in found) else 1


if __name__ == "__main__":
    sys.exit(main())
