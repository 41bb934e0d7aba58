"""Plain mode (`run --plain`, and TERM=dumb): questions as lines of text, for screen readers and simple
terminals. Each choice is a numbered line («1) Ja»); the buyer types the number or the words. No cursor
movement, no colour: only print() and input(). Help, back and review are typed words: «?», «<», «endre».
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .casefile import CASE_FIELDS, CaseProblem, case_text
from .engine import Engine, State
from .errors import AnswerError, Interrupted
from .model import Catalogue, Choice, Question
from .session import CASE_INTRO, INSTRUCTIONS, SAVE_QUESTION, Asker, Reply
from .values import ValueProblem, format_amount, parse_amount

if TYPE_CHECKING:
    from .progress import Progress

HELP_WORD = "?"
BACK_WORD = "<"
CHANGE_WORD = "endre"
KEYS_TIP = (
    "Skriv nummeret eller ordene for svaret og trykk Enter. «?» forklarer spørsmålet, «<» går ett "
    "spørsmål tilbake, og Ctrl-C avbryter og lagrer svarene så langt."
)


# The CPV question searches here, as in the menus (prompts.py), instead of sending the buyer to `anskaffelse cpv`.
_INSTRUCTIONS = {
    "cpv": "en CPV-kode med åtte sifre, eller ord å søke på, f.eks. kantine; «vet ikke» hvis dere ikke finner den"
}


def wants_plain(plain: bool) -> bool:
    """--plain, or a terminal that says it can do nothing more (TERM=dumb)."""
    return plain or os.environ.get("TERM", "") == "dumb"


def asker_for(plain: bool, console: Callable[[], Any]) -> Asker:
    """The asker for an interactive walk: plain lines, or the questionary menus."""
    if wants_plain(plain):
        # The report after the walk too: rich draws no colour, bold or underline for a dumb terminal.
        os.environ.update(TERM="dumb", NO_COLOR="1")
        return PlainAsker()
    from .prompts import QuestionaryAsker

    return QuestionaryAsker(console())


def _words(text: str) -> str:
    """An answer as it is compared: case, spaces, _ and - do not matter («Vet ikke» = «vet_ikke»)."""
    return " ".join(re.sub(r"[_\-]", " ", text).casefold().split())


def match_choice(choices: tuple[Choice, ...], typed: str) -> Choice | None:
    """The choice a typed answer names: its number, its id, or its label."""
    text = typed.strip()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    wanted = _words(text)
    found = [c for c in choices if wanted in (_words(c.id), _words(c.label))]
    return found[0] if len(found) == 1 else None


class PlainAsker:
    """Asks with print() and input(); Ctrl-C and Ctrl-D stop the walk like in the menus."""

    def __init__(
        self, read: Callable[[str], str] = input, write: Callable[[str], None] = lambda line: print(line)
    ) -> None:
        self.read = read
        self.write = write
        self.progress: Progress | None = None
        self.told_keys = False

    def _input(self, prompt: str) -> str:
        try:
            return self.read(prompt)
        except (KeyboardInterrupt, EOFError):
            self.write("")
            raise Interrupted() from None

    def warn(self, message: str) -> None:
        self.write(f"Advarsel: {message}")

    def ask(self, engine: Engine, state: State, question: Question, default: str | None, can_go_back: bool) -> Reply:
        if not self.told_keys:
            self.told_keys = True
            self.write(KEYS_TIP)
        self.write("")
        self.write(self._where(engine, state))
        self.write(question.text)
        for number, choice in enumerate(question.choices, 1):
            self.write(f"{number}) {choice.label}")
        if question.choices and default not in {c.id for c in question.choices}:
            default = question.cautious  # Enter takes the cautious answer, as the cursor does in a menu
        self.write(self._hint(question, default, can_go_back))
        help_shown = False
        while True:
            typed = self._lines() if question.input == "text" else self._input("Svar: ").strip()
            if typed == HELP_WORD:
                help_shown = True
                self.write(explanation(question, engine.catalogue))
                continue
            if typed == BACK_WORD and can_go_back:
                return Reply(back=True)
            if not typed and default:
                return Reply(raw=default, help_shown=help_shown)
            raw, problem = self._answer(engine, question, typed)
            if problem is None:
                return Reply(raw=raw, help_shown=help_shown)
            if question.input == "cpv" and _searchable(typed):
                picked = self._pick_code(typed, can_go_back)  # words (or part of a code): search, let the buyer pick
                if picked == BACK_WORD:
                    return Reply(back=True)
                if picked is not None:
                    return Reply(raw=picked, help_shown=help_shown)
                self.write("Skriv en kode eller andre ord å søke på, eller «vet ikke».")
                continue
            self.write(f"Ugyldig svar: {problem}. Prøv igjen.")

    def _pick_code(self, words: str, can_go_back: bool) -> str | None:
        """The CPV code the buyer picks among the numbered matches for `words`, «vet_ikke», «<» (back), or
        None to search again (the choices and the question of teaching or software: anskaffelse.cpv.choosing,
        as in the menus)."""
        from .cpv import choosing

        matches = choosing.matches_for(words)
        if not matches:
            self.write(choosing.no_matches(words))
            return None
        if choosing.asks_teaching_or_software(matches):
            delivery = self._numbered(
                choosing.TEACHING_OR_SOFTWARE, choosing.DELIVERY_CHOICES, choosing.UNKNOWN, back="søk på nytt"
            )
            if delivery == BACK_WORD:
                return None
            kept = choosing.narrowed(matches, delivery)
            if kept is None:
                self.write(choosing.DELIVERY_UNKNOWN)
                return choosing.UNKNOWN
            matches = kept
        options = [(m.code, choosing.label(m)) for m in matches]
        options += [("", choosing.SEARCH_AGAIN), (choosing.UNKNOWN, choosing.NOT_FOUND)]
        for note in choosing.notes(matches):
            self.write(note)
        title = f"Treff for «{' '.join(words.split())[:60]}». Velg koden:"
        picked = self._numbered(title, tuple(options), None, back="tilbake" if can_go_back else "søk på nytt")
        if picked == BACK_WORD:
            return BACK_WORD if can_go_back else None
        return picked or None

    def _numbered(self, title: str, options: tuple[tuple[str, str], ...], default: str | None, back: str) -> str:
        """One of `options` (value, label) as numbered lines: the value of the number or words typed, or
        «<»; Enter takes `default` (without one, Enter asks again)."""
        self.write(title)
        for number, (_value, label) in enumerate(options, 1):
            self.write(f"{number}) {label}")
        keys = [f"skriv et nummer fra 1 til {len(options)}"]
        if default is not None:
            keys.append(f"Enter = «{dict(options)[default]}»")
        self.write(f"({'; '.join([*keys, f'{BACK_WORD} = {back}'])})")
        while True:
            typed = self._input("Svar: ").strip()
            if typed == BACK_WORD:
                return BACK_WORD
            if not typed and default is not None:
                return default
            if typed.isdigit() and 1 <= int(typed) <= len(options):
                return options[int(typed) - 1][0]
            named = [value for value, label in options if _words(typed) in (_words(value), _words(label))]
            if typed and len(named) == 1:
                return named[0]
            self.write(f"Ugyldig svar: skriv et nummer fra 1 til {len(options)}. Prøv igjen.")

    def _lines(self) -> str:
        """A free text: the lines typed or pasted, until an empty line («?», «<» or nothing on the first line
        answer at once)."""
        lines = [self._input("Svar: ").rstrip()]
        if lines[0].strip() in ("", HELP_WORD, BACK_WORD):
            return lines[0].strip()
        while line := self._input("").rstrip():
            lines.append(line)
        return "\n".join(lines).strip()

    def case_details(self, known: Mapping[str, str]) -> dict[str, str]:
        details = dict(known)
        missing = [(key, label) for key, label in CASE_FIELDS if not details.get(key)]
        if missing:
            self.write("")
            self.write(CASE_INTRO)
        for key, label in missing:
            while True:
                try:
                    text = case_text(self._input(f"{label}: "))
                    break
                except CaseProblem as problem:
                    self.write(f"Ugyldig svar: {problem}. Prøv igjen.")
            if text:
                details[key] = text
        return details

    def offer_save(self, suggested: str, problem: Callable[[str], str | None]) -> str | None:
        self.write("")
        while True:
            typed = _words(self._input(f"{SAVE_QUESTION} (ja eller nei; Enter = nei): "))
            if typed in ("", "nei", "n"):
                return None
            if typed in ("ja", "j"):
                break
            self.write("Ugyldig svar: skriv ja eller nei.")
        while True:
            name = self._input(f"Filnavn (.md eller .docx; Enter = {suggested}): ").strip() or suggested
            wrong = problem(name)
            if wrong is None:
                return name
            self.write(f"Ugyldig filnavn: {wrong}. Prøv igjen.")

    def _where(self, engine: Engine, state: State) -> str:
        if self.progress is None or self.progress.engine is not engine:
            from .progress import Progress  # only when a question is asked: `run --json` never needs it

            self.progress = Progress(engine)
        return f"{engine.tree(state.tree).title} – {self.progress.line(state)}"

    @staticmethod
    def _hint(question: Question, default: str | None, can_go_back: bool) -> str:
        what = (
            f"skriv et nummer fra 1 til {len(question.choices)} eller ordene"
            if question.choices
            else _INSTRUCTIONS.get(question.input) or INSTRUCTIONS[question.input]
        )
        keys = [f"{HELP_WORD} = forklaring"] + ([f"{BACK_WORD} = tilbake"] if can_go_back else [])
        keep = [f"Enter = behold «{_shown(question, default)}»"] if default else []
        if default and default == question.cautious:
            choice = question.choice(default)
            keep = [f"Enter = «{choice.label if choice else default}»"]
        return f"({'; '.join([what, *keep, *keys])})"

    @staticmethod
    def _answer(engine: Engine, question: Question, typed: str) -> tuple[str, str | None]:
        """The raw answer for the engine, or what is wrong with what was typed."""
        if question.choices:
            choice = match_choice(question.choices, typed)
            if choice is None:
                return typed, f"«{typed}» er ikke et av valgene; skriv et nummer fra 1 til {len(question.choices)}"
            return choice.id, None
        try:
            engine.parse(question, typed)
        except AnswerError as error:
            return typed, error.message.split(": ", 1)[-1]
        return typed, None

    def review(self, engine: Engine, state: State) -> str | None:
        steps = [s for s in state.steps if s.origin not in ("fact", "computed")]
        self.write("")
        self.write("Svarene deres:")
        for number, step in enumerate(steps, 1):
            self.write(f"{number}) {step.question} — {step.answer_label}")
        typed = self._input(f"Alt besvart. Trykk Enter for å se resultatet, eller skriv «{CHANGE_WORD}»: ")
        if _words(typed) != CHANGE_WORD or not steps:
            return None
        while True:
            typed = self._input(f"Hvilket svar vil dere endre? Skriv nummeret (1 til {len(steps)}; Enter = ingen): ")
            text = typed.strip()
            if not text:
                return None
            if text.isdigit() and 1 <= int(text) <= len(steps):
                return steps[int(text) - 1].key
            self.write(f"Ugyldig svar: skriv et nummer fra 1 til {len(steps)}, eller bare Enter.")


def _searchable(typed: str) -> bool:
    from .cpv.choosing import searchable

    return searchable(typed)


def explanation(question: Question, catalogue: Catalogue) -> str:
    """The help of a question as plain lines, with the sources it cites and their addresses."""
    text = question.help.strip() or "Ingen forklaring til dette spørsmålet."
    lines = ["Forklaring:", *(" ".join(part.split()) for part in re.split(r"\n\s*\n", text))]
    lines += [f"{c.label}: {' '.join(c.help.split())}" for c in question.choices if c.help]
    cited = [catalogue.sources[s] for s in question.sources if s in catalogue.sources]
    if cited:
        lines.append("Rettslig grunnlag:")
        lines += [f"{s.citation} – {s.title}: {s.url}" for s in cited]
    return "\n".join(lines)


def _shown(question: Question, raw: str | None) -> str:
    """An earlier answer as the person reads it: the choice's label, an amount as 2 500 000 kr."""
    raw = raw or ""
    for choice in question.choices:
        if choice.id == raw:
            return choice.label
    if question.input == "amount":
        try:
            return format_amount(parse_amount(raw))
        except ValueProblem:
            return raw
    return raw
