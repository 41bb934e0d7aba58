"""Rewrite the key tables in README.md («## Treformatet») from the descriptions in trees/schemas/.

Run after changing a schema: `python scripts/gen_readme_keys.py`. tests/test_schema.py fails while
README and the schemas disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anskaffelse.treeschema import key_tables  # noqa: E402

START, END = "<!-- nøkler: start -->\n", "<!-- nøkler: slutt -->"


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        sys.exit("README.md mangler merkene for nøkkeltabellene")
    readme.write_text(pattern.sub(lambda _: START + key_tables() + END, text), encoding="utf-8")


if __name__ == "__main__":
    main()
