"""Every path through a tree: the answers that lead to each outcome, and how many questions the paths
ask. Pure; used by tests, `show --paths` and the progress line of a walk.

A path is a distinct route through the nodes (one path however many answers lead along it). Amounts
are tried on each side of every limit a condition compares them with; a question's other answers
are all tried. States with the same future (futures.SameFuture) are walked once, and the routes on
from them are kept once, shared (a `Future`), so that counting every path stays fast even where
there are hundreds of thousands of them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .engine import UNKNOWN, Engine, State
from .errors import AnswerError
from .futures import SameFuture
from .model import Call, Goto, Question
from .phrases import number

MAX_PATHS = 100_000  # paths listed at most
# Answers tried while walking every path: more is refused at once, with a count, rather than taking
# minutes. The bundled `veiviser` needs about 180 000.
MAX_TRIES = 1_000_000  # the value estimate (leasing, small lots) and mixed contracts: veiviser needs ~600 000
MAX_CHOICES_TRIED = 50_000  # at one question: a list this long is no tree of ordinary size
# The guided estimate of the value (FOA § 5-4): paths through it are counted apart from the paths
# where the buyer types the total value.
ESTIMATE_TREE = "verdiberegning"
# One CPV code of each kind (vedlegg 3, vedlegg 2, works, another service, goods, only probably
# covered) and «vet ikke».
CPV_PROBES = ["85311000", "55510000", "45000000", "72000000", "03111000", "98311200", UNKNOWN]

Route = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class WalkedPath:
    """One distinct route: the raw answers given, the nodes passed, and where it ended."""

    answers: tuple[tuple[str, str], ...]
    visited: Route
    outcome_tree: str
    outcome: str
    verdict: str

    @property
    def questions(self) -> int:
        """The questions the buyer answered on this path."""
        return len(self.answers)

    @property
    def estimated(self) -> bool:
        """Whether the path goes through the guided estimate of the value."""
        return estimates(self.visited)


def estimates(route: Route) -> bool:
    return any(tree == ESTIMATE_TREE for tree, _ in route)


class Future:
    """Every route on from an open question: for each way on (the nodes passed up to the next
    question or the outcome), the future from there (None: the walk ended). Shared, never copied."""

    __slots__ = ("_counts", "ways")

    def __init__(self, ways: tuple[tuple[Route, Future | None], ...]) -> None:
        self.ways = ways
        self._counts: dict[bool, Counter[int]] = {}

    def counts(self, *, typed: bool = False) -> Counter[int]:
        """How many routes ask how many questions from here (this one included); `typed`: only the
        routes that do not go through the guided estimate."""
        found = self._counts.get(typed)
        if found is None:
            found = Counter()
            for route, then in self.ways:
                if typed and estimates(route):
                    continue
                found.update({1: 1} if then is None else {n + 1: c for n, c in then.counts(typed=typed).items()})
            self._counts[typed] = found
        return found


Step = tuple[str, str, str, str]  # (tree, node, answer key, raw answer)


@dataclass(frozen=True)
class _Ending:
    """One way from an open question to an outcome: the answers, the nodes passed, and the outcome."""

    steps: tuple[Step, ...]
    route: Route
    tree: str
    outcome: str
    verdict: str


class Walker:
    """Walks every path from a state once per distinct future (see the module docstring).

    With `listing`, it keeps the paths a reader sees in `show --paths`: from each state with a new
    future, each answer that ends the walk on a route not listed yet, and each answer to a question
    not yet shown in a listed path (followed by the first way on from where it leads). So every answer
    tried at every question, and every outcome reached, is in the list at least once."""

    def __init__(self, engine: Engine, *, typed_only: bool = False, listing: bool = False, limit: int = MAX_TRIES):
        self.engine = engine
        self.same = SameFuture(engine)
        self.typed_only, self.listing, self.limit = typed_only, listing, limit
        self.probes = amount_probes(self.same.kinds.limits())
        self.compared = set(self.same.kinds.strict) | set(self.same.kinds.loose)
        self.found: list[WalkedPath] = []
        self.routes: set[Route] = set()  # the routes listed
        self.shown: set[tuple[str, str, str]] = set()  # (tree, node, raw answer) in a listed path
        self.tries = 0
        self.tree_id = ""
        self._walked: dict[Hashable, tuple[Future, _Ending | None]] = {}
        self._shared: dict[tuple[tuple[Route, int], ...], Future] = {}
        self._merged: dict[tuple[int, int], Future] = {}

    def paths(self, tree_id: str) -> list[WalkedPath]:
        """The listed paths through the tree, sorted by their answers."""
        self.tree_id = tree_id
        self.future(self.engine.start(tree_id))
        return sorted(self.found, key=lambda p: p.answers)

    def future(self, state: State) -> Future:
        """The routes on from an open question (AnswerError when there are too many to try)."""
        return self._walk(state, ())[0]

    def _walk(self, state: State, walked: tuple[Step, ...]) -> tuple[Future, _Ending | None]:
        key = self.same.key(state)
        known = self._walked.get(key)
        if known is not None:
            return known
        question = self.engine.question(state)
        assert question is not None, "a walk that has ended has no future"
        ways: dict[Route, Future | None] = {}
        first: _Ending | None = None
        for raw in self._candidates(state.tree, question):
            child = self.engine.answer(state, raw)
            route = child.visited[len(state.visited) :]
            if self.typed_only and estimates(route):
                continue
            step = (state.tree, question.id, question.key, raw)
            if child.done:
                outcome = self.engine.outcome(child)
                assert outcome is not None
                then, ending = None, _Ending((step,), route, child.tree, outcome.id, outcome.verdict)
            else:
                then, after = self._walk(child, (*walked, step))
                if after is None:  # no way on (every one went through the estimate)
                    continue
                ending = _Ending((step, *after.steps), route + after.route, after.tree, after.outcome, after.verdict)
            if self.listing and (
                (child.done and state.visited + route not in self.routes)
                or (state.tree, question.id, raw) not in self.shown
            ):
                self._keep(state, walked, ending)
            first = first or ending
            ways[route] = self._merge(ways[route], then) if route in ways else then
        result = self._walked[key] = (self._share(ways), first)
        return result

    def _candidates(self, tree_id: str, question: Question) -> list[str]:
        """The answers to try: all of them for the listing; else one of each kind the rest of the walk
        can tell apart (amounts on the same side of every limit, choices to the same node that no
        condition tells apart), and in `typed_only` none that goes straight into the guided estimate."""
        trying = candidates(question, self.probes, self.engine.day, self.compared)
        self.tries += len(trying)
        if self.tries > self.limit or len(trying) > MAX_CHOICES_TRIED:
            raise AnswerError(_too_many(self.tree_id or question.key, question, len(trying), self.limit))
        kinds: dict[Hashable, str] = {}
        if question.input in ("amount", "number") and question.key in self.compared:
            for raw in trying:
                kinds.setdefault(self.same.kinds.of(question.key, UNKNOWN if raw == UNKNOWN else Decimal(raw)), raw)
        elif question.choices and not self.listing:
            nodes = self.engine.tree(tree_id).nodes
            for choice in question.choices:
                ahead = nodes.get(choice.next)
                if not (self.typed_only and isinstance(ahead, Call | Goto) and ahead.tree == ESTIMATE_TREE):
                    kinds.setdefault((choice.next, self.same.kinds.of(question.key, choice.id)), choice.id)
        else:
            return trying
        return list(kinds.values())

    def _keep(self, state: State, walked: tuple[Step, ...], ending: _Ending) -> None:
        steps = (*walked, *ending.steps)
        visited = state.visited + ending.route
        answers = tuple((key, raw) for _, _, key, raw in steps)
        self.found.append(WalkedPath(answers, visited, ending.tree, ending.outcome, ending.verdict))
        self.routes.add(visited)
        self.shown |= {(tree, node, raw) for tree, node, _, raw in steps}
        if len(self.found) > MAX_PATHS:
            raise AnswerError(f"treet «{self.tree_id}» har over {number(MAX_PATHS)} veier; de listes ikke")

    def _share(self, ways: Mapping[Route, Future | None]) -> Future:
        """The one Future with exactly these ways on (futures are compared by what they hold)."""
        items = tuple(sorted(ways.items(), key=lambda item: item[0]))
        key = tuple((route, id(then)) for route, then in items)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = Future(items)
        return found

    def _merge(self, one: Future | None, other: Future | None) -> Future | None:
        """The routes of both (two answers that lead on along the same nodes, with other facts)."""
        if one is other:
            return one
        assert one is not None and other is not None, "a route ends in an outcome or at a question, not both"
        key = (id(one), id(other)) if id(one) < id(other) else (id(other), id(one))
        found = self._merged.get(key)
        if found is None:
            ways: dict[Route, Future | None] = dict(one.ways)
            for route, then in other.ways:
                ways[route] = self._merge(ways[route], then) if route in ways else then
            found = self._merged[key] = self._share(ways)
        return found


def amount_probes(limits: set[Decimal]) -> list[Decimal]:
    """Amounts that fall on each side of every limit (below, on, above)."""
    probes = {Decimal(1)}
    for limit in limits:
        probes |= {limit - 1, limit, limit + 1} - {Decimal(0)}
    return sorted(p for p in probes if p > 0)


def candidates(question: Question, probes: list[Decimal], day: dt.date, compared: set[str]) -> list[str]:
    """Raw answers worth trying at a question: every choice; at a free question a typical answer (an
    amount a condition compares: one on each side of every limit) and «vet ikke»."""
    if question.input == "choice":
        return [c.id for c in question.choices]
    if question.input == "cpv":
        return CPV_PROBES
    if question.input in ("amount", "number") and question.key in compared:
        typical = [str(p) for p in probes]
    else:
        typical = _TYPICAL.get(question.input, ["Eksempeltekst"]) or [day.isoformat()]
    return [*typical, UNKNOWN]


_TYPICAL = {"amount": ["100000"], "number": ["1"], "yesno": ["ja", "nei"], "date": []}


def enumerate_paths(engine: Engine, tree_id: str) -> list[WalkedPath]:
    """The paths `show --paths` lists: from each state with a new future, every way on, each route once."""
    return Walker(engine, listing=True).paths(tree_id)


def _too_many(tree_id: str, question: Question, here: int, limit: int) -> str:
    limit = MAX_CHOICES_TRIED if here > MAX_CHOICES_TRIED else limit
    return (
        f"treet «{tree_id}» har for mange veier til å listes: over {number(limit)} svar må prøves "
        f"(spørsmålet «{question.key}» alene har {number(here)} mulige svar); --paths er for trær av vanlig størrelse"
    )


# --- how many questions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """How many questions the paths of one kind ask: the number of paths, the median and the most."""

    paths: int
    median: Decimal
    most: int

    @classmethod
    def of(cls, counts: Mapping[int, int]) -> Tally | None:
        total = sum(counts.values())
        if total == 0:
            return None
        ordered = sorted(counts.items())
        return cls(total, (_nth(ordered, (total - 1) // 2) + _nth(ordered, total // 2)) / Decimal(2), ordered[-1][0])


def _nth(ordered: list[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, count in ordered:
        seen += count
        if index < seen:
            return value
    raise IndexError(index)


@dataclass(frozen=True)
class Summary:
    """The questions of every path through a tree: typing the total value, and with the guided estimate."""

    typed: Tally | None
    estimated: Tally | None


def summary(engine: Engine, tree_id: str, walker: Walker | None = None) -> Summary:
    """Counted over every path (not only those listed), from the tree's start."""
    walker = walker or Walker(engine)
    future = walker.future(engine.start(tree_id))
    every, typed = future.counts(), future.counts(typed=True)
    return Summary(Tally.of(typed), Tally.of(every - typed))


def listing(engine: Engine, tree_id: str) -> tuple[list[WalkedPath], Summary]:
    """The listed paths and the count over every path, from one walk; a longest path of each kind
    (typing the value, with the estimate) is among those listed."""
    walker = Walker(engine, listing=True)
    paths = walker.paths(tree_id)
    start = engine.start(tree_id)
    for typed in (True, False):
        longest = _longest(walker, start, typed)
        if longest is not None and longest.visited not in walker.routes:
            walker.routes.add(longest.visited)
            paths.append(longest)
    return sorted(paths, key=lambda p: p.answers), summary(engine, tree_id, walker)


def _longest(walker: Walker, start: State, typed: bool) -> WalkedPath | None:
    """A path that asks the most questions (of those not through the estimate, if `typed`), with
    answers that lead along it (found again by trying the answers at each question)."""
    future: Future | None = walker.future(start)
    ways: list[Route] = []
    while future is not None:
        options = [(r, t) for r, t in future.ways if not (typed and estimates(r))]
        depths = [_depth(then, typed) for _, then in options]
        if not options or max(depths) == 0:
            return None
        route, future = options[depths.index(max(depths))]
        ways.append(route)
    found = _answers_along(walker, start, ways, [0])
    if found is None:
        return None
    done, answers = found
    outcome = walker.engine.outcome(done)
    assert outcome is not None
    return WalkedPath(tuple(answers), done.visited, done.tree, outcome.id, outcome.verdict)


def _depth(then: Future | None, typed: bool) -> int:
    """The most questions on from here, this one included (0: no way on of this kind)."""
    if then is None:
        return 1
    counts = then.counts(typed=typed)
    return 1 + max(counts) if counts else 0


def _answers_along(
    walker: Walker, state: State, ways: list[Route], tried: list[int]
) -> tuple[State, list[tuple[str, str]]] | None:
    question = walker.engine.question(state)
    if question is None or not ways or tried[0] > 10_000:
        return None
    for raw in candidates(question, walker.probes, walker.engine.day, walker.compared):
        tried[0] += 1
        child = walker.engine.answer(state, raw)
        if child.visited[len(state.visited) :] != ways[0] or child.done != (len(ways) == 1):
            continue
        rest = (child, []) if child.done else _answers_along(walker, child, ways[1:], tried)
        if rest is not None:
            return rest[0], [(question.key, raw), *rest[1]]
    return None
