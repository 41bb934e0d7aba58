"""Rewrite README's table of how many questions the paths through each bundled tree ask («## Katalogen»).

Run after changing a tree: `python scripts/gen_readme_paths.py` (the assessment date already in the
table; `--dato ÅÅÅÅ-MM-DD` for another). tests/test_catalogue.py fails while README and the trees
disagree. The numbers are those `anskaffelse show TRE --paths` gives.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anskaffelse.catalog import open_catalogue  # noqa: E402
from anskaffelse.engine import Engine  # noqa: E402
from anskaffelse.pathtext import questions_table  # noqa: E402

START, END = "<!-- spørsmål: start -->\n", "<!-- spørsmål: slutt -->"
DATE = re.compile(r"Vurderingsdato (\d{4}-\d\d-\d\d)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--dato", type=dt.date.fromisoformat, help="the assessment date (default: the table's)")
    args = parser.parse_args(argv)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    found = pattern.search(text)
    if not found:
        sys.exit("README.md mangler merkene for tabellen over spørsmål")
    old = DATE.search(found.group(0))
    day = args.dato or (dt.date.fromisoformat(old.group(1)) if old else dt.date.today())
    table = questions_table(Engine(open_catalogue(ROOT / "trees"), day))
    readme.write_text(pattern.sub(lambda _: START + table + END, text), encoding="utf-8")


if __name__ == "__main__":
    main()
