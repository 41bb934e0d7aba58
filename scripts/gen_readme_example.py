"""Rewrite the example report in README.md («Eksempel på en rapport») from docs/eksempel/reservert-sykehjem.yaml
and the bundled trees, with the report made exactly as `anskaffelse run --answers … --markdown` makes it.

Run after the trees or the report change: `python scripts/gen_readme_example.py`. The time of writing is fixed
(30 November 2026 at 10.12, Norwegian time), so that only a change in the trees or the report changes README.
It stops with an error when the example's answers do not fit the trees (a key no question has, a missing answer).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anskaffelse import runner  # noqa: E402
from anskaffelse.export import to_markdown  # noqa: E402

EXAMPLE = ROOT / "docs" / "eksempel" / "reservert-sykehjem.yaml"
WRITTEN = dt.datetime(2026, 11, 30, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
START, END = "<!-- eksempel: start -->\n", "<!-- eksempel: slutt -->"


def report() -> str:
    options = runner.RunOptions(answers=(EXAMPLE,), trees=ROOT / "trees", non_interactive=True)
    problems: list[str] = []
    walk = runner.prepare(options, problems.append)
    if problems:
        sys.exit("\n".join(problems))
    walk.created = WRITTEN
    data = runner.execute(walk, options, None, terminal=False)
    return to_markdown(data)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        sys.exit("README.md mangler merkene for eksempelet")
    block = f"{START}````markdown\n{report()}````\n{END}"
    readme.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


if __name__ == "__main__":
    main()
