"""Safe defaults: a buyer who presses Enter at every question, and types «vet ikke» where a value is
asked, never reaches a permissive result («tillatt», or «utenfor regelverket»), in any tree."""

from __future__ import annotations

import datetime as dt
import re
import sys

import pexpect
import pytest

from anskaffelse.catalog import open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.texts import VERDICT_LABELS
from conftest import BUNDLED
from test_terminal import ENTER, spawn

PERMISSIVE = ("tillatt", "utenfor_regelverket")
DATES = [dt.date(2026, 6, 1), dt.date(2026, 11, 30)]


def enter_everywhere(engine: Engine, tree_id: str) -> tuple[str, str, list[str]]:
    """The walk of a buyer who presses Enter at every choice and types «vet ikke» at every free question."""
    state = engine.start(tree_id)
    path = []
    while (question := engine.question(state)) is not None:
        # A menu: where the cursor starts. A free question: «vet ikke».
        answer = (question.cautious or question.choices[0].id) if question.choices else "vet ikke"
        path.append(f"{question.key}={answer}")
        state = engine.answer(state, answer)
    outcome = engine.outcome(state)
    assert outcome is not None
    return outcome.id, outcome.verdict, path


@pytest.mark.parametrize("day", DATES, ids=str)
def test_enter_at_every_question_never_reaches_a_permissive_verdict(day: dt.date) -> None:
    catalogue = open_catalogue(BUNDLED)
    engine = Engine(catalogue, day)
    for tree_id in catalogue.trees:
        outcome, verdict, path = enter_everywhere(engine, tree_id)
        assert verdict not in PERMISSIVE, f"{tree_id}: {outcome} ({verdict}) after {' '.join(path)}"


def test_every_bundled_choice_question_starts_the_cursor_on_a_cautious_answer() -> None:
    """No question leaves the cursor on its first choice by accident: each has «vet_ikke» or a default."""
    for tree in open_catalogue(BUNDLED).trees.values():
        for question in tree.questions():
            if question.choices:
                assert question.cautious is not None, f"{tree.id}/{question.id}: no vet_ikke and no default"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal (pexpect.spawn)")
def test_a_new_user_pressing_enter_through_the_real_guide_gets_no_permission() -> None:
    child = spawn("run", "--no-review")
    # The hint of a free question («…, eller «vet ikke»», «…; «vet ikke» hvis …») may wrap; an outcome
    # that says «dere svarte «vet ikke» på …» is not a question.
    menu, free = re.escape("(piltaster og Enter)"), r"(?:eller|;)\s+«vet\s+ikke»"
    asked, seen = 0, []
    while child.expect([menu, free, pexpect.EOF]) != 2:
        asked += 1
        seen.append(child.before or "")
        assert asked < 80, "the walk never ended"
        child.send(ENTER if child.match.re.pattern == menu else "vet ikke" + ENTER)  # the last: «Lagre rapporten?» Nei
    child.close()
    # The result, before «Hva ville endret resultatet» (which names the other answers' results too).
    result = "".join(seen).split("Hva ville endret resultatet", 1)[0]
    assert child.exitstatus == 0 and asked >= 5
    shown = VERDICT_LABELS["vurder"] in result or VERDICT_LABELS["ikke_tillatt"] in result
    assert shown, result[-2000:]
    assert "Kontrakten er unntatt" not in result
    assert VERDICT_LABELS["utenfor_regelverket"] not in result
    assert not re.search(r"(?<!Ikke )\bTillatt\b", result)


@pytest.mark.parametrize(("verdict", "first"), [("tillatt", True), ("utenfor_regelverket", True), ("vurder", False)])
def test_the_caveat_comes_before_a_result_that_says_yes(verdict: str, first: bool) -> None:
    from rich.console import Console

    from anskaffelse.render import outcome_panel
    from anskaffelse.texts import DISCLAIMER

    outcome = {"tree": "t", "node": "n", "verdict": verdict, "title": "Svaret", "text": "Hvorfor.", "steps": []}
    outcome |= {"document": [], "sources": [{"id": "loa-4", "citation": "LOA § 4", "title": "T", "url": ""}]}
    console = Console(width=100, record=True, color_system=None)
    console.print(outcome_panel(outcome))  # type: ignore[arg-type]
    shown = " ".join(console.export_text().split())
    caveat, box = shown.index(" ".join(DISCLAIMER.split())[:40]), shown.index("Svaret")
    assert (caveat < box) is first
