"""Which open questions of a walk have the same future: the state merging behind `show --paths` and
the progress line. Pure; the engine alone decides where an answer leads.

Two states at the same question (tree, node and call stack) have the same routes on from there when
they agree on everything the rest of the walk can still read:
- which of the facts asked, computed or tested later are known already (a known fact's question is
  skipped);
- the value of a fact that a computation still to come reads (or a CPV code that may still answer
  the kind of service), or that a choice question routes by;
- for each branch still ahead that tests a known fact: the rule it takes, for every kind of value the
  facts it tests and that are not known yet may get («the residual»). Values are told apart only as
  far as some condition can tell them apart: an amount by the limits it is compared with, a choice
  by the ids a condition names.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .engine import UNKNOWN, Engine, State
from .expr import ExprError
from .expr import syntax as x
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
    Question,
    ThresholdRef,
    Value,
)
from .wording import facts_named, holds, walk

ABSENT = "\x00ukjent"  # a fact not answered yet (a value of its own in the keys below)
OTHER = "\x00annet"  # a text or choice that no condition names
RESIDUAL_LIMIT = 256  # value combinations tried for one branch; more: the branch is keyed by the values known
_STRICT = {"lt", "gte", "<", ">="}  # v < L decides these; v <= L decides the others
_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}


class Kinds:
    """How far the conditions of a catalogue can tell a fact's values apart (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        from .facts import fact_types

        self.engine = engine
        self.types = fact_types(engine.catalogue)
        self.strict: dict[str, set[Decimal]] = {}
        self.loose: dict[str, set[Decimal]] = {}
        self.named: dict[str, set[str]] = {}
        self.opaque: set[str] = set()  # used in a condition in a way not analysed: every value counts
        self.exact: set[str] = set()  # read by a computation or routed on by a choice: every value counts
        for tree in engine.catalogue.trees.values():
            for node in tree.nodes.values():
                if isinstance(node, Branch):
                    for rule in node.rules:
                        if rule.when is not None:
                            self._condition(rule.when)
                elif isinstance(node, Compute):
                    self.exact |= names(node.expression)
                elif isinstance(node, Question) and node.fact and len({c.next for c in node.choices}) > 1:
                    self.exact.add(node.fact)
                elif isinstance(node, Question) and node.fact and node.sets:
                    self.exact.add(node.fact)  # a CPV code: the kind of service it gives
        self._sorted = {f: sorted(v) for f, v in self.strict.items()}
        self._sorted_loose = {f: sorted(v) for f, v in self.loose.items()}

    def of(self, fact: str, value: Value) -> Hashable:
        """The value as far as the rest of the walk can tell it apart from others."""
        if fact in self.exact:
            return ("=", str(value))
        return self.compared(fact, value)

    def compared(self, fact: str, value: Value) -> Hashable:
        """The value as far as the conditions can tell it apart."""
        text = str(value)
        if value == UNKNOWN or fact in self.opaque:
            return text
        named = text if text in self.named.get(fact, ()) else OTHER
        if not isinstance(value, Decimal):
            return named
        below = sum(1 for limit in self._sorted.get(fact, ()) if value >= limit)
        above = sum(1 for limit in self._sorted_loose.get(fact, ()) if value > limit)
        return (named, below, above)

    def samples(self, fact: str) -> list[Value] | None:
        """One value of each kind the conditions tell apart, «vet ikke» among them; None when they cannot be listed."""
        kind = self.types[fact].kind if fact in self.types else None
        if fact in self.opaque or kind not in ("money", "number", "choice", "text", "bool"):
            return None
        if kind == "bool":
            return ["ja", "nei", UNKNOWN]
        if kind in ("choice", "text"):
            return [*sorted(self.named.get(fact, ())), OTHER, UNKNOWN]
        if self.named.get(fact):
            return None
        limits = sorted(self.strict.get(fact, set()) | self.loose.get(fact, set()))
        if not limits:
            return [Decimal(1), UNKNOWN]
        values = [limits[0] - 1, *limits, limits[-1] + 1]
        values += [(a + b) / 2 for a, b in itertools.pairwise(limits)]
        return [*values, UNKNOWN]

    def limits(self) -> set[Decimal]:
        """Every amount or number a condition compares a fact with."""
        return set().union(*self.strict.values(), *self.loose.values())

    # -- reading the conditions -------------------------------------------------

    def _condition(self, cond: Condition) -> None:
        if isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                self._condition(item)
        elif isinstance(cond, Not):
            self._condition(cond.item)
        elif isinstance(cond, Expression):
            self._expr(cond.parsed)
        elif cond.op in ("eq", "ne"):
            self.named.setdefault(cond.fact, set()).add(str(cond.operand))
        elif cond.op == "in":
            self.named.setdefault(cond.fact, set()).update(cond.operand if isinstance(cond.operand, tuple) else ())
        else:
            self._limit(cond.fact, cond.op, self.amount(cond.operand))

    def amount(self, operand: object) -> Decimal | None:
        if isinstance(operand, Decimal):
            return operand
        if isinstance(operand, ThresholdRef | x.Threshold):
            threshold = self.engine.catalogue.thresholds.get(operand.id)
            value = threshold.value_on(self.engine.day) if threshold else None
            if threshold is not None and isinstance(operand, x.Threshold) and operand.reported:
                value = threshold.reported_on(self.engine.day) or value  # rapportert(id): the newer value, if any
            return value.amount if value else None
        if isinstance(operand, x.MoneyLit):
            return operand.value.kroner
        if isinstance(operand, x.Num) and not operand.percent:
            return operand.value
        return None

    def _limit(self, fact: str, op: str, limit: Decimal | None) -> None:
        if limit is None:
            self.opaque.add(fact)
            return
        if op in ("=", "!="):  # equal: told apart by both kinds of limit
            self.strict.setdefault(fact, set()).add(limit)
        (self.strict if op in _STRICT else self.loose).setdefault(fact, set()).add(limit)

    def _expr(self, parsed: Any) -> None:
        """An expression condition: a fact compared with a constant, or listed against choice ids, is
        told apart by those; a fact used in any other way (in a sum, a function) by every value."""
        analysed: set[int] = set()
        for node in walk(parsed):
            if isinstance(node, x.Compare):
                left, right, op = node.left, node.right, node.op
                if isinstance(right, x.Name) and not isinstance(left, x.Name):
                    left, right, op = right, left, _MIRROR[op]
                if isinstance(left, x.Name) and isinstance(right, _CONSTANTS):
                    analysed.add(id(left))
                    word = _word(right)
                    if word is not None and op in ("=", "!="):
                        self.named.setdefault(left.name, set()).add(word)
                    else:
                        self._limit(left.name, op, self.amount(right))
            elif isinstance(node, x.Member) and isinstance(node.item, x.Name):
                words = [_word(o) for o in node.options]
                if all(w is not None for w in words):
                    analysed.add(id(node.item))
                    self.named.setdefault(node.item.name, set()).update(w for w in words if w is not None)
        self.opaque |= {n.name for n in walk(parsed) if isinstance(n, x.Name) and id(n) not in analysed}


_CONSTANTS = (x.ChoiceId, x.Str, x.Threshold, x.MoneyLit, x.Num)


def _word(node: object) -> str | None:
    """The text a choice id or a text literal stands for."""
    if isinstance(node, x.ChoiceId):
        return node.id
    return node.value if isinstance(node, x.Str) else None


def names(expression: Any) -> set[str]:
    """The facts an expression reads: its names and the facts `kjent(…)` asks about."""
    return facts_named(expression)


def condition_facts(cond: Condition) -> set[str]:
    """The facts a branch condition reads."""
    if isinstance(cond, Compare):
        return {cond.fact}
    if isinstance(cond, Not):
        return condition_facts(cond.item)
    if isinstance(cond, Expression):
        return names(cond.parsed)
    return set().union(*(condition_facts(c) for c in cond.items))


@dataclass(frozen=True)
class _Ahead:
    """What the rest of a walk can read, from one position (tree, node and call stack)."""

    asked: tuple[str, ...]  # facts whose being known changes the walk
    by_value: tuple[str, ...]  # facts a choice question routes by
    computed: tuple[tuple[str, tuple[str, ...]], ...]  # (fact, the facts it is made from), while not known
    branches: tuple[tuple[Branch, tuple[str, ...]], ...]  # each branch ahead and the facts it tests
    computations: tuple[Compute, ...] = ()  # the computations ahead (their results, once their facts are known)


class SameFuture:
    """The key under which states with the same future are walked once (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.trees = engine.catalogue.trees
        self.kinds = Kinds(engine)
        self._reach: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}
        self._ahead: dict[tuple[str, str, tuple[object, ...]], _Ahead] = {}
        self._residuals: dict[tuple[int, tuple[Hashable, ...]], Hashable] = {}
        self._reads: dict[int, tuple[str, ...]] = {}  # the facts each computation reads
        self._computed: dict[tuple[int, tuple[str, ...]], Hashable] = {}  # a computation's result for these values

    def key(self, state: State) -> Hashable:
        ahead = self.ahead(state)
        facts = state.facts
        known = tuple(f for f in ahead.asked if f in facts)
        values = tuple(self.kinds.of(f, facts[f]) if f in facts else ABSENT for f in ahead.by_value)
        results = self._results(ahead.computations, facts)
        computed = tuple(
            results[fact]
            if fact in results
            else tuple(self.kinds.of(n, facts[n]) if n in facts else ABSENT for n in reads)
            for fact, reads in ahead.computed
            if fact not in facts
        )
        residuals = tuple(
            self._residual(branch, tests, facts) for branch, tests in ahead.branches if any(f in facts for f in tests)
        )
        return (state.tree, state.node, state.stack, known, values, computed, residuals)

    def _results(self, computations: tuple[Compute, ...], facts: Mapping[str, Value]) -> dict[str, Hashable]:
        """A computation ahead whose facts are all known already gives one result, whatever they are: two states
        whose facts give the same result (a CPV code that is not 80… in `begynner_med(cpv, "80")`) share a future."""
        from .facts import compute

        found: dict[str, Hashable] = {}
        for node in computations:
            reads = self._reads.get(id(node))
            if reads is None:
                reads = self._reads[id(node)] = tuple(sorted(names(node.expression)))
            if node.fact in facts or node.fact in found or any(n not in facts for n in reads):
                continue
            memo = (id(node), tuple(str(facts[n]) for n in reads))
            result = self._computed.get(memo)
            if result is None:
                try:
                    value, _ = compute(node, self.engine.env({n: facts[n] for n in reads}))
                except (ExprError, ValueError, KeyError, TypeError):
                    continue
                result = self._computed[memo] = ("=", str(value))
            found[node.fact] = result
        return found

    def ahead(self, state: State) -> _Ahead:
        position = (state.tree, state.node, tuple(state.stack))
        found = self._ahead.get(position)
        if found is None:
            reach = set(self._reach_from(state.tree, state.node))
            for frame in state.stack:
                for target in self.trees[frame.tree].nodes[frame.node].targets():
                    reach |= self._reach_from(frame.tree, target)
            found = self._ahead[position] = self._read(reach)
        return found

    def _read(self, reach: set[tuple[str, str]]) -> _Ahead:
        asked: set[str] = set()
        by_value: set[str] = set()
        computed: list[tuple[str, tuple[str, ...]]] = []
        computations: list[Compute] = []
        branches: list[tuple[Branch, tuple[str, ...]]] = []
        for tree_id, node_id in sorted(reach):
            node = self.trees[tree_id].nodes[node_id]
            if isinstance(node, Question):
                asked |= {f for f in (node.fact, node.sets) if f}
                if node.fact and len({c.next for c in node.choices}) > 1:
                    by_value.add(node.fact)
                if node.fact and node.sets:  # a known code, met again, answers `sets` if it is still open
                    computed.append((node.sets, (node.fact,)))
            elif isinstance(node, Compute):
                asked.add(node.fact)
                computed.append((node.fact, tuple(sorted(names(node.expression)))))
                computations.append(node)
            elif isinstance(node, Branch):
                tests = set().union(*(condition_facts(r.when) for r in node.rules if r.when is not None))
                asked |= tests
                branches.append((node, tuple(sorted(tests))))
        return _Ahead(
            tuple(sorted(asked)), tuple(sorted(by_value)), tuple(computed), tuple(branches), tuple(computations)
        )

    def _reach_from(self, tree_id: str, node_id: str) -> frozenset[tuple[str, str]]:
        """The nodes a walk may pass from here until its tree reaches an outcome (calls and gotos followed)."""
        key = (tree_id, node_id)
        found = self._reach.get(key)
        if found is not None:
            return found
        self._reach[key] = frozenset()  # a guard against cycles in a catalogue that was not validated
        node = self.trees[tree_id].nodes.get(node_id)
        reach = {key} if node is not None else set()
        if isinstance(node, Call | Goto) and node.tree in self.trees:
            reach |= self._reach_from(node.tree, self.trees[node.tree].start)
        for target in node.targets() if node is not None else ():
            reach |= self._reach_from(tree_id, target)
        self._reach[key] = frozenset(reach)
        return self._reach[key]

    # -- branches ahead -------------------------------------------------------------

    def _residual(self, branch: Branch, tests: tuple[str, ...], facts: Mapping[str, Value]) -> Hashable:
        """The rule the branch takes for each kind of value its facts not known yet may get."""
        known = tuple(self.kinds.compared(f, facts[f]) if f in facts else ABSENT for f in tests)
        memo = (id(branch), known)
        found = self._residuals.get(memo)
        if found is None:
            found = self._residuals[memo] = self._rules_taken(branch, tests, facts, known)
        return found

    def _rules_taken(
        self, branch: Branch, tests: tuple[str, ...], facts: Mapping[str, Value], known: tuple[Hashable, ...]
    ) -> Hashable:
        open_facts = [f for f in tests if f not in facts]
        samples = [self.kinds.samples(f) for f in open_facts]
        combinations = 1
        for some in samples:
            combinations *= len(some) if some is not None else RESIDUAL_LIMIT + 1
        if combinations > RESIDUAL_LIMIT:
            return ("verdier", known)
        given = {f: facts[f] for f in tests if f in facts}
        taken = []
        for values in itertools.product(*(some or () for some in samples)):
            taken.append(self.rule_taken(branch, {**given, **dict(zip(open_facts, values, strict=True))}))
        return ("regler", tuple(taken))

    def rule_taken(self, branch: Branch, facts: Mapping[str, Value]) -> int:
        """The number of the first rule that holds (-1: none, or the condition cannot be worked out)."""
        try:
            for number, rule in enumerate(branch.rules):
                if rule.when is None or self._holds(rule.when, facts):
                    return number
        except (ExprError, ValueError, KeyError, TypeError):
            pass
        return -1

    def _holds(self, cond: Condition, facts: Mapping[str, Value]) -> bool:
        """As the engine decides a condition (Engine._holds), on these facts."""
        if isinstance(cond, AllOf):
            return all(self._holds(c, facts) for c in cond.items)
        if isinstance(cond, AnyOf):
            return any(self._holds(c, facts) for c in cond.items)
        if isinstance(cond, Not):
            return not self._holds(cond.item, facts)
        if isinstance(cond, Expression):
            return holds(cond, self.engine.env(facts))
        return cond.holds(facts[cond.fact], lambda: self.kinds.amount(cond.operand))  # ValueError as the engine
