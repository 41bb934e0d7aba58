"""Threshold values that are only reported (never used as the threshold, but named), values an
organisation supplies itself with --thresholds (used, marked as theirs, in the trace and replayed
with the same file), and changes in the law named on the outcomes that rest on them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from anskaffelse.answers import Answers
from anskaffelse.catalog import open_catalogue, with_supplied
from anskaffelse.engine import Engine
from anskaffelse.errors import CatalogueError
from anskaffelse.export import build_trace, to_markdown
from anskaffelse.session import walk
from conftest import BUNDLED, cli

THRESHOLDS = """nasjonal:
  title: Nasjonal terskelverdi
  source: foa-5-3
  checked: 2026-11-27
  values:
    - {from: 2020-01-01, amount: 1300000}
    - {from: 2026-04-21, amount: 1500000, status: rapportert, source: meldt av en tredjepart}
"""

SOURCES = """loa-4:
  citation: LOA § 4
  title: Grunnleggende prinsipper
  url: https://lovdata.no/lov/2016-06-17-73/§4
  checked: 2026-11-27
  changes:
    - from: 2026-07-01
      status: rapportert
      checked: 2026-11-30
      text: Regelendring 1. juli 2026 (meldt, ikke bekreftet) – sjekk loven på lovdata.no.
foa-5-3:
  citation: FOA § 5-3
  title: EØS-terskelverdier
  url: https://lovdata.no/forskrift/2016-08-12-974/§5-3
  checked: 2026-11-27
"""

TREE = """id: band
title: Band
version: "1"
start: verdi
nodes:
  verdi:
    question: Verdi?
    help: Ekskl. mva.
    input: amount
    fact: verdi
    next: velg
  velg:
    branch:
      - when: "verdi >= terskel(nasjonal) og verdi < rapportert(nasjonal)"
        next: usikker
      - when: "verdi >= terskel(nasjonal)"
        next: over
      - otherwise: under
  usikker:
    outcome:
      verdict: vurder
      title: "Mellom {terskel(nasjonal)} og {rapportert(nasjonal)}"
      text: Delen er usikker til verdien er bekreftet.
      sources: [foa-5-3]
  over:
    outcome: {verdict: vurder, title: Over, text: Over., sources: [foa-5-3, loa-4]}
  under:
    outcome: {verdict: vurder, title: Under, text: Under., sources: [loa-4]}
"""

SUPPLIED = """nasjonal:
  source: Kommunens egen kontroll mot anskaffelser.no 15.11.2026
  values:
    - {from: 2026-04-21, amount: 1500000}
"""


@pytest.fixture
def root(catalogue_with: Callable[..., Path]) -> Path:
    return catalogue_with({"band.yaml": TREE, "terskelverdier.yaml": THRESHOLDS, "kilder.yaml": SOURCES})


def outcome_of(root: Path, value: str, day: dt.date, supplied: Path | None = None) -> tuple[str, dict]:
    engine = Engine(with_supplied(open_catalogue(root), supplied), day)
    state = walk(engine, "band", Answers({"verdi": value}, origin="test"), None, terminal=False)
    trace = build_trace(engine, state, "band", dt.datetime(2026, 11, 30, tzinfo=dt.UTC), complete=True)
    outcome = engine.outcome(state)
    assert outcome is not None
    return outcome.id, dict(trace)


@pytest.mark.parametrize(
    ("value", "expected"), [("1299999", "under"), ("1300000", "usikker"), ("1499999", "usikker"), ("1500000", "over")]
)
def test_a_value_between_the_confirmed_and_the_reported_threshold_is_uncertain_at_both_edges(
    root: Path, value: str, expected: str
) -> None:
    assert outcome_of(root, value, dt.date(2026, 11, 30))[0] == expected


def test_before_the_reported_date_there_is_no_band(root: Path) -> None:
    assert outcome_of(root, "1400000", dt.date(2026, 4, 20))[0] == "over"


def test_the_reported_value_is_never_the_threshold_but_is_named_and_marked(root: Path) -> None:
    _, trace = outcome_of(root, "1400000", dt.date(2026, 11, 30))
    used = [(u["amount"], u.get("status", "bekreftet")) for u in trace["thresholds"]]
    assert used == [(1300000, "bekreftet"), (1500000, "rapportert")]
    assert trace["outcome"]["title"] == "Mellom 1 300 000 kr og 1 500 000 kr"
    report = to_markdown(trace)  # type: ignore[arg-type]
    assert "1 500 000 kr ekskl. mva., gjeldende fra 21. april 2026 – rapportert, ikke bekreftet" in report


def test_a_value_the_organisation_has_confirmed_is_used_and_marked_as_theirs(root: Path, tmp_path: Path) -> None:
    own = tmp_path / "egne.yaml"
    own.write_text(SUPPLIED, encoding="utf-8")
    outcome, trace = outcome_of(root, "1400000", dt.date(2026, 11, 30), own)
    assert outcome == "under"  # 1 400 000 is under the confirmed 1 500 000: no band left
    assert [(u["amount"], u.get("status")) for u in trace["thresholds"]] == [(1500000, "oppgitt")]
    assert trace["thresholds_file"]["file"].endswith("egne.yaml") and len(trace["thresholds_file"]["sha256"]) == 64
    report = to_markdown(trace)  # type: ignore[arg-type]
    assert "oppgitt av brukeren (Kommunens egen kontroll mot anskaffelser.no 15.11.2026)" in report


def test_a_wrong_supplied_file_is_refused_with_file_and_line(root: Path, tmp_path: Path) -> None:
    own = tmp_path / "egne.yaml"
    own.write_text(SUPPLIED.replace("nasjonal:", "nasjonl:") + "eos:\n  values: []\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        with_supplied(open_catalogue(root), own)
    details = "\n".join(caught.value.details)
    assert "egne.yaml:1:1" in details and "mente du «nasjonal»" in details
    assert "egne.yaml:5" in details


def test_run_and_replay_use_the_same_supplied_values(root: Path, tmp_path: Path) -> None:
    own, saved = tmp_path / "egne.yaml", tmp_path / "spor.json"
    own.write_text(SUPPLIED, encoding="utf-8")
    common = ["--trees", root, "--dato", "2026-11-30"]
    code, _, err = cli("run", "band", "--set", "verdi=1400000", "--thresholds", own, "--trace", saved, *common)
    assert code == 0, err
    assert json.loads(saved.read_text(encoding="utf-8"))["outcome"]["node"] == "under"
    code, out, _ = cli("replay", saved, *common)  # the file the trace names is read again
    assert code == 0 and "uendret" in out
    own.write_text(SUPPLIED.replace("1500000", "1350000"), encoding="utf-8")
    code, out, _ = cli("replay", saved, *common)
    assert code == 3 and "ikke de samme som da tracen ble laget" in out


def test_a_change_in_the_law_is_named_from_its_date_on_the_outcomes_citing_the_source(root: Path) -> None:
    _, before = outcome_of(root, "100000", dt.date(2026, 6, 30))
    _, after = outcome_of(root, "100000", dt.date(2026, 7, 1))
    assert before["notices"] == []
    assert [(n["source"], n["status"], n["from"]) for n in after["notices"]] == [("loa-4", "rapportert", "2026-07-01")]
    report = to_markdown(after)  # type: ignore[arg-type]
    assert "**LOA § 4 (rapportert, sist undersøkt 30. november 2026):** Regelendring 1. juli 2026" in report
    code, out, _ = cli("run", "band", "--set", "verdi=100000", "--trees", root, "--dato", "2026-07-01")
    assert code == 0 and "Regelendring 1. juli 2026" in out


def test_the_bundled_catalogue_names_the_reform_and_the_reported_values() -> None:
    catalogue = open_catalogue(BUNDLED)
    changed = {s.id for s in catalogue.sources.values() if s.changes}
    assert {"loa-2", "loa-4", "foa-7-9"} <= changed
    day = dt.date(2026, 11, 30)
    reported = {t.id: t.reported_on(day) for t in catalogue.thresholds.values()}
    assert reported["eos-annen"] is not None and int(reported["eos-annen"].amount) == 2_500_000
    assert int(catalogue.thresholds["eos-annen"].value_on(day).amount) == 2_300_000  # type: ignore[union-attr]
    assert int(reported["nedre-grense"].amount) == 500_000  # type: ignore[union-attr]


def test_the_bundled_trees_name_the_uncertain_band_and_a_confirmed_value_settles_it(tmp_path: Path) -> None:
    case = BUNDLED / "cases" / "221-kommune-paa-bekreftet-eos-terskel.yaml"
    code, out, _ = cli("run", "--answers", case, "--non-interactive", "--markdown", "-")
    assert code == 0
    assert "bekreftet til 2 300 000 kr, men 2 500 000 kr er meldt fra 21. april 2026" in " ".join(out.split())
    own = tmp_path / "egne.yaml"
    own.write_text(
        "eos-annen:\n  source: Sjekket på anskaffelser.no\n  values:\n    - {from: 2026-04-21, amount: 2500000}\n",
        encoding="utf-8",
    )
    code, out, _ = cli("run", "--answers", case, "--non-interactive", "--thresholds", own, "--json")
    assert code == 0 and json.loads(out)["outcome"]["node"] == "del-2"
