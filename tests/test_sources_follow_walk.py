"""An outcome cites the provisions of the part of FOA the walk is in (and of the buyer type it knows), not
those of every part: a del III walk is not sent to § 8-8 and § 30-3, a kommune not to § 5-3 (1) bokstav a.
Checked on every case in trees/cases/ (the real walks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from anskaffelse.answers import load_answers
from anskaffelse.catalog import open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.export import build_trace
from anskaffelse.runner import assessment_day
from anskaffelse.session import walk
from conftest import BUNDLED

# Provisions that belong to one part only: an outcome of a walk in another part must not cite them.
# (Del I outcomes may name §§ 8-8, 16-9 and 30-3 to say that they do not apply there: analogy.)
ONLY_IN = {
    "foa-8-8": {"del-1", "del-2", "del-2-saerlige-over"},
    "foa-16-9": {"del-1", "del-3"},
    "foa-30-3": {"del-1", "del-4"},
    "foa-8-18": {"del-2", "del-2-saerlige-over"},
    "foa-21-5": {"del-3"},
    "foa-30-6": {"del-4"},
    "foa-25-5": {"del-3"},
    "foa-25-5-2-e": {"del-3"},
    "foa-10-5": {"del-2", "del-2-saerlige-over", "del-4"},
    "foa-8-17": {"del-2", "del-2-saerlige-over"},
    "foa-21-2": {"del-3"},
    "foa-30-5": {"del-4"},
    "foa-19-4": {"del-3"},
}
PARTS = {"del-1", "del-2", "del-2-saerlige-over", "del-3", "del-4"}
CASES = sorted((BUNDLED / "cases").glob("*.yaml"))


def _walk(path: Path) -> tuple[str | None, str | None, list[str]]:
    preset = load_answers(path)
    tree_id = preset.tree or "veiviser"
    engine = Engine(open_catalogue(BUNDLED), assessment_day(None, preset.date))
    state = walk(engine, tree_id, preset, None, terminal=False)
    trace = build_trace(engine, state, tree_id, dt.datetime(2026, 11, 30, tzinfo=dt.UTC), complete=True)
    final = trace["outcome"]
    part = next((o["node"] for o in trace["passed"] if o["tree"] == "hvilke-regler" and o["node"] in PARTS), None)
    if final is not None and final["tree"] == "hvilke-regler" and final["node"] in PARTS:
        part = final["node"]
    buyer = state.facts.get("oppdragsgiver_type")
    return part, (str(buyer) if buyer is not None else None), [s["id"] for s in (final or {"sources": []})["sources"]]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_an_outcome_cites_only_the_provisions_of_its_part_and_buyer_type(path: Path) -> None:
    part, buyer, cited = _walk(path)
    if part is not None:
        wrong = [s for s in cited if s in ONLY_IN and part not in ONLY_IN[s]]
        assert wrong == [], f"{path.name}: {part} cites {wrong}"
    if buyer == "annen":
        assert "foa-5-3-1-a" not in cited, path.name
    if buyer == "statlig":
        assert "foa-5-3-1-b" not in cited, path.name


def test_the_check_sees_every_part() -> None:
    parts = {_walk(path)[0] for path in CASES}
    assert parts >= PARTS
