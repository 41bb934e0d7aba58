"""Drives the engine through a walk: preset answers first, then an asker (the prompts), if any."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .answers import Answers
from .engine import Engine, State
from .errors import AnswerError, Interrupted
from .model import Question, Step
from .phrases import capped

NO_TERMINAL = "Interaktiv økt krever en terminal — bruk --answers FIL"


@dataclass(frozen=True)
class Reply:
    """What the person did at a prompt: answered (raw value), or asked to go back."""

    raw: str | None = None
    back: bool = False
    help_shown: bool = False


class Asker(Protocol):
    def ask(
        self, engine: Engine, state: State, question: Question, default: str | None, can_go_back: bool
    ) -> Reply: ...

    def warn(self, message: str) -> None: ...

    def review(self, engine: Engine, state: State) -> str | None:
        """Show all answers before the result; the answer key to change, or None to see the result."""
        ...

    def case_details(self, known: Mapping[str, str]) -> dict[str, str]:
        """Ask once for each case detail not known yet (Enter skips it); the details known and given."""
        ...

    def offer_save(self, suggested: str, problem: Callable[[str], str | None]) -> str | None:
        """«Lagre rapporten?»: the file name to save it in (`problem` says what is wrong with one), or None."""
        ...


# How to answer a question of each kind, as the prompt says it.
INSTRUCTIONS = {
    "amount": "beløp ekskl. mva., f.eks. 2 500 000 eller 2,5 mill, eller «vet ikke»",
    "date": "dato, ÅÅÅÅ-MM-DD, eller «vet ikke»",
    "text": "fritekst, gjerne flere linjer; en tom linje (Enter to ganger) avslutter; eller «vet ikke»",
    "yesno": "ja, nei eller «vet ikke»",
    "number": "et tall, f.eks. 12, eller «vet ikke»",
    "cpv": "en CPV-kode med åtte sifre (finn den med «anskaffelse cpv ORD»), eller «vet ikke»",
}

CASE_INTRO = "Saksopplysninger til rapporten og anskaffelsesprotokollen (Enter hopper over et felt):"
SAVE_QUESTION = "Lagre rapporten?"

INPUT_KINDS = {
    "amount": "et beløp i kroner, f.eks. 2 500 000 eller 2,5 mill",
    "date": "en dato, ÅÅÅÅ-MM-DD",
    "yesno": "ja eller nei",
    "text": "en tekst",
}


def unknown_keys(engine: Engine, preset: Answers) -> list[str]:
    """Preset answers whose key no question in the catalogue has (a typo), each with a guess."""
    import difflib

    keys = {q.key for tree in engine.catalogue.trees.values() for q in tree.questions()}
    found = []
    for key in preset.values:
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            guess = f"; mente du «{close[0]}»?" if close else ""
            found.append(f"svaret «{key}» ({preset.origin}) hører ikke til noe spørsmål og blir ikke brukt{guess}")
    return found


def missing_answer(engine: Engine, question: Question, *, terminal: bool) -> AnswerError:
    """The error for a question with no answer and no way to ask it."""
    details = [f"spørsmål: {question.text}", f"i treet: {question.loc}"]
    if question.choices:
        details.append("gyldige svar: " + capped(c.id for c in question.choices))
    else:
        details.append(f"svaret skal være {INPUT_KINDS.get(question.input, question.input)}")
    lead = (
        f"{NO_TERMINAL} (første ubesvarte spørsmål: «{question.key}»)"
        if not terminal
        else f"mangler svar på «{question.key}»"
    )
    return AnswerError(lead, details=details)


def walk(
    engine: Engine,
    tree_id: str,
    preset: Answers,
    asker: Asker | None,
    *,
    terminal: bool = True,
    review: bool = False,
) -> State:
    """Walk `tree_id` to its outcome. Interrupted carries the last state when the person stops,
    wherever the Ctrl-C lands: at a prompt, or between two (while a question is drawn)."""
    state = engine.start(tree_id)
    # The answers given so far, by key: offered again when a question comes back (after going back),
    # and saved on Ctrl-C. A resumed walk's suggestions start here: asked, never applied silently.
    remembered: dict[str, str] = dict(preset.suggested)
    given: dict[str, Step] = {}
    used_preset: set[str] = set()
    try:
        while True:
            question = engine.question(state)
            if question is None:
                change = asker.review(engine, state) if asker is not None and review else None
                target = _state_asking(engine, state, change) if change else None
                if target is None:
                    return state
                used_preset.add(change or "")  # a changed file answer is asked, not re-read
                state = target
                continue
            key = question.key
            if key in preset.values and key not in used_preset:
                try:
                    state = _noted(engine.answer(state, preset.values[key], preset.origin_of(key)), given)
                    remembered.setdefault(key, preset.values[key])
                    continue
                except AnswerError as error:
                    if asker is None:
                        raise
                    used_preset.add(key)  # ask the person instead, once
                    remembered.setdefault(key, preset.values[key])
                    asker.warn(f"{error.message} (fra {preset.origin})")
            if asker is None and question.optional:  # a reason not written: «vet ikke», and the result says so
                unknown = "vet_ikke" if question.choices else "vet ikke"
                state = _noted(engine.answer(state, unknown, preset.origin_of(key)), given)
                continue
            if asker is None:
                raise missing_answer(engine, question, terminal=terminal)
            reply = asker.ask(engine, state, question, remembered.get(key), state.previous is not None)
            if reply.back and state.previous is not None:
                state = _back(engine, state, used_preset)
                continue
            assert reply.raw is not None
            remembered[key] = reply.raw
            used_preset.add(key)  # an answer given at the prompt overrides the file
            state = _noted(engine.answer(state, reply.raw, "asked", help_shown=reply.help_shown), given)
    except (Interrupted, KeyboardInterrupt, EOFError):
        raise Interrupted(state=state, given=tuple(given.values())) from None


def _noted(state: State, given: dict[str, Step]) -> State:
    """Keep the step just recorded (the last answer given for its key wins)."""
    for step in state.steps[-1:]:
        given.pop(step.key, None)  # in the order last given
        given[step.key] = step
    return state


def _back(engine: Engine, state: State, used_preset: set[str]) -> State:
    """Back lands on the previous answered question, also one answered from a file (say, a resumed
    walk): it is then asked at the prompt, with the file's answer as the default."""
    assert state.previous is not None
    previous = state.previous
    previous_question = engine.question(previous)
    if previous_question is not None:
        used_preset.add(previous_question.key)
    return previous


def _state_asking(engine: Engine, state: State, key: str | None) -> State | None:
    """The earlier state at which the question with this answer key was open."""
    previous = state.previous
    while previous is not None:
        question = engine.question(previous)
        if question is not None and question.key == key:
            return previous
        previous = previous.previous
    return None
