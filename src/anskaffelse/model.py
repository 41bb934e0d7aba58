"""The catalogue as immutable records. Stdlib only; every element keeps its file position.

The records are NamedTuples, not frozen dataclasses: a catalogue is tens of thousands of them,
and a NamedTuple is about three times quicker to make and ten times quicker to define (the
definitions are paid at every start of the CLI). Being tuples, they compare by value and order
field by field (Location sorts by file, line, column). Beware `isinstance(x, tuple)`: a
ThresholdRef is a tuple too, so test for it first where an operand may be one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, NamedTuple

# Places and findings live in places.py (quick to import: `list` and `validate` need no more);
# they are part of the model's interface too.
from .places import MAX_FILE_BYTES as MAX_FILE_BYTES
from .places import MAX_FINDINGS as MAX_FINDINGS
from .places import Finding as Finding
from .places import Location as Location
from .places import display_path as display_path
from .places import errors_only as errors_only

VERDICTS = ("tillatt", "ikke_tillatt", "vurder", "utenfor_regelverket")
END = "end"  # in `returns`: end the walk with the called tree's own outcome

InputKind = Literal["amount", "date", "text", "yesno", "choice"]
Value = str | Decimal | dt.date


class Source(NamedTuple):
    id: str
    citation: str
    title: str
    url: str
    checked: dt.date | None
    loc: Location
    status: str = ""
    note: str = ""


class ThresholdValue(NamedTuple):
    start: dt.date
    amount: Decimal
    loc: Location


class Threshold(NamedTuple):
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


class ThresholdRef(NamedTuple):
    id: str
    loc: Location


class Compare(NamedTuple):
    """`{fact: F, op: operand}`; op is eq, ne, in, gt, gte, lt or lte."""

    fact: str
    op: str
    operand: str | Decimal | ThresholdRef | tuple[str, ...]
    loc: Location


class AllOf(NamedTuple):
    items: tuple[Condition, ...]
    loc: Location


class AnyOf(NamedTuple):
    items: tuple[Condition, ...]
    loc: Location


class Not(NamedTuple):
    item: Condition
    loc: Location


Condition = Compare | AllOf | AnyOf | Not


# --- nodes --------------------------------------------------------------------


class Choice(NamedTuple):
    id: str
    label: str
    next: str
    loc: Location
    help: str = ""


class Question(NamedTuple):
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


class Rule(NamedTuple):
    """One arm of a branch; `when` is None for `otherwise`."""

    when: Condition | None
    next: str
    loc: Location


class Branch(NamedTuple):
    id: str
    rules: tuple[Rule, ...]
    loc: Location

    def targets(self) -> tuple[str, ...]:
        return tuple(r.next for r in self.rules)


class Call(NamedTuple):
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


class Goto(NamedTuple):
    id: str
    tree: str
    loc: Location

    def targets(self) -> tuple[str, ...]:
        return ()


class Outcome(NamedTuple):
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


class Tree(NamedTuple):
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


class Catalogue(NamedTuple):
    trees: dict[str, Tree]
    sources: dict[str, Source]
    thresholds: dict[str, Threshold]
    root: str = ""
    files: tuple[str, ...] = ()


# --- a walk, as recorded ------------------------------------------------------


class Step(NamedTuple):
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


class ThresholdUse(NamedTuple):
    id: str
    title: str
    amount: Decimal
    start: dt.date
    source: str
    checked: dt.date | None
    confirmed_until: dt.date | None
