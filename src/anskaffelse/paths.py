"""Every path through a tree: the answers that lead to each outcome. Pure; used by tests and `show --paths`."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from .engine import Engine, State
from .errors import AnswerError
from .model import (
    AllOf,
    AnyOf,
    Branch,
    Call,
    Compare,
    Compute,
    Condition,
    Expression,
    Goto,
    Not,
    Part,
    Question,
    ThresholdRef,
)
from .phrases import number
from .texts import VERDICT_LABELS, md
from .wording import facts_named, money_literals, thresholds_named

MAX_PATHS = 100_000
# Answers tried while listing the paths: the bundled `veiviser` needs about 8 000. More than this is
# refused at once, with a count, rather than taking minutes and printing megabytes.
MAX_TRIES = 500_000  # answers tried in all (veiviser needs about 400 000)
MAX_CHOICES_TRIED = 50_000  # at one question: a list this long is no tree of ordinary size


@dataclass(frozen=True)
class WalkedPath:
    """One distinct route: the raw answers given, the nodes passed, and where it ended."""

    answers: tuple[tuple[str, str], ...]
    visited: tuple[tuple[str, str], ...]
    outcome_tree: str
    outcome: str
    verdict: str


def amount_limits(engine: Engine) -> list[Decimal]:
    """Every limit a branch may compare an amount with, sorted."""
    limits: set[Decimal] = set()
    for tree in engine.catalogue.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Branch):
                for rule in node.rules:
                    limits |= _limits(rule.when, engine) if rule.when else set()
    return sorted(limits)


def amount_probes(engine: Engine) -> list[Decimal]:
    """Amounts that fall on each side of every limit a branch may compare with (below, on, above)."""
    probes = {Decimal(1)}
    for limit in amount_limits(engine):
        probes |= {limit - 1, limit, limit + 1} - {Decimal(0)}
    return sorted(p for p in probes if p > 0)


def _band(value: Decimal, limits: list[Decimal]) -> str:
    """Where an amount lies among the limits: two amounts in the same band pass every comparison
    with a limit alike, so the walks that follow are the same."""
    at = bisect_left(limits, value)
    return f"band {at}{'=' if at < len(limits) and limits[at] == value else '<'}"


def _limits(cond: Condition, engine: Engine) -> set[Decimal]:
    if isinstance(cond, (AllOf, AnyOf)):
        return set().union(*(_limits(c, engine) for c in cond.items))
    if isinstance(cond, Not):
        return _limits(cond.item, engine)
    if isinstance(cond, Compare):
        if isinstance(cond.operand, Decimal):
            return {cond.operand}
        if isinstance(cond.operand, ThresholdRef):
            threshold = engine.catalogue.thresholds.get(cond.operand.id)
            value = threshold.value_on(engine.day) if threshold else None
            return {value.amount} if value else set()
    if isinstance(cond, Expression):  # every amount it names: its thresholds (confirmed and reported) and literals
        found = money_literals(cond.parsed)
        for threshold in (
            engine.catalogue.thresholds.get(ref) for ref in thresholds_named((Part(cond.source, None, cond.loc, cond),))
        ):
            for value in (threshold.value_on(engine.day), threshold.reported_on(engine.day)) if threshold else ():
                if value is not None:
                    found.add(value.amount)
        return found
    return set()


# One CPV code of each kind (vedlegg 3, vedlegg 2, works, another service, goods, only probably
# covered) and «vet ikke».
CPV_PROBES = ["85311000", "55510000", "45000000", "72000000", "03111000", "98311200", "vet_ikke"]


def compared_amounts(engine: Engine) -> set[str]:
    """The facts a branch compares with an amount: only these need every amount probe."""
    found: set[str] = set()

    def visit(cond: Condition) -> None:
        if isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                visit(item)
        elif isinstance(cond, Not):
            visit(cond.item)
        elif isinstance(cond, Compare) and cond.op in ("gt", "gte", "lt", "lte"):
            found.add(cond.fact)
        elif isinstance(cond, Expression):  # any fact it names may be compared with an amount
            found.update(facts_named(cond.parsed))

    for tree in engine.catalogue.trees.values():
        for node in tree.nodes.values():
            for rule in node.rules if isinstance(node, Branch) else ():
                if rule.when is not None:
                    visit(rule.when)
    return found


def candidates(question: Question, probes: list[Decimal], day: dt.date, compared: set[str] | None = None) -> list[str]:
    """Raw answers worth trying at a question (an amount no branch compares, such as a unit price
    that a computation uses: one typical amount)."""
    if question.input == "choice":
        return [c.id for c in question.choices]
    if question.input == "amount":
        # An amount a branch tests: each side of every limit, and «vet ikke» (an unknown amount has a route of its own).
        return [*(str(p) for p in probes), "vet ikke"] if compared is None or question.key in compared else ["100000"]
    if question.input == "number":
        return ["1"]
    if question.input == "cpv":
        return CPV_PROBES
    if question.input == "yesno":
        return ["ja", "nei"]
    if question.input == "date":
        return [day.isoformat()]
    return ["Eksempeltekst", "vet_ikke"]  # «vet ikke» at a free text is a path of its own (a reason not given)


def enumerate_paths(engine: Engine, tree_id: str) -> list[WalkedPath]:
    """Depth-first over every candidate answer; paths that pass the same nodes are kept once.

    Two open questions with the same position, call stack and shared facts have the same future,
    so that future is explored once (from the first of them): every distinct way on from every
    point is walked, without multiplying the sub-trees a composite tree like `veiviser` calls.
    """
    probes = amount_probes(engine)
    compared = compared_amounts(engine)
    limits = amount_limits(engine)
    # An amount that branches only compare (no computation reads it) matters by its band, not its value.
    banded = compared - {
        n
        for t in engine.catalogue.trees.values()
        for c in t.nodes.values()
        if isinstance(c, Compute)
        for n in facts_named(c.expression)
    }
    relevant = _Relevance(engine)
    found: dict[tuple[tuple[str, str], ...], WalkedPath] = {}
    expanded: set[object] = set()
    todo: list[tuple[State, tuple[tuple[str, str], ...]]] = [(engine.start(tree_id), ())]
    tries = 0
    while todo:
        state, answers = todo.pop()
        question = engine.question(state)
        if question is not None:
            # The same future needs the same values of the facts it tests or computes with, and the same
            # facts known among those it only asks for (a known fact's question is skipped, whatever its value).
            future = relevant.of_state(state)
            known = tuple(
                sorted(
                    (k, _shown(k, v, banded, limits) if ("value", k) in future else "")
                    for k, v in state.facts.items()
                    if ("asked", k) in future or ("value", k) in future
                )
            )
            key = (state.tree, state.node, state.stack, known)
            if key in expanded:
                continue
            expanded.add(key)
        if question is None:
            outcome = engine.outcome(state)
            assert outcome is not None
            if state.visited not in found:
                found[state.visited] = WalkedPath(answers, state.visited, state.tree, outcome.id, outcome.verdict)
                if len(found) > MAX_PATHS:
                    raise AnswerError(f"treet «{tree_id}» har over {number(MAX_PATHS)} veier; de listes ikke")
            continue
        trying = candidates(question, probes, engine.day, compared)
        tries += len(trying)
        if tries > MAX_TRIES or len(trying) > MAX_CHOICES_TRIED:
            raise AnswerError(_too_many(tree_id, question, len(trying)))
        for raw in reversed(trying):
            todo.append((engine.answer(state, raw), (*answers, (question.key, raw))))
    return sorted(found.values(), key=lambda p: p.answers)


def _shown(key: str, value: object, banded: set[str], limits: list[Decimal]) -> str:
    return _band(value, limits) if key in banded and isinstance(value, Decimal) else str(value)


def _too_many(tree_id: str, question: Question, here: int) -> str:
    limit = MAX_CHOICES_TRIED if here > MAX_CHOICES_TRIED else MAX_TRIES
    return (
        f"treet «{tree_id}» har for mange veier til å listes: over {number(limit)} svar må prøves "
        f"(spørsmålet «{question.key}» alene har {number(here)} mulige svar); --paths er for trær av vanlig størrelse"
    )


def questions_left_in_walk(engine: Engine, state: State, memo: dict[tuple[str, str], int]) -> int:
    """The most questions still to come, counting what follows each pending call's return."""
    left = questions_left(engine, state.tree, state.node, memo)
    for frame in state.stack:
        call = engine.catalogue.trees[frame.tree].nodes[frame.node]
        left += max((questions_left(engine, frame.tree, t, memo) for t in call.targets()), default=0)
    return left


def questions_left(engine: Engine, tree_id: str, node_id: str, memo: dict[tuple[str, str], int] | None = None) -> int:
    """The most questions any path from this node may still ask (an upper bound: known facts are skipped)."""
    memo = {} if memo is None else memo
    key = (tree_id, node_id)
    if key in memo:
        return memo[key]
    memo[key] = 0  # a guard against cycles in an unvalidated tree
    tree = engine.catalogue.trees[tree_id]
    node = tree.nodes.get(node_id)
    if node is None:
        return 0
    own = 1 if isinstance(node, Question) else 0
    if isinstance(node, Call) and node.tree in engine.catalogue.trees:
        called = engine.catalogue.trees[node.tree]
        inner = questions_left(engine, called.id, called.start, memo)
        after = max((questions_left(engine, tree_id, t, memo) for t in node.targets()), default=0)
        result = inner + after
    elif isinstance(node, Goto) and node.tree in engine.catalogue.trees:
        other = engine.catalogue.trees[node.tree]
        result = questions_left(engine, other.id, other.start, memo)
    else:
        result = own + max((questions_left(engine, tree_id, t, memo) for t in node.targets()), default=0)
    memo[key] = result
    return result


class _Relevance:
    """Which facts can still change a walk from a node on: asked or tested downstream, across calls."""

    def __init__(self, engine: Engine) -> None:
        self.trees = engine.catalogue.trees
        self.memo: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}

    def of_state(self, state: State) -> frozenset[tuple[str, str]]:
        result = self.of_node(state.tree, state.node)
        for frame in state.stack:
            call = self.trees[frame.tree].nodes[frame.node]
            for target in call.targets():
                result |= self.of_node(frame.tree, target)
        return result

    def of_node(self, tree_id: str, node_id: str) -> frozenset[tuple[str, str]]:
        """("value", fact) for facts a branch tests or a computation uses from here on; ("asked", fact)
        for facts a question asks (known or not matters for those, not the value)."""
        key = (tree_id, node_id)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = frozenset()  # cycles cannot occur in a validated catalogue
        node = self.trees[tree_id].nodes.get(node_id)
        found: set[tuple[str, str]] = set()
        if isinstance(node, Question) and node.fact:
            found.add(("asked", node.fact))
        if isinstance(node, Compute):
            found |= {("value", name) for name in facts_named(node.expression)} | {("asked", node.fact)}
        if isinstance(node, Branch):
            for rule in node.rules:
                found |= {("value", f) for f in _facts(rule.when)} if rule.when else set()
        if isinstance(node, (Call, Goto)) and node.tree in self.trees:
            found |= self.of_node(node.tree, self.trees[node.tree].start)
        for target in node.targets() if node else ():
            found |= self.of_node(tree_id, target)
        self.memo[key] = frozenset(found)
        return self.memo[key]


def _facts(cond: Condition) -> set[str]:
    if isinstance(cond, Expression):
        return facts_named(cond.parsed)
    if isinstance(cond, Compare):
        return {cond.fact}
    if isinstance(cond, Not):
        return _facts(cond.item)
    if isinstance(cond, (AllOf, AnyOf)):
        return set().union(*(_facts(c) for c in cond.items))
    return set()


def answer_keys(engine: Engine) -> dict[str, Question]:
    """Every question of the catalogue by its answer key (made once per listing, not per path)."""
    return {q.key: q for t in engine.catalogue.trees.values() for q in t.questions()}


def path_answers(engine: Engine, path: WalkedPath, questions: dict[str, Question] | None = None) -> list[str]:
    """The answers of a path as a reader sees them: «key = label»."""
    questions = answer_keys(engine) if questions is None else questions
    shown = []
    for key, raw in path.answers:
        question = questions[key]
        shown.append(f"{key} = {engine.label(question, engine.parse(question, raw))}")
    return shown


def paths_markdown(engine: Engine, paths: list[WalkedPath]) -> str:
    """One list item per path, stable order, so a diff shows which paths a content change altered."""
    lines = [
        f"Veier: {len(paths)} (vurderingsdato {engine.day}; beløp prøvd like under, på og like over hver terskel)",
        "",
    ]
    questions = answer_keys(engine)
    for n, path in enumerate(paths, 1):
        answers = "; ".join(path_answers(engine, path, questions)) or "(ingen spørsmål)"
        outcome = f"{path.outcome_tree}/{path.outcome}"
        lines.append(f"{n}. {md(answers)} → **{md(outcome)}** ({VERDICT_LABELS[path.verdict]})")
    return "\n".join(lines) + "\n"
