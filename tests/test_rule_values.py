"""The rule values of FOA § 5-4 as data (terskelverdier.yaml): the small-lots amounts (836 000 kr,
10,4 mill.), the 20 % and the 48 months. Changing the data changes the result; a percentage or a number
of months is a number in an expression; a value unknown before its first date makes the walk cautious,
not refused; and the small-lots line of «Slik er verdien beregnet» reaches the trace, the report and replay."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from anskaffelse.answers import Answers
from anskaffelse.catalog import check, open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.session import walk
from anskaffelse.wording import render_outcome
from conftest import BUNDLED, cli

CASES = BUNDLED / "cases"
SMALL_LOTS = CASES / "241-smaa-delkontrakter-oppfylt.yaml"
LEASE_48 = CASES / "245-leie-uten-sluttdato-ganger-48.yaml"
DAY = dt.date(2026, 6, 1)


def _answers(case: Path) -> dict[str, str]:
    text = case.read_text(encoding="utf-8").split("answers:\n", 1)[1]
    return dict(line.strip().split(": ", 1) for line in text.splitlines() if line.strip())


def _copy(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    root = tmp_path / "trees"
    shutil.copytree(BUNDLED, root, ignore=shutil.ignore_patterns("cases"))
    if replace is not None:
        path = root / "terskelverdier.yaml"
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
    return root


def _walk(root: Path, case: Path, day: dt.date = dt.date(2026, 4, 1)) -> tuple[str, str, dict[str, object]]:
    """The outcome id, its text as shown, and the steps (key → shown answer) of a case walked on `root`."""
    engine = Engine(open_catalogue(root), day)
    engine.check_thresholds("hvilke-regler")
    state = walk(engine, "hvilke-regler", Answers(_answers(case), origin="test"), None, terminal=False)
    outcome = engine.outcome(state)
    assert outcome is not None
    _, text, _, _ = render_outcome(outcome, engine.env(state.facts))
    steps: dict[str, object] = {}
    for s in state.steps:  # the first: a computed total is shown again, known, where its question stands
        steps.setdefault(s.key, s.answer_label)
    return outcome.id, text, steps


def test_small_lots_that_qualify_may_follow_del_1_and_the_part_says_so() -> None:
    outcome, text, steps = _walk(BUNDLED, SMALL_LOTS)
    assert outcome == "del-3"
    assert "kan følge bare del I" in text and "(grensen er 1 000 000 kr)" in text
    assert "høyst 20 prosent av 5 000 000 kr er 1 000 000 kr: ja" in str(steps["vb_smaa_belop"])
    assert "hver er verdt under 836 000 kr (varer og tjenester)" in str(steps["vb_smaa_belop"])
    assert "og hver under 836 000 kr" in text


def test_a_lower_small_lots_amount_in_the_data_changes_the_result(tmp_path: Path) -> None:
    root = _copy(tmp_path, ("    - {from: 2024-03-14, amount: 836000}", "    - {from: 2024-03-14, amount: 250000}"))
    _, text, steps = _walk(root, SMALL_LOTS)
    assert "og hver under 250 000 kr" in text and "836 000" not in text
    assert "hver er verdt under 250 000 kr" in str(steps["vb_smaa_belop"])


def test_a_lower_share_in_the_data_changes_the_limit(tmp_path: Path) -> None:
    root = _copy(tmp_path, ("    - {from: 2017-01-01, amount: 20}", "    - {from: 2017-01-01, amount: 10}"))
    _, text, steps = _walk(root, SMALL_LOTS)
    assert "høyst 10 prosent av 5 000 000 kr er 500 000 kr: nei" in str(steps["vb_smaa_belop"])
    assert "er ikke oppfylt" in text


def test_the_months_of_5_4_10_and_12_come_from_the_data(tmp_path: Path) -> None:
    _, _, steps = _walk(BUNDLED, LEASE_48, dt.date(2026, 6, 1))
    assert "20 × 1 500 kr i måneden × 48 måneder = 1 440 000 kr" in str(steps["kontraktsverdi"])
    root = _copy(tmp_path, ("    - {from: 2017-01-01, amount: 48}", "    - {from: 2017-01-01, amount: 36}"))
    outcome, _, steps = _walk(root, LEASE_48, dt.date(2026, 6, 1))
    assert "× 36 måneder = 1 080 000 kr" in str(steps["kontraktsverdi"])
    assert outcome == "del-1"  # 1 080 000 kr is under the national threshold


def test_a_date_before_the_first_small_lots_amount_is_walked_and_left_undecided() -> None:
    outcome, text, steps = _walk(BUNDLED, CASES / "254-smaa-delkontrakter-foer-forste-belop.yaml", dt.date(2017, 6, 1))
    assert outcome == "del-3"
    assert "vb_smaa_belop" not in steps  # unknown on the date: no amount, no step
    assert "det kunne ikke avgjøres om noen delkontrakter kan følge enklere regler" in text
    assert "kan følge bare del I" not in text


def test_the_rule_values_are_not_listed_as_thresholds_used() -> None:
    """The small-lots amounts are shown in the calculation line, with their paragraph; the list of thresholds
    used names neither them nor the percentage and the months, with lots or with a typed total."""
    for case, day in ((SMALL_LOTS, dt.date(2026, 4, 1)), (CASES / "107-saerlige-over-suspensjon-10-3.yaml", DAY)):
        engine = Engine(open_catalogue(BUNDLED), day)
        state = walk(engine, "hvilke-regler", Answers(_answers(case), origin="test"), None, terminal=False)
        used = {u.id for u in state.thresholds} | {u.id for u in engine.thresholds_shown(state)}
        assert "eos-helse-sosial" in used or "eos-annen" in used
        assert not used & {"smaa-delkontrakter", "smaa-delkontrakter-bygg", "smaa-delkontrakter-andel"}
        assert "beregning-maaneder" not in used


def test_a_percentage_is_a_number_in_an_expression(catalogue_with) -> None:  # type: ignore[no-untyped-def]
    from anskaffelse.expr import check as check_expr
    from anskaffelse.expr import parse
    from anskaffelse.facts import fact_types

    catalogue = open_catalogue(BUNDLED)
    types = fact_types(catalogue)
    kind, errors = check_expr(parse("kontraktsverdi * terskel(smaa-delkontrakter-andel)"), types, catalogue.thresholds)
    assert (kind, errors) == ("money", [])
    _, errors = check_expr(parse("kontraktsverdi > terskel(beregning-maaneder)"), types, catalogue.thresholds)
    assert errors and "kan ikke sammenligne et beløp med et tall" in errors[0].message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  unit: kroner\n", "unit må være kr, prosent, måneder"),
        ("  unit: prosent\n  before_first: nei\n", "before_first kan bare være «ukjent»"),
        ("  unit: prosent\n  before_first: ukjent\n", None),
    ],
)
def test_unit_and_before_first_are_checked(tmp_path: Path, line: str, message: str | None) -> None:
    root = _copy(tmp_path, ("  unit: prosent\n", line))
    _, findings = check(root)
    errors = [str(f) for f in findings if not f.warning]
    if message is None:
        assert errors == []
    else:
        assert any(message in e for e in errors), errors


def test_the_thresholds_command_shows_a_percentage_and_months_as_such() -> None:
    code, out, _ = cli("terskler", "--dato", "2026-04-01", width=200)
    assert code == 0
    assert re.search(r"20 %", out) and "48 måneder" in out and "836 000 kr" in out


def test_the_small_lots_line_is_in_the_trace_the_report_and_replay(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    report = tmp_path / "r.md"
    code, _, err = cli(
        "run", "hvilke-regler", "--answers", SMALL_LOTS, "--dato", "2026-04-01", "--non-interactive",
        "--no-review", "--trace", trace, "--markdown", report,
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(trace.read_text(encoding="utf-8"))
    shown = [s for s in data["steps"] if s["key"] == "vb_smaa_belop"]
    assert shown and shown[0]["origin"] == "computed" and "FOA § 5-4 (8)" in json.dumps(shown[0], ensure_ascii=False)
    markdown = report.read_text(encoding="utf-8")
    assert "Små delkontrakter: til sammen 900 000 kr" in markdown
    # The computed total is in the trace twice (computed, then known where the total question stands):
    # replay on the same trees and date finds nothing changed.
    code, out, err = cli("replay", trace, "--dato", "2026-04-01", width=200)
    assert code == 0, err + out
    assert "uendret" in out


def test_lots_are_asked_only_for_an_estimate_over_an_eos_threshold() -> None:
    # Case 64: twelve schools, 5 400 000 kr of catering (særlige tjenester), under their EØS threshold.
    _, _, steps = _walk(BUNDLED, CASES / "64-skolelunsj-tolv-skoler-del-2.yaml", dt.date(2026, 6, 1))
    assert "vb_delkontrakter" not in steps
    # Case 107: a typed total over the EØS threshold: the lots are not asked (the typed walk does not grow).
    _, _, steps = _walk(BUNDLED, CASES / "107-saerlige-over-suspensjon-10-3.yaml", dt.date(2026, 4, 1))
    assert "vb_delkontrakter" not in steps and "kontraktsverdi" in steps


def test_path_merging_tells_apart_amounts_on_each_side_of_a_reported_threshold() -> None:
    """rapportert(eos-annen) is 2 500 000 kr on 1 June 2026: 2 400 000 kr (the uncertain band) and 4 800 000 kr
    (a leased item at 100 000 kr a month × 48) take different rules, so their futures may not be merged."""
    from anskaffelse.futures import Kinds

    kinds = Kinds(Engine(open_catalogue(BUNDLED), DAY))
    assert Decimal(2_500_000) in kinds.limits()
    assert kinds.compared("kontraktsverdi", Decimal(2_400_000)) != kinds.compared("kontraktsverdi", Decimal(4_800_000))


def test_the_tax_certificate_amount_of_7_2_comes_from_the_data(tmp_path: Path) -> None:
    """«Krev skatteattest … hvis verdien overstiger …» in a del I result shows FOA § 7-2's amount from
    terskelverdier.yaml (500 000 kr); a changed value in the data changes the text."""
    case = CASES / "193-del1-bare-ideelle-med-saklig-grunnlag.yaml"

    def steps_of(root: Path) -> str:
        engine = Engine(open_catalogue(root), DAY)
        answers = {k: str(v) for k, v in yaml.safe_load(case.read_text(encoding="utf-8"))["answers"].items()}
        state = walk(engine, "reserverte-kontrakter", Answers(answers, origin="test"), None, terminal=False)
        outcome = engine.outcome(state)
        assert outcome is not None and outcome.id == "del-1-kan-invitere-ideelle"
        _, _, steps, _ = render_outcome(outcome, engine.env(state.facts))
        return "\n".join(steps)

    assert "skatteattest fra norsk leverandør hvis verdien overstiger 500 000 kr (FOA § 7-2)" in steps_of(BUNDLED)
    changed = _copy(tmp_path, ("- {from: 2017-01-01, amount: 500000}", "- {from: 2017-01-01, amount: 600000}"))
    assert "overstiger 600 000 kr (FOA § 7-2)" in steps_of(changed)
