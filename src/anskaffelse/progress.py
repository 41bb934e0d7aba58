"""The progress line of an interactive walk: «spørsmål 3 av vanligvis 12»."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

from .engine import Engine, State
from .paths import Tally, Walker, estimates


class Progress:
    """The progress line of a walk: the questions asked so far, and how many a walk from here usually
    has in all: the median over the paths on from here (typing the total value, unless the buyer has
    chosen the guided estimate). The futures are kept for the whole walk, so a question costs little
    once the first count is made; that first count of a large tree takes a moment, and goes on in the
    background: a question waits for it at most `wait` seconds, else its line leaves the number out."""

    TRIES = 200_000  # more than this to try from one question (a tree of unusual size): no numbers

    def __init__(self, engine: Engine, wait: float | None = 0.1) -> None:
        self.engine, self.wait = engine, wait
        # Made here, in the walk's own thread: what they read of the catalogue once (the facts' types)
        # is then complete before the count runs beside the walk.
        self.walkers = {typed: Walker(engine, typed_only=typed, limit=self.TRIES) for typed in (True, False)}
        self.counted: tuple[State, Counter[int]] | None = None
        self.job: threading.Thread | None = None
        self.gave_up = False

    def line(self, state: State) -> str:
        """«spørsmål 3 av vanligvis 12», «spørsmål 12 (siste)», or «spørsmål 3» when not counted (yet)."""
        asked = sum(1 for s in state.steps if s.origin not in ("fact", "computed"))
        counts = self.left(state)
        if not counts:
            return f"spørsmål {asked + 1}"
        if max(counts) == 1:
            return f"spørsmål {asked + 1} (siste)"
        tally = Tally.of(counts)
        assert tally is not None
        usual = asked + int(tally.median + Decimal("0.5"))
        return f"spørsmål {asked + 1} av vanligvis {usual}"

    def left(self, state: State) -> Counter[int] | None:
        """How many paths ask how many more questions from here (this one included); None when not counted."""
        if self.gave_up or (self.job is not None and self.job.is_alive()):
            return None  # a count for an earlier question goes on: this question does not wait for it
        if self.counted is None or self.counted[0] is not state:
            self.job = threading.Thread(target=self._count, args=(state,), daemon=True)
            self.job.start()
            self.job.join(self.wait)
        return self.counted[1] if self.counted is not None and self.counted[0] is state else None

    def _count(self, state: State) -> None:
        """In the background: counts the paths on from `state` (the only code that uses the walkers)."""
        typed = not estimates(state.visited)
        counts: Counter[int] = Counter()
        for typed_only in (True, False) if typed else (False,):
            walker = self.walkers[typed_only]
            walker.tries = 0
            try:
                counts = walker.future(state).counts()
            except Exception:  # too many paths, or a tree the walk itself will stop in: the line goes without
                self.gave_up = True
                return
            if counts:
                break
        self.counted = (state, counts)
