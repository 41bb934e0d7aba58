"""The questionary adapter: the only module that imports questionary (and only when a prompt is shown)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from rich.console import Console
from rich.text import Text

from .casefile import CASE_FIELDS, CaseProblem, case_text
from .engine import Engine, State
from .errors import AnswerError, Interrupted
from .model import Question
from .render import answers_view, help_panel, step_row
from .session import CASE_INTRO, INSTRUCTIONS, SAVE_QUESTION, Reply
from .values import ValueProblem, format_amount, parse_amount

if TYPE_CHECKING:
    from .progress import Progress

HELP = "\x00help"
BACK = "\x00back"
HELP_KEY = "?"
BACK_KEY = "<"
KEYS_TIP = (
    "«? Forklaring» forklarer spørsmålet, «← Tilbake» går ett spørsmål tilbake, "
    "og Ctrl-C avbryter og lagrer svarene så langt."
)
_INSTRUCTIONS = {
    **INSTRUCTIONS,
    "cpv": "en CPV-kode med åtte sifre, eller ord å søke på, f.eks. kantine; «vet ikke» hvis dere ikke finner den",
}


class QuestionaryAsker:
    """Asks one question at a time; `?` shows help, `←`/`<` goes back; Ctrl-C/Ctrl-D stop."""

    def __init__(self, console: Console, **prompt_kwargs: Any) -> None:
        self.console = console
        self.prompt_kwargs = prompt_kwargs  # tests pass input=/output= for prompt_toolkit
        self.progress: Progress | None = None
        self.told_keys = False  # how to get help, go back and stop: said once, before the first question

    def review(self, engine: Engine, state: State) -> str | None:
        steps = [s for s in state.steps if s.origin not in ("fact", "computed")]
        self.console.print(answers_view([step_row(s) for s in state.steps], self.console.width))
        see, change = "\x00see", "\x00change"
        try:
            what = _eof_stops(
                questionary.select(
                    "Alt besvart. Hva vil dere gjøre?",
                    choices=[
                        questionary.Choice("Se resultatet", value=see),
                        questionary.Choice("Endre et svar", value=change),
                    ],
                    qmark="✔",
                    instruction="(piltaster og Enter)",
                    **self.prompt_kwargs,
                )
            ).unsafe_ask()
            if what != change:
                return None
            choices = [questionary.Choice(_wrapped(f"{s.question} — {s.answer_label}"), value=s.key) for s in steps]
            choices.append(questionary.Choice("← Ikke endre noe, se resultatet", value=see))
            key = _eof_stops(
                questionary.select(
                    "Hvilket svar vil dere endre?",
                    choices=choices,
                    qmark="→",
                    instruction="(piltaster og Enter)",
                    **self.prompt_kwargs,
                )
            ).unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        return None if key in (see, None) else str(key)

    def warn(self, message: str) -> None:
        self.console.print(Text(f"⚠ {message}", style="yellow"))

    def case_details(self, known: Mapping[str, str]) -> dict[str, str]:
        details = dict(known)
        missing = [(key, label) for key, label in CASE_FIELDS if not details.get(key)]
        if missing:
            self.console.print(Text(CASE_INTRO, style="bold"))
        for key, label in missing:
            prompt = questionary.text(f"{label}:", qmark="→", validate=_case_problem, **self.prompt_kwargs)
            text = case_text(str(self._asked(prompt) or ""))
            if text:
                details[key] = text
        return details

    def offer_save(self, suggested: str, problem: Callable[[str], str | None]) -> str | None:
        no, yes = "\x00no", "\x00yes"
        choices = [
            questionary.Choice("Nei, ferdig", value=no),
            questionary.Choice("Ja, lagre rapporten (og tracen ved siden av)", value=yes),
        ]
        confirm = questionary.select(
            SAVE_QUESTION, choices=choices, qmark="?", instruction="(piltaster og Enter)", **self.prompt_kwargs
        )
        if self._asked(confirm) != yes:
            return None
        name = questionary.text(
            "Filnavn (.md eller .docx):",
            default=suggested,
            qmark="→",
            validate=lambda typed: problem(typed) or True,
            **self.prompt_kwargs,
        )
        return str(self._asked(name)).strip()

    @staticmethod
    def _asked(prompt: questionary.Question) -> Any:
        """The answer at a prompt; Ctrl-C or Ctrl-D stops (Interrupted)."""
        try:
            answer = _eof_stops(prompt).unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        if answer is None:
            raise Interrupted()
        return answer

    def ask(self, engine: Engine, state: State, question: Question, default: str | None, can_go_back: bool) -> Reply:
        tree = engine.tree(state.tree)
        help_shown = False
        if self.progress is None or self.progress.engine is not engine:
            from .progress import Progress

            self.progress = Progress(engine)
        where = f"{tree.title} · {self.progress.line(state)}"
        show = True
        while True:
            # The question is drawn by rich, which wraps between words; the prompt line stays short,
            # so the answer echoed after it is never cut at the screen edge.
            if show and not self.told_keys:
                self.told_keys = True
                self.console.print(Text(KEYS_TIP, style="dim"))
            if show:
                self.console.print(Text(where, style="dim"))
                self.console.print(Text(question.text, style="bold"))
                if question.input != "choice":
                    self.console.print(Text(self._hint(question, default, can_go_back), style="dim"))
            show = True
            raw = self._prompt(engine, question, default, can_go_back)
            if raw == HELP:
                help_shown = True
                self.console.print(help_panel(question, engine.catalogue), crop=False)  # whole addresses
                continue
            if raw == BACK:
                return Reply(back=True)
            if question.input == "cpv" and self._problem(engine, question, raw) and _searchable(raw):
                picked = self._pick_code(raw, can_go_back)  # words (or part of a code): search, let the buyer pick
                if picked == BACK:
                    return Reply(back=True)
                if picked is None:
                    show = False
                    continue
                raw = picked
            if question.input != "choice":
                problem = self._problem(engine, question, raw)
                if problem:
                    self.console.print(Text(f"⚠ {problem} – prøv igjen.", style="yellow"))
                    show = False
                    continue
            return Reply(raw=raw, help_shown=help_shown)

    def _pick_code(self, words: str, can_go_back: bool) -> str | None:
        """The CPV code the buyer picks among the matches for `words`, «vet_ikke», BACK, or None to search again
        (the choices and the question of teaching or software: anskaffelse.cpv.choosing, as in plain mode)."""
        from .cpv import choosing

        again = "\x00again"
        matches = choosing.matches_for(words)
        if not matches:
            self.console.print(Text(f"⚠ {choosing.no_matches(words)}", style="yellow"))
            return None
        if choosing.asks_teaching_or_software(matches):
            delivery = self._select_one(
                choosing.TEACHING_OR_SOFTWARE, choosing.DELIVERY_CHOICES, default=choosing.UNKNOWN
            )
            kept = choosing.narrowed(matches, delivery)
            if kept is None:
                self.console.print(Text(choosing.DELIVERY_UNKNOWN, style="dim"))
                return choosing.UNKNOWN
            matches = kept
        for note in choosing.notes(matches):
            self.console.print(Text(note, style="dim"))
        options = [(m.code, choosing.label(m)) for m in matches]
        options += [(again, choosing.SEARCH_AGAIN), (choosing.UNKNOWN, choosing.NOT_FOUND)]
        if can_go_back:
            options.append((BACK, choosing.BACK))
        picked = self._select_one("Velg koden:", tuple(options))
        return None if picked == again else picked

    def _select_one(self, title: str, options: tuple[tuple[str, str], ...], default: str | None = None) -> str:
        """One choice from a menu (value, label); Ctrl-C or Ctrl-D stops the walk."""
        choices = [questionary.Choice(_wrapped(label), value=value) for value, label in options]
        prompt = questionary.select(
            title, choices=choices, default=default, qmark="→", instruction="(piltaster og Enter)", **self.prompt_kwargs
        )
        return str(self._asked(prompt))

    @staticmethod
    def _hint(question: Question, default: str | None, can_go_back: bool) -> str:
        keys = [f"{HELP_KEY} + Enter = forklaring"] + ([f"{BACK_KEY} + Enter = tilbake"] if can_go_back else [])
        keep = [f"Enter = behold «{_shown(question, default)}»"] if default else []
        return f"({_INSTRUCTIONS[question.input]}; {'; '.join(keep + keys)})"

    @staticmethod
    def _problem(engine: Engine, question: Question, raw: str) -> str | None:
        try:
            engine.parse(question, raw)
        except AnswerError as error:
            return error.message.split(": ", 1)[-1]
        return None

    def _prompt(self, engine: Engine, question: Question, default: str | None, can_go_back: bool) -> str:
        try:
            if question.input == "choice":
                answer = _eof_stops(self._select(question, default, can_go_back)).unsafe_ask()
            elif question.input == "text":
                answer = _lines(
                    questionary.text(
                        "Svar:",
                        qmark="→",
                        multiline=True,
                        instruction="(Enter på en tom linje avslutter)",
                        **self.prompt_kwargs,
                    )
                ).unsafe_ask()
            else:
                answer = _suspends(questionary.text("Svar:", qmark="→", **self.prompt_kwargs)).unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        if answer is None:
            raise Interrupted()
        if question.input == "choice":
            return str(answer)
        text = str(answer).strip()
        if text == HELP_KEY:
            return HELP
        if text == BACK_KEY and can_go_back:
            return BACK
        return default if not text and default else str(answer)

    def _select(self, question: Question, default: str | None, can_go_back: bool) -> questionary.Question:
        choices = [questionary.Choice(_wrapped(c.label), value=c.id) for c in question.choices]
        if question.help or question.sources:
            choices.append(questionary.Choice("? Forklaring", value=HELP))
        if can_go_back:
            choices.append(questionary.Choice("← Tilbake", value=BACK))
        known = {c.id for c in question.choices}
        return questionary.select(
            "Svar:",
            choices=choices,
            default=default if default in known else question.cautious,
            instruction="(piltaster og Enter)",
            qmark="→",
            **self.prompt_kwargs,
        )


def _searchable(typed: str) -> bool:
    from .cpv.choosing import searchable

    return searchable(typed)


def _case_problem(typed: str) -> bool | str:
    try:
        case_text(typed)
    except CaseProblem as problem:
        return str(problem)
    return True


def _lines(prompt: questionary.Question) -> questionary.Question:
    """A free text on several lines: Enter on an empty line (or on «?», «<» or nothing) answers, Enter
    elsewhere starts a new line; a paste keeps its lines (the terminal's bracketed paste, or line by line)."""
    bindings = KeyBindings()

    @bindings.add("enter", eager=True)
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        if buffer.text.strip() in ("", HELP_KEY, BACK_KEY) or not buffer.document.current_line.strip():
            buffer.text = buffer.text.rstrip()
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return _suspends(prompt, bindings)


def _eof_stops(prompt: questionary.Question) -> questionary.Question:
    """Ctrl-D in a select stops the walk like Ctrl-C (a text prompt already raises EOFError)."""
    bindings = KeyBindings()

    @bindings.add("c-d", eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=EOFError())

    return _suspends(prompt, bindings)


def _suspends(prompt: questionary.Question, bindings: KeyBindings | None = None) -> questionary.Question:
    """Ctrl-Z suspends the program as in any terminal program (the shell's `fg` brings it back, with
    the prompt drawn again and nothing answered); questionary leaves the key unbound."""
    bindings = bindings or KeyBindings()

    @bindings.add("c-z", eager=True)
    def _suspend(event: Any) -> None:
        event.app.suspend_to_background()

    app = prompt.application
    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
    return prompt


def _wrapped(label: str) -> str:
    """A long choice label on several lines: a select never wraps, it cuts at the screen edge."""
    width = max(24, shutil.get_terminal_size().columns - 12)  # room for "→ Svar: " before the echo
    return textwrap.fill(label, width=width, subsequent_indent="   ", break_on_hyphens=False)


def _shown(question: Question, raw: str) -> str:
    """An earlier answer as the person reads it: an amount as 1 600 000 kr, not 1600000."""
    if question.input != "amount":
        return raw
    try:
        return format_amount(parse_amount(raw))
    except ValueProblem:
        return raw  # kept as it was typed: the prompt will say what is wrong with it
