"""The pure walker: state + answer → next state. No I/O, no prompts, no printing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .errors import AnswerError, CatalogueError, UsageError
from .findings import suggest
from .model import (
    END,
    AllOf,
    AnyOf,
    Branch,
    Call,
    Catalogue,
    Compare,
    Compute,
    Condition,
    Expression,
    Goto,
    Node,
    Not,
    Origin,
    Outcome,
    Question,
    Step,
    Threshold,
    ThresholdRef,
    ThresholdUse,
    ThresholdValue,
    Tree,
    Value,
)
from .phrases import capped
from .values import (
    ValueProblem,
    format_amount,
    is_unknown,
    parse_amount,
    parse_cpv,
    parse_date,
    parse_number,
    parse_text,
    parse_yesno,
)
from .wording import expression_thresholds, holds, render_question, thresholds_of

MAX_MOVES = 1_000_000  # a guard against a catalogue that was not validated
UNKNOWN = "vet_ikke"


@dataclass(frozen=True)
class Frame:
    """A pending `call`: where to continue when the called tree reaches an outcome."""

    tree: str
    node: str


@dataclass(frozen=True)
class State:
    """Where a walk stands: at a question awaiting an answer, or at its final outcome."""

    tree: str
    node: str
    stack: tuple[Frame, ...] = ()
    facts: Mapping[str, Value] = field(default_factory=lambda: MappingProxyType({}))
    steps: tuple[Step, ...] = ()
    thresholds: tuple[ThresholdUse, ...] = ()
    visited: tuple[tuple[str, str], ...] = ()
    previous: State | None = None  # the state at the question answered last (for back)
    done: bool = False
    # Outcomes of called trees the walk went on from, in order (tree id, outcome id): conclusions
    # on the way, such as «this is a procurement» or «you cannot buy directly».
    passed: tuple[tuple[str, str], ...] = ()


class Engine:
    """Walks a catalogue on a date of assessment."""

    def __init__(self, catalogue: Catalogue, day: dt.date) -> None:
        self.catalogue = catalogue
        self.day = day
        self._types: dict[str, Any] | None = None  # the facts' types, for computations (made when first needed)
        self._amounts: Any = None  # the thresholds on the day as expr amounts, for every env (made with _types)
        self._last_env: tuple[Mapping[str, Value], Any] | None = None  # a walk's facts are immutable: reuse their env
        # The thresholds each expression condition names, and those it asks the reported value of (by its id).
        self._refs: dict[int, tuple[list[str], list[str]]] = {}

    # -- queries ----------------------------------------------------------------

    def tree(self, tree_id: str) -> Tree:
        try:
            return self.catalogue.trees[tree_id]
        except KeyError:
            known = capped(sorted(self.catalogue.trees), empty="ingen")
            guess = suggest(tree_id, self.catalogue.trees)
            raise AnswerError(f"ukjent tre «{tree_id}»{guess}; katalogen har: {known}") from None

    def check_thresholds(self, tree_id: str) -> None:
        """Refuse, before the first question, a date on which a threshold the walk may use has no value."""
        trees, todo = set(), [tree_id]
        while todo:
            current = todo.pop()
            if current in trees or current not in self.catalogue.trees:
                continue
            trees.add(current)
            todo += [n.tree for n in self.catalogue.trees[current].nodes.values() if isinstance(n, Call | Goto)]
        named = {ref for t in trees for node in self.catalogue.trees[t].nodes.values() for ref in thresholds_of(node)}
        missing = sorted(
            ref
            for ref in named
            if ref in self.catalogue.thresholds
            and self.catalogue.thresholds[ref].value_on(self.day) is None
            and not self.catalogue.thresholds[ref].unknown_before_first
        )
        if missing:
            first = min(self.catalogue.thresholds[m].values[0].start for m in missing)
            raise UsageError(
                f"vurderingsdatoen {self.day} er før terskelverdiene {capped(missing)} fikk sin første verdi "
                f"({first}); velg en senere --dato"
            )

    def node(self, state: State) -> Node:
        return self.tree(state.tree).nodes[state.node]

    def question(self, state: State) -> Question | None:
        """The question awaiting an answer (its text and help rendered for the walk), or None when
        the walk is done."""
        node = self.node(state)
        if not isinstance(node, Question) or state.done:
            return None
        return render_question(node, self.env(state.facts)) if node.templates is not None else node

    def env(self, facts: Mapping[str, Value]) -> Any:
        """The walk's facts and the thresholds on the date of assessment, for expressions (expr.Env)."""
        from .facts import environment, fact_types, threshold_amounts

        if self._types is None:
            self._types = fact_types(self.catalogue)
            self._amounts = threshold_amounts(self.catalogue, self.day)
        if self._last_env is not None and self._last_env[0] is facts:  # the same (immutable) facts: the same env
            return self._last_env[1]
        env = environment(self.catalogue, facts, self.day, self._types, self._amounts)
        if isinstance(facts, MappingProxyType):
            self._last_env = (facts, env)
        return env

    def outcome(self, state: State) -> Outcome | None:
        node = self.node(state)
        return node if isinstance(node, Outcome) and state.done else None

    def thresholds_shown(self, state: State) -> tuple[ThresholdUse, ...]:
        """The thresholds the walk's results show (its outcome and the conclusions on the way) that
        no branch compared with: they belong in the record too."""
        nodes = [self.catalogue.trees[t].nodes.get(n) for t, n in (*state.passed, (state.tree, state.node))]
        named = dict.fromkeys(ref for node in nodes if node is not None for ref in thresholds_of(node))
        reported = {ref for node in nodes if isinstance(node, Outcome) for ref in thresholds_of(node, reported=True)}
        known = {(u.id, u.status) for u in state.thresholds}
        used: list[ThresholdUse] = []
        for ref in named:
            threshold = self.catalogue.thresholds.get(ref)
            if threshold is None or not self._recorded(threshold):
                continue
            self._amount(ThresholdRef(ref, threshold.loc), used)
            newer = threshold.reported_on(self.day)
            if ref in reported and newer is not None:
                used.append(_use(threshold, newer))
        return tuple(u for u in dict.fromkeys(used) if (u.id, u.status) not in known)

    def location(self, state: State) -> str:
        return str(self.node(state).loc)

    # -- moves ------------------------------------------------------------------

    def start(self, tree_id: str, facts: Mapping[str, Value] | None = None) -> State:
        """A new walk at the start of `tree_id`, settled at its first open question."""
        tree = self.tree(tree_id)
        state = State(tree.id, tree.start, facts=MappingProxyType(dict(facts or {})))
        return self.settle(replace(state, visited=((tree.id, tree.start),)))

    def answer(self, state: State, raw: object, origin: Origin = "asked", *, help_shown: bool = False) -> State:
        """Apply an answer to the open question; AnswerError names the question when it does not fit."""
        question = self.question(state)
        if question is None:
            raise AnswerError("veiledningen er ferdig; det er ingen spørsmål å svare på")
        value = self.parse(question, raw, state)
        return self.settle(self._record(state, question, value, origin, help_shown, previous=state))

    def back(self, state: State) -> State | None:
        """The state at the previously answered question, or None at the first."""
        return state.previous

    def settle(self, state: State) -> State:
        """Follow branches, calls, gotos and known facts until a question or the final outcome."""
        for _ in range(MAX_MOVES):
            node = self.node(state)
            if isinstance(node, Question):
                if node.fact and node.fact in state.facts:
                    value = state.facts[node.fact]
                    state = self._record(state, node, value, "fact", False, previous=state.previous)
                    continue
                return state
            if isinstance(node, Compute):
                state = self._computed(state, node)
            elif isinstance(node, Branch):
                used: list[ThresholdUse] = []
                target = self._choose(node, state, used)
                known = {(u.id, u.status) for u in state.thresholds}
                fresh = tuple(dict.fromkeys(u for u in used if (u.id, u.status) not in known))
                state = self._move(state, state.tree, target, thresholds=state.thresholds + fresh)
            elif isinstance(node, Call):
                frame = Frame(state.tree, node.id)
                called = self.tree(node.tree)
                state = self._move(state, called.id, called.start, stack=state.stack + (frame,))
            elif isinstance(node, Goto):
                other = self.tree(node.tree)
                state = self._move(state, other.id, other.start)
            else:
                if not state.stack:
                    return replace(state, done=True)
                frame = state.stack[-1]
                caller = self.tree(frame.tree).nodes[frame.node]
                assert isinstance(caller, Call)
                target_id = caller.target_for(node.id)
                if target_id is None:
                    raise CatalogueError(f"{caller.loc}: returns mangler utfallet «{node.id}» fra «{caller.tree}»")
                if target_id == END:
                    return replace(state, stack=(), done=True)
                passed = state.passed + ((state.tree, node.id),)
                facts = MappingProxyType({**state.facts, caller.sets: node.id}) if caller.sets else state.facts
                state = self._move(state, frame.tree, target_id, stack=state.stack[:-1], passed=passed, facts=facts)
        raise CatalogueError("veiledningen kom aldri til et utfall; kjør «anskaffelse validate»")

    # -- helpers ----------------------------------------------------------------

    def _move(self, state: State, tree_id: str, node_id: str, **changes: Any) -> State:
        """The state at another node, with `changes` to its other fields made in the same copy."""
        if node_id not in self.tree(tree_id).nodes:
            raise CatalogueError(f"{self.location(state)}: ukjent node «{node_id}»; kjør «anskaffelse validate»")
        return replace(state, tree=tree_id, node=node_id, visited=state.visited + ((tree_id, node_id),), **changes)

    def _record(
        self, state: State, question: Question, value: Value, origin: Origin, help_shown: bool, previous: State | None
    ) -> State:
        step = Step(
            tree=state.tree,
            node=question.id,
            key=question.key,
            question=question.text,
            answer=value,
            answer_label=self.label(question, value),
            origin=origin,
            help_shown=help_shown,
            sources=question.sources,
        )
        facts = dict(state.facts)
        facts[question.key] = value
        if question.sets and question.input == "cpv" and value != UNKNOWN:
            from .facts import service_kind

            kind = service_kind(str(value))[0]
            if kind is not None and question.sets not in facts:
                facts[question.sets] = kind
        target = self.next_after(question, value)
        return self._move(
            state, state.tree, target, facts=MappingProxyType(facts), steps=state.steps + (step,), previous=previous
        )

    def _computed(self, state: State, node: Compute) -> State:
        """A computed fact, shown as a step («Slik er verdien beregnet: …»); unknown when what it
        rests on is unknown (then a question later on asks for it)."""
        from .facts import compute

        if node.fact in state.facts:  # a fact is settled once in a walk (a tree called twice computes once)
            return self._move(state, state.tree, node.next)
        value, shown = compute(node, self.env(state.facts))
        if value is None:
            return self._move(state, state.tree, node.next)
        label = node.label or node.fact
        step = Step(state.tree, node.id, node.fact, label, value, shown, "computed", False, node.sources)
        facts = dict(state.facts)
        facts[node.fact] = value
        return self._move(state, state.tree, node.next, facts=MappingProxyType(facts), steps=state.steps + (step,))

    @staticmethod
    def next_after(question: Question, value: Value) -> str:
        if question.input == "choice":
            choice = question.choice(str(value))
            assert choice is not None
            return choice.next
        assert question.next is not None
        return question.next

    @staticmethod
    def label(question: Question, value: Value) -> str:
        """The answer as a person reads it: a choice's label, '2 500 000 kr', '1. mars 2026'."""
        if question.input == "choice":
            choice = question.choice(str(value))
            return choice.label if choice else str(value)
        if value == UNKNOWN:
            return "Vet ikke / finner ikke koden" if question.input == "cpv" else "Vet ikke"
        if question.input == "yesno":
            return str(value).capitalize()
        if isinstance(value, Decimal) and question.input == "number":
            return f"{value:,}".replace(",", " ").replace(".", ",")
        if isinstance(value, Decimal):
            return format_amount(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if question.input == "cpv":
            from .facts import service_kind

            return service_kind(str(value))[1]
        return str(value)

    def parse(self, question: Question, raw: object, state: State | None = None) -> Value:
        """Turn a raw answer into a value for `question`, or raise AnswerError naming it."""
        try:
            if question.input == "choice":
                return self._choice_id(question, raw)
            if is_unknown(raw):
                return UNKNOWN
            if question.input == "amount":
                return parse_amount(raw)
            if question.input == "date":
                return parse_date(raw)
            if question.input == "yesno":
                return parse_yesno(raw)
            if question.input == "number":
                return parse_number(raw)
            if question.input == "cpv":
                return parse_cpv(raw)
            return parse_text(raw)
        except ValueProblem as problem:
            raise AnswerError(
                f"ugyldig svar på «{question.key}»: {problem}",
                details=[f"spørsmål: {question.text}", f"i treet: {question.loc}"],
            ) from None

    @staticmethod
    def _choice_id(question: Question, raw: object) -> str:
        text = str(raw).strip() if raw is not None else ""
        choice = question.choice(text, any_case=True)
        if choice is not None:
            return choice.id
        allowed = capped(c.id for c in question.choices)
        raise ValueProblem(f"«{text[:40]}» er ikke et av valgene; gyldige svar: {allowed}")

    def _choose(self, branch: Branch, state: State, used: list[ThresholdUse]) -> str:
        """The target of the first rule that holds; `used` collects the thresholds compared with."""
        env: list[Any] = []  # the facts for expressions, made once for all the rules of the branch
        for rule in branch.rules:
            if rule.when is None or self._holds(rule.when, state, branch, used, env):
                return rule.next
        raise CatalogueError(f"{branch.loc}: ingen regel passet og otherwise mangler")

    def _holds(self, cond: Condition, state: State, branch: Branch, used: list[ThresholdUse], env: list[Any]) -> bool:
        if isinstance(cond, AllOf):
            return all(self._holds(c, state, branch, used, env) for c in cond.items)
        if isinstance(cond, AnyOf):
            return any(self._holds(c, state, branch, used, env) for c in cond.items)
        if isinstance(cond, Not):
            return not self._holds(cond.item, state, branch, used, env)
        if isinstance(cond, Expression):
            return self._expression(cond, state, used, env)
        return self._compare(cond, state, branch, used)

    def _expression(self, cond: Expression, state: State, used: list[ThresholdUse], env: list[Any]) -> bool:
        """An expression holds only when it is true: «vet ikke» or a fact not yet known is not true."""
        from .expr import ExprError

        refs = self._refs.get(id(cond))
        if refs is None:
            refs = self._refs[id(cond)] = (expression_thresholds(cond), expression_thresholds(cond, reported=True))
        for ref in refs[0]:
            if ref in self.catalogue.thresholds and not self._recorded(self.catalogue.thresholds[ref]):
                continue
            self._amount(ThresholdRef(ref, cond.loc), used)
            newer = self.catalogue.thresholds[ref].reported_on(self.day) if ref in self.catalogue.thresholds else None
            if newer is not None and ref in refs[1]:
                used.append(_use(self.catalogue.thresholds[ref], newer))
        if not env:
            env.append(self.env(state.facts))
        try:
            return holds(cond, env[0])
        except ExprError as problem:
            raise AnswerError(
                f"betingelsen kunne ikke regnes ut: {problem.message}", details=[f"i treet: {cond.loc}", cond.source]
            ) from None

    def _compare(self, cond: Compare, state: State, branch: Branch, used: list[ThresholdUse]) -> bool:
        if cond.fact not in state.facts:
            raise CatalogueError(f"{cond.loc}: faktum «{cond.fact}» er ikke besvart før forgreningen «{branch.id}»")
        try:
            return cond.holds(state.facts[cond.fact], lambda: self._amount(cond.operand, used))
        except ValueError:
            raise CatalogueError(f"{cond.loc}: «{cond.fact}» er ikke et beløp") from None

    def _recorded(self, threshold: Threshold) -> bool:
        """Whether the record keeps the threshold's value: an amount in kroner that has a value on the date
        (a rule's percentage or months, and a value unknown before its first date, are not thresholds used)."""
        known = threshold.value_on(self.day) is not None or not threshold.unknown_before_first
        return threshold.unit == "kr" and known

    def _amount(self, operand: object, used: list[ThresholdUse]) -> Decimal:
        if isinstance(operand, Decimal):
            return operand
        assert isinstance(operand, ThresholdRef)
        threshold = self.catalogue.thresholds.get(operand.id)
        if threshold is None:
            raise CatalogueError(f"{operand.loc}: ukjent terskelverdi «{operand.id}»")
        value = threshold.value_on(self.day)
        if value is None:
            raise AnswerError(
                f"terskelverdien «{operand.id}» har ingen verdi på vurderingsdatoen {self.day}; "
                f"første verdi gjelder fra {threshold.values[0].start}"
            )
        used.append(_use(threshold, value))
        return value.amount


def _use(threshold: Threshold, value: ThresholdValue) -> ThresholdUse:
    """A threshold value as the record keeps it."""
    return ThresholdUse(
        threshold.id,
        threshold.title,
        value.amount,
        value.start,
        threshold.source,
        threshold.checked,
        threshold.confirmed_until,
        value.status,
        value.source,
    )
