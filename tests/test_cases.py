"""`anskaffelse test`: case files as the tree authors' tests, run on the sketch catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SKETCH, cli

RESERVED = "tree: reserverte-kontrakter\n"


def catalogue_with_cases(tmp_path: Path, cases: dict[str, str]) -> Path:
    root = tmp_path / "katalog"
    shutil.copytree(SKETCH, root)
    (root / "cases").mkdir()
    for name, text in cases.items():
        (root / "cases" / name).write_text(text, encoding="utf-8")
    return root


GOOD = RESERVED + "expect: kan_reservere\nanswers:\n  tjenestetype: helse_sosial\n  kontraktsverdi: 40 mill\n"
GOOD += "  utbytteforbud: ja\n"
WRONG = "# Sykehjem: kommunen tror det kan reserveres\n" + GOOD.replace("utbytteforbud: ja", "utbytteforbud: nei")


def test_the_catalogues_cases_are_run_by_default_with_a_table_and_exit_0(tmp_path: Path) -> None:
    root = catalogue_with_cases(tmp_path, {"a.yaml": GOOD})
    code, out, _ = cli("test", "--trees", root, width=200)
    assert code == 0, out
    row = next(line for line in out.splitlines() if "a.yaml" in line)
    assert row.split()[1:] == ["kan_reservere", "kan_reservere", "OK"]
    assert "1 sak: 1 OK, 0 FEIL" in out


def test_every_failure_is_reported_in_one_run_with_expected_actual_and_the_path(tmp_path: Path) -> None:
    broken = RESERVED + "expect: kan_reservere\nanswers:\n  tjenestetype: helse_sosial\n"  # no amount: invalid
    root = catalogue_with_cases(tmp_path, {"a.yaml": WRONG, "b.yaml": broken, "c.yaml": GOOD})
    code, out, _ = cli("test", "--trees", root, width=200)
    assert code == 1
    assert "utfall: forventet «kan_reservere», fikk «kan_ikke»" in out
    assert "veien: reserverte-kontrakter/tjenestetype → " in out and "ideell-status/kommersiell" in out
    assert "FEIL" in next(line for line in out.splitlines() if "b.yaml" in line)
    assert "mangler svar på «kontraktsverdi»" in out or "«kontraktsverdi»" in out
    assert "3 saker: 1 OK, 2 FEIL" in out


def test_answers_never_used_are_warned_and_unreached_outcomes_named(tmp_path: Path) -> None:
    extra = GOOD + "  leverandortype: ideell\n"
    root = catalogue_with_cases(tmp_path, {"a.yaml": extra})
    code, out, _ = cli("test", "--trees", root, width=200)
    assert code == 0
    assert "svar som aldri ble brukt: leverandortype" in out
    unreached = out.split("Utfall ingen sak når")[1]
    assert "reserverte-kontrakter/under_terskel" in unreached and "reserverte-kontrakter/kan_reservere" not in unreached


def test_a_case_can_expect_conclusions_on_the_way_and_cited_sources(tmp_path: Path) -> None:
    more = GOOD.replace(
        "expect: kan_reservere\n",
        "expect:\n  outcome: kan_reservere\n  passed: [ideell]\n  sources: [foa-30-2a]\n",
    )
    wrong = GOOD.replace(
        "expect: kan_reservere\n",
        "expect:\n  outcome: kan_reservere\n  passed: [kommersiell]\n  del: del-2\n  sources: [foa-13-4]\n",
    )
    root = catalogue_with_cases(tmp_path, {"a.yaml": more, "b.yaml": wrong})
    code, out, _ = cli("test", "--trees", root, width=200)
    assert code == 1
    assert "a.yaml" in out and "1 OK, 1 FEIL" in out
    assert "vurderinger underveis: forventet kommersiell, fikk ideell" in out
    assert "del: forventet «del-2»" in out
    assert "kilder: forventet at foa-13-4 siteres" in out


def test_update_rewrites_only_the_expected_outcome_after_showing_the_diff(tmp_path: Path) -> None:
    root = catalogue_with_cases(tmp_path, {"a.yaml": WRONG, "c.yaml": GOOD})
    case = root / "cases" / "a.yaml"
    code, out, err = cli("test", "--trees", root, "--update")
    assert code == 2 and "bruk --yes" in err  # no terminal to ask: nothing is changed
    assert case.read_text(encoding="utf-8") == WRONG
    code, out, _ = cli("test", "--trees", root, "--update", "--yes")
    assert code == 0
    assert "-expect: kan_reservere\n+expect: kan_ikke\n" in out
    assert case.read_text(encoding="utf-8") == WRONG.replace("expect: kan_reservere", "expect: kan_ikke")
    assert (root / "cases" / "c.yaml").read_text(encoding="utf-8") == GOOD
    code, out, _ = cli("test", "--trees", root)
    assert code == 0


def test_update_keeps_quotes_comments_and_a_mapping_expectation(tmp_path: Path) -> None:
    text = GOOD.replace("utbytteforbud: ja", "utbytteforbud: nei").replace(
        "expect: kan_reservere\n",
        "expect:\n  outcome: 'kan_reservere'   # slik kommunen ser det\n  passed: [kommersiell]\n",
    )
    root = catalogue_with_cases(tmp_path, {"a.yaml": text})
    code, _, _ = cli("test", "--trees", root, "--update", "--yes")
    assert code == 0
    assert (root / "cases" / "a.yaml").read_text(encoding="utf-8") == text.replace("'kan_reservere'", "kan_ikke")


@pytest.mark.parametrize("argument", ["finnes-ikke.yaml", "tom-mappe"])
def test_bad_usage_is_exit_2(tmp_path: Path, argument: str) -> None:
    (tmp_path / "tom-mappe").mkdir()
    code, _, err = cli("test", "--trees", SKETCH, tmp_path / argument)
    assert code == 2, err
    assert "Traceback" not in err


def test_a_case_without_expect_is_invalid_and_named(tmp_path: Path) -> None:
    root = catalogue_with_cases(tmp_path, {"a.yaml": GOOD.replace("expect: kan_reservere\n", "")})
    code, out, _ = cli("test", "--trees", root, width=200)
    assert code == 1
    assert "saken har ingen «expect:»" in out


def test_a_tree_id_runs_the_catalogues_cases_for_that_tree() -> None:
    cases = Path(__file__).parents[1] / "trees" / "cases"
    expected = sorted(p.name for p in cases.glob("*.yaml") if "\ntree: ideell-status\n" in p.read_text("utf-8"))
    code, out, _ = cli("test", "ideell-status")
    assert code == 0
    ran = sorted(line.split()[0].rsplit("/", 1)[-1] for line in out.splitlines() if "/cases/" in line)
    assert expected and ran == expected
    code, _, err = cli("test", "finnes-ikke")
    assert code == 2 and "et tre-id" in err
