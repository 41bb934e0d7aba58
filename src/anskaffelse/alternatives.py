"""«Hva ville endret resultatet»: for each answer given, the other answers that would have led to another
result, found by walking again with that one answer changed (the engine alone: no prompts, no files).

* A choice or a yes/no answer: every other choice.
* An amount (typed, or computed such as the § 5-4 estimate, which is changed as a total): the amounts just
  under, on and just over each threshold value in force on the date of assessment and each amount a branch
  names are tried, and neighbours with the same result are joined into bands («under 1 300 000 kr»).
* A question that only chooses the way (`navigation: true`), free text, dates, numbers and CPV codes are
  not varied.

A changed answer may lead to a question the walk has no answer for: the result then depends on it, and the
alternative says which question (`needs`). The work is bounded (MAX_WALKS walks in all).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .engine import Engine, State
from .errors import AnskaffelseError
from .model import Branch, Compare, Compute, Expression, Outcome, Question, Step, Value
from .trace import TraceAlternative, TraceOther, TraceResult
from .values import format_amount
from .wording import facts_named, money_literals, render_title

MAX_WALKS = 400  # walks for one result; the bundled catalogue needs well under a hundred


@dataclass(frozen=True)
class _Walked:
    """Where a walk with changed answers ended: its outcome and conclusions on the way, or the question it
    has no answer for."""

    state: State
    outcome: tuple[str, str] | None
    passed: tuple[tuple[str, str], ...]
    needs: Question | None

    def same(self, other: _Walked) -> bool:
        needs = (self.needs.key if self.needs else None, other.needs.key if other.needs else None)
        return (self.outcome, self.passed, needs[0]) == (other.outcome, other.passed, needs[1])


class _Budget:
    def __init__(self, walks: int) -> None:
        self.left = walks

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def what_if(engine: Engine, tree_id: str, state: State, walks: int = MAX_WALKS) -> list[TraceAlternative]:
    """For each answer the walk rests on (in the order given), the other answers and where they lead; an
    answer whose alternatives all lead to the same result has an empty list."""
    answers = {s.key: _raw(s.answer) for s in state.steps if s.origin in ("asked", "file")}
    actual = _walked(engine, state, None)
    parts = _computed_from(engine)  # amounts that only count through a total: the total is varied instead
    budget = _Budget(walks)
    found: list[TraceAlternative] = []
    for step in state.steps:
        node = engine.catalogue.trees[step.tree].nodes.get(step.node)
        if step.origin == "fact" or (isinstance(node, Question) and node.navigation):
            continue
        # a computed amount is varied by band; a computed yes/no (from a CPV code) follows its inputs
        amount = (isinstance(node, Compute) and isinstance(step.answer, Decimal)) or (
            isinstance(node, Question) and node.input == "amount"
        )
        if amount and step.key in parts:
            continue
        if amount:
            others = _bands(engine, tree_id, answers, step, actual, budget)
        elif isinstance(node, Question) and node.input in ("choice", "yesno") and step.origin != "computed":
            others = _choices(engine, tree_id, answers, step, node, actual, budget)
        else:
            continue
        if others is None:  # the budget ran out
            break
        found.append({"key": step.key, "question": step.question, "answer_label": step.answer_label, "others": others})
    return found


def _computed_from(engine: Engine) -> set[str]:
    """The facts the catalogue's computations are made from."""
    return {
        name
        for tree in engine.catalogue.trees.values()
        for node in tree.nodes.values()
        if isinstance(node, Compute)
        for name in facts_named(node.expression)
    }


def _raw(value: Value) -> str:
    return str(int(value)) if isinstance(value, Decimal) and value == value.to_integral_value() else str(value)


def _walk(engine: Engine, tree_id: str, answers: Mapping[str, str], facts: Mapping[str, Value]) -> _Walked | None:
    """The walk with these answers (and facts known from the start); None when it cannot be walked."""
    try:
        state = engine.start(tree_id, facts)
        while isinstance(node := engine.node(state), Question) and not state.done:
            if node.key not in answers:
                return _walked(engine, state, engine.question(state))  # rendered only here, where it is shown
            state = engine.answer(state, answers[node.key], "file")
    except AnskaffelseError:
        return None
    return _walked(engine, state, None)


def _walked(engine: Engine, state: State, needs: Question | None) -> _Walked:
    outcome = engine.outcome(state)
    reached = (state.tree, outcome.id) if outcome is not None and needs is None else None
    return _Walked(state, reached, tuple(dict.fromkeys(state.passed)), needs)


def _choices(
    engine: Engine,
    tree_id: str,
    answers: dict[str, str],
    step: Step,
    question: Question,
    actual: _Walked,
    budget: _Budget,
) -> list[TraceOther] | None:
    if question.input == "yesno":
        options = [(value, value.capitalize()) for value in ("ja", "nei") if value != step.answer]
    else:
        options = [(c.id, c.label) for c in question.choices if c.id != step.answer]
    others: list[TraceOther] = []
    for value, label in options:
        if not budget.take():
            return None
        walked = _walk(engine, tree_id, {**answers, step.key: value}, {})
        if walked is not None and not walked.same(actual):
            others.append(_other(engine, value, label, walked, actual))
    return others


def _bands(
    engine: Engine, tree_id: str, answers: dict[str, str], step: Step, actual: _Walked, budget: _Budget
) -> list[TraceOther] | None:
    """The bands of amounts with one result each, when there is more than one; the one that holds the answer
    given is marked `current`."""
    computed = step.origin == "computed"
    points = sorted({p for b in boundaries(engine) for p in (b - 1, b, b + 1) if p >= 1})

    def at(point: Decimal) -> _Walked | None:
        if not budget.take():
            raise _Spent
        if computed:
            return _walk(engine, tree_id, answers, {step.key: point})
        return _walk(engine, tree_id, {**answers, step.key: str(point)}, {})

    bands: list[tuple[Decimal, _Walked]] = []  # (first amount, result) of each band
    previous: Decimal | None = None
    try:
        for point in points:
            result = at(point)
            if result is None:
                continue
            if not bands:
                bands.append((Decimal(1), result))
            elif not result.same(bands[-1][1]):
                bands.append(_first_change(at, previous or point, point, bands[-1][1], result))
            previous = point
    except _Spent:
        return None
    if len(bands) < 2:
        return []
    value = step.answer if isinstance(step.answer, Decimal) else None
    others: list[TraceOther] = []
    for n, (low, result) in enumerate(bands):
        high = bands[n + 1][0] - 1 if n + 1 < len(bands) else None
        other = _other(engine, _raw(low), _band_label(low, high, first=n == 0), result, actual)
        if value is not None and value >= low and (high is None or value < high + 1):
            other["current"] = True
        others.append(other)
    return others


class _Spent(Exception):
    """The budget of walks ran out."""


def _first_change(
    at: Callable[[Decimal], _Walked | None], low: Decimal, high: Decimal, before: _Walked, after: _Walked
) -> tuple[Decimal, _Walked]:
    """The first amount above `low` whose result is no longer `before` (bisection: a result that turns on
    an amount computed from this one, not compared with it directly, is found exactly too)."""
    while high - low > 1:
        middle = (low + high) // 2
        result = at(middle)
        if result is not None and result.same(before):
            low = middle
        else:
            high, after = middle, result or after
    return high, after


def boundaries(engine: Engine) -> list[Decimal]:
    """The amounts a result may turn on: every threshold value in force on the date of assessment and
    every amount a branch names (whole kroner)."""
    found = {
        v.amount
        for t in engine.catalogue.thresholds.values()
        if t.unit == "kr" and (v := t.value_on(engine.day)) is not None  # not a rule's percentage or months
    }
    for tree in engine.catalogue.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Branch):
                for rule in node.rules:
                    found |= _amounts_in(rule.when)
    return sorted(a.to_integral_value() for a in found if a > 0)


def _amounts_in(cond: object) -> set[Decimal]:
    if isinstance(cond, Compare):
        return {cond.operand} if isinstance(cond.operand, Decimal) else set()
    if isinstance(cond, Expression):
        return money_literals(cond.parsed)
    items = getattr(cond, "items", None) or ([cond.item] if hasattr(cond, "item") else [])
    return {a for item in items for a in _amounts_in(item)}


def _band_label(low: Decimal, high: Decimal | None, *, first: bool) -> str:
    if first and high is not None:
        return f"under {format_amount(high + 1)}"
    if high is None:
        return f"{format_amount(low)} eller mer"
    if low == high:
        return f"nøyaktig {format_amount(low)}"
    return f"{format_amount(low)[:-3]}–{format_amount(high)}"


def _other(engine: Engine, answer: str, label: str, walked: _Walked, actual: _Walked) -> TraceOther:
    other: TraceOther = {"answer": answer, "answer_label": label, "outcome": _result(engine, walked)}
    if walked.needs is not None:
        other["needs"] = walked.needs.text
    if walked.passed != actual.passed:
        env = engine.env(walked.state.facts)
        nodes = [engine.catalogue.trees[t].nodes[n] for t, n in walked.passed if (t, n) not in actual.passed]
        titles = [render_title(node, env) for node in nodes if isinstance(node, Outcome)]
        if titles:
            other["passed"] = titles
    return other


def _result(engine: Engine, walked: _Walked) -> TraceResult | None:
    outcome = engine.outcome(walked.state) if walked.needs is None else None
    if outcome is None:
        return None
    title = render_title(outcome, engine.env(walked.state.facts))  # only the title is shown: not its text
    return {"tree": walked.state.tree, "node": outcome.id, "verdict": outcome.verdict, "title": title}
