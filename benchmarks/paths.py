"""Speed of `show --paths` and of the progress line («spørsmål 3 av vanligvis 12»).

    python benchmarks/paths.py                         # this checkout (a few minutes)
    python benchmarks/paths.py --baseline-src /tmp/old/src --baseline-name b095258
                                                       # and an older copy of the package, for comparison
    python benchmarks/paths.py --runs 1 --trees hvilke-regler veiviser

An older copy is made with `git archive <commit> src | tar -x -C /tmp/old`. Both are run with the
same interpreter (the repository's .venv, or --python) and the same catalogue (this checkout's
trees/), in fresh processes, taking turns. Results are printed and written to benchmarks/PATHS.md.

Measured:
- `anskaffelse show TRE --paths --format markdown` for each bundled tree: wall time (median of
  --runs) and peak memory, and the answers tried (from the program's own counter, this checkout only);
- the progress line, in one process (this checkout only): the first count from the start of each
  tree (the walk does it in the background while the first question waits at most 0.1 s), and a
  whole veiviser walk (the cautious answer at every question, «vet ikke» at free ones) with the
  line made at each question once that first count is done: the mean and the largest time per
  question.

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
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "PATHS.md"
TREES = ["er-det-en-anskaffelse", "hvilke-regler", "ideell-status", "verdiberegning", "direkte-anskaffelse"]
TREES += ["reserverte-kontrakter", "veiviser"]
DAY = "2026-11-30"

PROGRESS = r"""
import datetime as dt, json, sys, time
from anskaffelse.catalog import open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.progress import Progress

catalogue = open_catalogue(sys.argv[1])
engine = Engine(catalogue, dt.date.fromisoformat(sys.argv[2]))
first = {}
for tree in sys.argv[3:]:
    start = engine.start(tree)
    began = time.perf_counter()
    line = Progress(engine, wait=None).line(start)
    first[tree] = (time.perf_counter() - began, line)
progress = Progress(engine, wait=None)
state = engine.start("veiviser")
progress.line(state)  # the first count, done in the background during a real walk
times, lines = [], []
while (question := engine.question(state)) is not None:
    began = time.perf_counter()
    lines.append(progress.line(state))
    times.append(time.perf_counter() - began)
    raw = question.cautious or (question.choices[0].id if question.choices else "vet_ikke")
    state = engine.answer(state, raw)
print(json.dumps({"first": first, "times": times, "lines": lines}))
"""

TRIED = r"""
import datetime as dt, sys
from anskaffelse.catalog import open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.paths import Walker

engine = Engine(open_catalogue(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]))
for tree in sys.argv[3:]:
    walker = Walker(engine, listing=True)
    paths = walker.paths(tree)
    print(tree, walker.tries, len(paths))
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    default_python = ROOT / ".venv" / "bin" / "python"
    parser.add_argument(
        "--python", type=Path, default=default_python if default_python.exists() else Path(sys.executable)
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trees", nargs="+", default=TREES)
    parser.add_argument("--catalogue", type=Path, default=ROOT / "trees")
    parser.add_argument("--day", default=DAY)
    parser.add_argument("--baseline-src", type=Path, help="the src/ folder of an older copy of the package")
    parser.add_argument("--baseline-name", default="før")
    parser.add_argument("--no-write", action="store_true", help="print only; leave PATHS.md as it is")
    return parser.parse_args(argv)


def timed(command: list[str], src: Path | None) -> tuple[float, float]:
    """Wall seconds and the child's own peak memory (MB, os.wait4) of one run; its output thrown away."""
    env = dict(os.environ, PYTHONPATH=str(src)) if src else dict(os.environ)
    if src is None:
        env.pop("PYTHONPATH", None)
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)}: exit code {os.waitstatus_to_exitcode(status)}")
    return took, usage.ru_maxrss / 1024  # kilobytes on Linux


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cli = [str(args.python), "-m", "anskaffelse"]
    versions = {"nå": None} | ({args.baseline_name: args.baseline_src} if args.baseline_src else {})
    walls: dict[tuple[str, str], list[float]] = {}
    peaks: dict[tuple[str, str], float] = {}
    for tree in args.trees:
        command = [*cli, "show", tree, "--paths", "--format", "markdown", "--trees", str(args.catalogue)]
        command += ["--dato", args.day, "-o", "-"]
        for _ in range(args.runs):
            for name, src in versions.items():  # taking turns: a busy moment hits both alike
                took, peak = timed(command, src)
                walls.setdefault((tree, name), []).append(took)
                peaks[(tree, name)] = max(peaks.get((tree, name), 0.0), peak)
        print(tree, {name: f"{statistics.median(walls[(tree, name)]):.2f} s" for name in versions}, file=sys.stderr)
    tried_out = subprocess.run(
        [str(args.python), "-c", TRIED, str(args.catalogue), args.day, *args.trees],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tried = {line.split()[0]: line.split()[1:] for line in tried_out.splitlines()}
    progress = json.loads(
        subprocess.run(
            [str(args.python), "-c", PROGRESS, str(args.catalogue), args.day, *args.trees],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    text = report(args, versions, walls, peaks, tried, progress)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    return 0


def report(
    args: argparse.Namespace,
    versions: dict[str, Path | None],
    walls: dict[tuple[str, str], list[float]],
    peaks: dict[tuple[str, str], float],
    tried: dict[str, list[str]],
    progress: dict[str, object],
) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = [
        "# show --paths and the progress line",
        "",
        "Written by `python benchmarks/paths.py`; do not edit by hand. Wall time is the median of "
        f"{args.runs} runs in fresh processes (the versions taking turns); peak memory is the largest of them.",
        "",
        f"- date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}; assessment date {args.day}",
        f"- CPU: {platform.processor() or platform.machine()}; cores: {os.cpu_count()}; "
        f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- Python {platform.python_version()}; interpreter {args.python}",
        f"- code: {commit.strip()}"
        + "".join(f"; «{name}»: {src}" for name, src in versions.items() if src is not None),
        "",
        "## `show TRE --paths --format markdown`",
        "",
        "| tree | "
        + " | ".join(f"{name}: wall | {name}: peak" for name in versions)
        + " | answers tried | paths listed |",
        "|---|" + "---|---|" * len(versions) + "---|---|",
    ]
    for tree in args.trees:
        cells = [f"{statistics.median(walls[(tree, n)]):.2f} s | {peaks[(tree, n)]:.0f} MB" for n in versions]
        tries, listed = tried.get(tree, ["–", "–"])
        lines.append(f"| {tree} | " + " | ".join(cells) + f" | {int(tries):,} | {listed} |".replace(",", " "))
    first = progress["first"]
    assert isinstance(first, dict)
    lines += [
        "",
        "## The progress line",
        "",
        "The first count from the start of each tree (typing the total value). In a walk it runs in the",
        "background: the question waits for it at most 0.1 s, and leaves the number out until it is done.",
        "",
        "| tree | first count | the line at the first question |",
        "|---|---|---|",
    ]
    lines += [f"| {tree} | {took * 1000:.0f} ms | {line} |" for tree, (took, line) in first.items()]
    times = progress["times"]
    shown = progress["lines"]
    assert isinstance(times, list) and isinstance(shown, list)
    lines += [
        "",
        f"A whole veiviser walk, {len(times)} questions (the cautious answer, «vet ikke» at free ones), the first",
        f"count done: the line takes {statistics.median(times) * 1000:.2f} ms per question (median), "
        f"{max(times) * 1000:.0f} ms at most (the count made again when the walk enters the guided estimate;",
        "in a walk it runs in the background). Per question, in ms: "
        + ", ".join(f"{t * 1000:.1f}" for t in times)
        + ".",
        "",
        "Lines: " + " · ".join(shown),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
