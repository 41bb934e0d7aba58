"""The catalogue as frozen dataclasses. Stdlib only; every element keeps its file position."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

VERDICTS = ("tillatt", "ikke_tillatt", "vurder", "utenfor_regelverket")
END = "end"  # in `returns`: end the walk with the called tree's own outcome

InputKind = Literal["amount", "date", "text", "yesno", "choice"]
Value = str | Decimal | dt.date


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based as editors show them."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    title: str
    url: str
    checked: dt.date | None
    loc: Location
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class ThresholdValue:
    start: dt.date
    amount: Decimal
    loc: Location


@dataclass(frozen=True)
class Threshold:
    id: str
    title: str
    source: str
    checked: dt.date | None
    values: tuple[ThresholdValue, ...]
    loc: Location
    confirmed_until: dt.date | None = None
    note: str = ""

    def value_on(self, day: dt.date) -> ThresholdValue | None:
        """The value in force on `day`, or None before the first one."""
        found = None
        for value in self.values:
            if value.start <= day:
                found = value
        return found


# --- conditions of a branch ---------------------------------------------------


@dataclass(frozen=True)
class ThresholdRef:
    id: str
    loc: Location


@dataclass(frozen=True)
class Compare:
    """`{fact: F, op: operand}`; op is eq, ne, in, gt, gte, lt or lte."""

    fact: str
    op: str
    operand: str | Decimal | ThresholdRef | tuple[str, ...]
    loc: Location


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]
    loc: Location


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]
    loc: Location


@dataclass(frozen=True)
class Not:
    item: Condition
    loc: Location


Condition = Compare | AllOf | AnyOf | Not


# --- nodes --------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    next: str
    loc: Location
    help: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    input: InputKind
    loc: Location
    help: str = ""
    sources: tuple[str, ...] = ()
    fact: str | None = None
    choices: tuple[Choice, ...] = ()
    next: str | None = None  # for free input; choices carry their own

    @property
    def key(self) -> str:
        """The answer key: the fact name where there is one, else the node id."""
        return self.fact or self.id

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None

    def targets(self) -> tuple[str, ...]:
        if self.choices:
            return tuple(c.next for c in self.choices)
        return (self.next,) if self.next else ()


@dataclass(frozen=True)
class Rule:
    """One arm of a branch; `when` is None for `otherwise`."""

    when: Condition | None
    next: str
    loc: Location


@dataclass(frozen=True)
class Branch:
    id: str
    rules: tuple[Rule, ...]
    loc: Location

    def targets(self) -> tuple[str, ...]:
        return tuple(r.next for r in self.rules)


@dataclass(frozen=True)
class Call:
    id: str
    tree: str
    returns: tuple[tuple[str, str], ...]  # (outcome id of the called tree, next node or END)
    loc: Location

    def target_for(self, outcome_id: str) -> str | None:
        for key, target in self.returns:
            if key == outcome_id:
                return target
        return None

    def targets(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.returns if t != END)


@dataclass(frozen=True)
class Goto:
    id: str
    tree: str
    loc: Location

    def targets(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Outcome:
    id: str
    verdict: str
    title: str
    text: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]
    loc: Location
    document: tuple[str, ...] = ()

    def targets(self) -> tuple[str, ...]:
        return ()


Node = Question | Branch | Call | Goto | Outcome


@dataclass(frozen=True)
class Tree:
    id: str
    title: str
    version: str
    valid_from: dt.date | None
    start: str
    nodes: dict[str, Node]
    loc: Location
    sha256: str = ""
    description: str = ""
    start_loc: Location | None = None

    def outcomes(self) -> list[Outcome]:
        return [n for n in self.nodes.values() if isinstance(n, Outcome)]

    def questions(self) -> list[Question]:
        return [n for n in self.nodes.values() if isinstance(n, Question)]


@dataclass(frozen=True)
class Catalogue:
    trees: dict[str, Tree]
    sources: dict[str, Source]
    thresholds: dict[str, Threshold]
    root: str = ""
    files: tuple[str, ...] = field(default=())


# --- a walk, as recorded ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One answered question. `origin` is asked, file or fact (known earlier in the walk)."""

    tree: str
    node: str
    key: str
    question: str
    answer: Value
    answer_label: str
    origin: str
    help_shown: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThresholdUse:
    id: str
    title: str
    amount: Decimal
    start: dt.date
    source: str
    checked: dt.date | None
    confirmed_until: dt.date | None
