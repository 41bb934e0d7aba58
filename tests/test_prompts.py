"""The real questionary prompts, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from anskaffelse.answers import Answers
from anskaffelse.engine import Engine, State
from anskaffelse.errors import Interrupted
from anskaffelse.model import Question
from anskaffelse.prompts import QuestionaryAsker
from anskaffelse.render import make_console
from anskaffelse.session import walk
from conftest import KINDS, SKETCH, engine_for

DOWN, UP, ENTER, CTRL_C = "\x1b[B", "\x1b[A", "\r", "\x03"


class ScriptedAsker(QuestionaryAsker):
    """Types one chunk of keys into the pipe before each real prompt is shown."""

    def __init__(self, pipe: PipeInput, keys: list[str]) -> None:
        self.screen = io.StringIO()
        super().__init__(make_console(file=self.screen, width=100), input=pipe, output=DummyOutput())
        self.pipe = pipe
        self.keys = keys

    def _prompt(self, engine: Engine, question: Question, default: str | None, can_go_back: bool) -> str:
        self.pipe.send_text(self.keys.pop(0))
        return super()._prompt(engine, question, default, can_go_back)


class ScriptedReviewer(ScriptedAsker):
    """Also types keys before the review; choosing "Endre et svar" brings a second select."""

    def review(self, engine: Engine, state: State) -> str | None:
        first = self.keys.pop(0)
        self.pipe.send_text(first)
        if first == DOWN + ENTER:
            self.pipe.send_text(self.keys.pop(0))
        return super().review(engine, state)


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as p:
        yield p


def run(pipe: PipeInput, root: Any, tree: str, keys: list[str]) -> tuple[State, Engine, ScriptedAsker]:
    engine = engine_for(root)
    asker = ScriptedAsker(pipe, keys)
    state = walk(engine, tree, Answers(), asker)
    assert asker.keys == [], "not every scripted key was used"
    return state, engine, asker


def test_select_and_amount_prompts_walk_to_an_outcome(pipe: PipeInput) -> None:
    keys = [ENTER, "7 800 000" + ENTER, UP + UP + ENTER]  # helse_sosial, on the threshold, up from «Vet ikke» to «Ja»
    state, engine, asker = run(pipe, SKETCH, "reserverte-kontrakter", keys)
    outcome = engine.outcome(state)
    assert outcome is not None and outcome.id == "kan_reservere"
    assert [s.answer_label for s in state.steps] == ["Helse- og sosialtjenester", "7 800 000 kr", "Ja"]
    assert "Kan konkurransen reserveres? · spørsmål 2" in asker.screen.getvalue()
    tip = "Ctrl-C avbryter og lagrer svarene så langt."
    assert " ".join(asker.screen.getvalue().split()).count(tip) == 1  # said once, before the first question


def test_a_bad_amount_is_refused_and_asked_again(pipe: PipeInput) -> None:
    # "abc" is refused with a message right under it, and the question is asked again.
    keys = [ENTER, "abc" + ENTER, "2,5 mill" + ENTER]
    state, engine, asker = run(pipe, SKETCH, "reserverte-kontrakter", keys)
    assert "⚠ «abc» er ikke et beløp; skriv f.eks. 2500000, 2 500 000, 2,5 mill eller 2.5m – prøv igjen." in (
        " ".join(asker.screen.getvalue().split())
    )
    assert engine.outcome(state) is not None and engine.outcome(state).id == "under_terskel"  # type: ignore[union-attr]
    assert str(state.facts["kontraktsverdi"]) == "2500000"


def test_help_shows_the_explanation_and_sources_then_asks_again(pipe: PipeInput) -> None:
    # Choices: Helse, Annet, ? Forklaring. Choose help, then the second choice.
    keys = [DOWN + DOWN + ENTER, DOWN + ENTER]
    state, _, asker = run(pipe, SKETCH, "reserverte-kontrakter", keys)
    screen = asker.screen.getvalue()
    assert "Forklaring i klarspråk, med eksempler." in screen
    assert "FOA § 30-1" in screen and "https://lovdata.no/forskrift/2016-08-12-974/§30-1" in screen
    assert state.steps[0].answer == "annet" and state.steps[0].help_shown is True


def test_back_reasks_the_previous_question_and_drops_later_answers(pipe: PipeInput) -> None:
    keys = [
        DOWN + ENTER,  # kjopertype = kommune
        "<" + ENTER,  # back from the amount
        DOWN + ENTER,  # kommune pre-selected → one down is "annen"
        "1" + ENTER,  # belop → goto under
        ENTER,  # spor = a → gjenta is a known fact (annen) → b
    ]
    state, engine, _ = run(pipe, KINDS, "hoved", keys)
    assert [s.key for s in state.steps] == ["kjopertype", "belop", "spor", "kjopertype"]
    assert state.steps[0].answer == "annen"
    assert engine.outcome(state).id == "b"  # type: ignore[union-attr]


def test_review_lets_the_person_change_an_answer_and_rewalk(pipe: PipeInput) -> None:
    engine = engine_for(SKETCH)
    keys = [
        ENTER,  # helse_sosial
        "9 mill" + ENTER,
        ENTER,  # utbytteforbud = ja
        DOWN + ENTER,  # review: "Endre et svar"
        DOWN + ENTER,  # pick the second answer (kontraktsverdi)
        "\x15" + "1 mill" + ENTER,  # clear the pre-filled 9000000 and answer again
        ENTER,  # review again: "Se resultatet"
    ]
    asker = ScriptedReviewer(pipe, keys)
    state = walk(engine, "reserverte-kontrakter", Answers(), asker, review=True)
    assert asker.keys == []
    assert engine.outcome(state).id == "under_terskel"  # type: ignore[union-attr]
    assert [s.key for s in state.steps] == ["tjenestetype", "kontraktsverdi"]  # utbytteforbud is off the path
    assert "Svarene deres" in asker.screen.getvalue()


def test_ctrl_c_stops_with_the_answers_so_far(pipe: PipeInput) -> None:
    engine = engine_for(SKETCH)
    asker = ScriptedAsker(pipe, [ENTER, CTRL_C])
    with pytest.raises(Interrupted) as stop:
        walk(engine, "reserverte-kontrakter", Answers(), asker)
    state = stop.value.state
    assert isinstance(state, State)
    assert [s.answer for s in state.steps] == ["helse_sosial"]


@pytest.mark.parametrize("key", ["\x04", "\x03"], ids=["ctrl-d", "ctrl-c"])
def test_ctrl_d_and_ctrl_c_stop_a_select_and_a_text_prompt(pipe: PipeInput, key: str) -> None:
    engine = engine_for(SKETCH)
    for keys, answered in (([key], []), ([ENTER, key], ["helse_sosial"])):
        with create_pipe_input() as fresh:
            asker = ScriptedAsker(fresh, list(keys))
            with pytest.raises(Interrupted) as stop:
                walk(engine, "reserverte-kontrakter", Answers(), asker)
            assert isinstance(stop.value.state, State)
            assert [s.answer for s in stop.value.state.steps] == answered


def test_back_reaches_answers_from_a_file_and_asks_them_at_the_prompt(pipe: PipeInput) -> None:
    """A resumed walk: the loaded answers can be gone back to and changed."""
    engine = engine_for(SKETCH)
    preset = Answers({"tjenestetype": "helse_sosial", "kontraktsverdi": "9 mill"}, origin="delvis.json")
    # Both earlier answers come from the file, so the first prompt is utbytteforbud. The cursor starts on
    # «Vet ikke»: two down, past «? Forklaring», is «← Tilbake»; then "<" in the amount field goes back once more.
    asker = ScriptedAsker(pipe, [DOWN + DOWN + ENTER, "<" + ENTER, DOWN + ENTER])
    state = walk(engine, "reserverte-kontrakter", preset, asker)
    assert asker.keys == []
    shown = " ".join(asker.screen.getvalue().split())
    assert "Enter = behold «9 000 000 kr»" in shown  # the file's answer is the default, read back
    assert [(s.key, s.answer, s.origin) for s in state.steps] == [("tjenestetype", "annet", "asked")]
    assert engine.outcome(state).id == "integrering"  # type: ignore[union-attr]


def test_help_typed_over_several_lines_is_shown_as_paragraphs() -> None:
    from anskaffelse.render import reflow

    typed = (
        "Dere kan ikke dele opp\net behov i flere\nsmå kontrakter.\n\n"
        "Eksempler:\n- kurs for\n  ansatte\n- 2. linje\n1) en liste\nTekst etter listen\nfortsetter her.\n"
    )
    assert reflow(typed) == (
        "Dere kan ikke dele opp et behov i flere små kontrakter.\n\n"
        "Eksempler:\n- kurs for ansatte\n- 2. linje\n1) en liste\nTekst etter listen fortsetter her."
    )


def test_both_askers_can_instruct_every_kind_of_free_answer() -> None:
    """A new input kind must get its instruction in the menus and in plain mode (a missing one was exit 70)."""
    from typing import get_args

    from anskaffelse import prompts, session
    from anskaffelse.model import InputKind

    free = set(get_args(InputKind)) - {"choice"}
    assert free <= set(prompts._INSTRUCTIONS), free - set(prompts._INSTRUCTIONS)
    assert free <= set(session.INSTRUCTIONS), free - set(session.INSTRUCTIONS)  # plain mode's
