"""The catalogue and a walk as immutable records. Stdlib only; every element keeps its file position.

The catalogue's records (eq=False) compare by identity: one load makes each of them once (field-by-field
equality for each class is a tenth of the start-up). Places, findings and a walk's steps compare by value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .findings import Location

VERDICTS = ("tillatt", "ikke_tillatt", "vurder", "utenfor_regelverket")
END = "end"  # in `returns`: end the walk with the called tree's own outcome

InputKind = Literal["amount", "number", "date", "text", "yesno", "cpv", "choice"]
Value = str | Decimal | dt.date
Origin = Literal["asked", "file", "fact", "computed"]  # typed, from a file, known earlier, or computed


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    id: str
    citation: str
    title: str
    url: str
    checked: dt.date | None
    loc: Location
    status: str = ""
    note: str = ""
    changes: tuple[Change, ...] = ()  # rule changes that an outcome citing this source must name


@dataclass(frozen=True, slots=True, eq=False)
class Change:
    """A change in the law from `start` that the catalogue's text does not yet follow: what changed,
    what is confirmed and what only reported, and where to check (`text`). `status`: bekreftet or
    rapportert; `checked`: when it was last looked into."""

    start: dt.date
    status: str
    checked: dt.date | None
    text: str
    loc: Location


CONFIRMED, REPORTED, SUPPLIED = "bekreftet", "rapportert", "oppgitt"


@dataclass(frozen=True, slots=True, eq=False)
class ThresholdValue:
    """An amount in force from `start`. `status`: bekreftet (the catalogue's own, confirmed),
    rapportert (reported by a secondary source, not confirmed: never used as the threshold, but named
    where a walk's value lies between it and the confirmed one) or oppgitt (supplied by the user's
    organisation with `--thresholds`, used as confirmed). `source`: where a reported or supplied value
    is from (free text)."""

    start: dt.date
    amount: Decimal
    loc: Location
    status: str = CONFIRMED
    source: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Threshold:
    id: str
    title: str
    source: str
    checked: dt.date | None
    values: tuple[ThresholdValue, ...]
    loc: Location
    confirmed_until: dt.date | None = None
    note: str = ""
    # A rule value (FOA § 5-4) need not be an amount: kr (default), prosent (the expression gets 20 as
    # 0,2) or måneder (a number).
    unit: str = "kr"
    # before_first: ukjent – before its first value the amount is unknown to a walk (an expression
    # naming it is unknown, the cautious branch decides) instead of the date being refused.
    unknown_before_first: bool = False

    def value_on(self, day: dt.date) -> ThresholdValue | None:
        """The value in force on `day` (a confirmed or supplied one; a value supplied by the user wins
        over the catalogue's from the same date), or None before the first one."""
        found = None
        for value in sorted(self.values, key=lambda v: (v.start, v.status == SUPPLIED)):
            if value.start <= day and value.status != REPORTED:
                found = value
        return found

    def reported_on(self, day: dt.date) -> ThresholdValue | None:
        """A reported, unconfirmed value in force on `day` that is newer than the confirmed one, if any."""
        confirmed = self.value_on(day)
        found = None
        for value in self.values:
            if value.status == REPORTED and value.start <= day and (confirmed is None or value.start > confirmed.start):
                found = value
        return found


# --- conditions of a branch ---------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class ThresholdRef:
    id: str
    loc: Location


@dataclass(frozen=True, slots=True, eq=False)
class Compare:
    """`{fact: F, op: operand}`; op is eq, ne, in, gt, gte, lt or lte."""

    fact: str
    op: str
    operand: str | Decimal | ThresholdRef | tuple[str, ...]
    loc: Location

    def holds(self, value: object, limit: Callable[[], Decimal | None]) -> bool:
        """Whether `value` meets the comparison; `limit` gives the amount compared with (asked only for
        gt/gte/lt/lte on a known value). «vet_ikke» is neither above nor below anything. ValueError when
        there is no amount to compare."""
        if self.op == "eq":
            return str(value) == self.operand
        if self.op == "ne":
            return str(value) != self.operand
        if self.op == "in":
            return str(value) in (self.operand if isinstance(self.operand, tuple) else ())
        if value == "vet_ikke":
            return False
        amount = limit()
        if amount is None or not isinstance(value, Decimal):
            raise ValueError(f"{self.loc}: «{self.fact}» er ikke et beløp, eller det er ingen grense å sammenligne med")
        return {"gt": value > amount, "gte": value >= amount, "lt": value < amount, "lte": value <= amount}[self.op]


@dataclass(frozen=True, slots=True, eq=False)
class AllOf:
    items: tuple[Condition, ...]
    loc: Location


@dataclass(frozen=True, slots=True, eq=False)
class AnyOf:
    items: tuple[Condition, ...]
    loc: Location


@dataclass(frozen=True, slots=True, eq=False)
class Not:
    item: Condition
    loc: Location


@dataclass(frozen=True, slots=True, eq=False)
class Expression:
    """A condition written in the expression language (docs/uttrykk.md): `when: "verdi >= terskel(nasjonal)"`.

    `parsed` is the expr syntax tree; `at` is where its first character is written, for messages.
    """

    source: str
    parsed: Any
    loc: Location
    at: Location


Condition = Compare | AllOf | AnyOf | Not | Expression


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """A piece of an outcome's or a question's text: a template (expr, with `{…}` placeholders),
    shown only when `when` (an Expression) holds, always when it is None."""

    source: str
    template: Any
    loc: Location
    when: Expression | None = None


# --- nodes --------------------------------------------------------------------


_CHOICE_INDEXES: dict[int, tuple[tuple[Choice, ...], dict[str, Choice], dict[str, Choice]]] = {}


def _choice_index(choices: tuple[Choice, ...]) -> tuple[dict[str, Choice], dict[str, Choice]]:
    """Each choice by id and by lower-case id, made once per question's tuple of choices."""
    found = _CHOICE_INDEXES.get(id(choices))
    if found is None or found[0] is not choices:
        exact = {c.id: c for c in choices}
        folded: dict[str, Choice] = {}
        for c in choices:
            folded.setdefault(c.id.lower(), c)
        found = _CHOICE_INDEXES[id(choices)] = (choices, exact, folded)
    return found[1], found[2]


@dataclass(frozen=True, slots=True, eq=False)
class Choice:
    id: str
    label: str
    next: str
    loc: Location
    help: str = ""


@dataclass(frozen=True, slots=True, eq=False)
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
    sets: str | None = None  # a CPV question: the choice fact its classification answers (see engine)
    default: str | None = None  # the choice the cursor starts on: the cautious one (see validate)
    optional: bool = False  # an answers file without this answer counts as «vet ikke» (a reason to write)
    navigation: bool = False  # only chooses the way through the catalogue: no fact, left out of the protocol
    # The text and help as templates, when either has a `{…}` placeholder (rendered by the engine).
    templates: tuple[Part, Part] | None = None

    @property
    def key(self) -> str:
        """The answer key: the fact name where there is one, else the node id."""
        return self.fact or self.id

    @property
    def cautious(self) -> str | None:
        """The choice the cursor starts on when the buyer has not answered before: `default`, else
        «vet_ikke» when offered (never simply the first choice, which may be the permissive one)."""
        if self.default is not None:
            return self.default
        return "vet_ikke" if self.choice("vet_ikke") is not None else None

    def choice(self, choice_id: str, *, any_case: bool = False) -> Choice | None:
        """The choice with this id (`any_case`: or with it in other letter case), looked up in an
        index, so that a question with 100 000 choices is not a quadratic walk."""
        if len(self.choices) <= 16:  # the usual few: no index kept
            found = next((c for c in self.choices if c.id == choice_id), None)
            if found is None and any_case:
                found = next((c for c in self.choices if c.id.lower() == choice_id.lower()), None)
            return found
        exact, folded = _choice_index(self.choices)
        return exact.get(choice_id) or (folded.get(choice_id.lower()) if any_case else None)

    def targets(self) -> tuple[str, ...]:
        if self.choices:
            return tuple(c.next for c in self.choices)
        return (self.next,) if self.next else ()


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One arm of a branch; `when` is None for `otherwise`."""

    when: Condition | None
    next: str
    loc: Location


@dataclass(frozen=True, slots=True, eq=False)
class Branch:
    id: str
    rules: tuple[Rule, ...]
    loc: Location

    def targets(self) -> tuple[str, ...]:
        return tuple(r.next for r in self.rules)


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    id: str
    tree: str
    returns: tuple[tuple[str, str], ...]  # (outcome id of the called tree, next node or END)
    loc: Location
    sets: str | None = None  # a fact that gets the id of the outcome the called tree reached

    def target_for(self, outcome_id: str) -> str | None:
        for key, target in self.returns:
            if key == outcome_id:
                return target
        return None

    def targets(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.returns if t != END)


@dataclass(frozen=True, slots=True, eq=False)
class Goto:
    id: str
    tree: str
    loc: Location

    def targets(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True, slots=True, eq=False)
class Outcome:
    """A result. `title` is its source text (for drawings); the parts are templates, some with
    conditions, rendered for a walk by `wording.render_outcome`."""

    id: str
    verdict: str
    title: str
    text: tuple[Part, ...]
    steps: tuple[Part, ...]
    sources: tuple[str, ...]
    loc: Location
    document: tuple[Part, ...] = ()
    heading: Part | None = None
    source_when: tuple[tuple[str, Expression], ...] = ()  # sources cited only when a condition holds

    def targets(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True, slots=True, eq=False)
class Compute:
    """A fact computed from other facts with an expression (expr), then on to `next`.

    `expression` and `explain` are parsed expr objects (Expr, Template); `value_at` is where the
    expression is written, for messages about it.
    """

    id: str
    fact: str
    expression: Any
    source: str
    next: str
    loc: Location
    value_at: Location
    label: str = ""
    explain: Any = None
    sources: tuple[str, ...] = ()

    def targets(self) -> tuple[str, ...]:
        return (self.next,)


Node = Question | Branch | Call | Goto | Outcome | Compute


@dataclass(frozen=True, slots=True, eq=False)
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
    broken: frozenset[str] = frozenset()  # nodes too broken to load (already reported): not «unknown»

    def outcomes(self) -> list[Outcome]:
        return [n for n in self.nodes.values() if isinstance(n, Outcome)]

    def questions(self) -> list[Question]:
        return [n for n in self.nodes.values() if isinstance(n, Question)]


@dataclass(frozen=True, slots=True, eq=False)
class Catalogue:
    trees: dict[str, Tree]
    sources: dict[str, Source]
    thresholds: dict[str, Threshold]
    root: str = ""
    files: tuple[str, ...] = ()
    digests: tuple[tuple[str, str], ...] = ()  # (file as shown, sha256 of the bytes read) for every file read
    supplied: tuple[str, str] | None = None  # the user's own thresholds file (`--thresholds`): (file, sha256)
    law_as_of: tuple[tuple[str, dt.date], ...] = ()  # katalog.yaml: the legal texts followed, as they read on a date


# --- a walk, as recorded ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One answered question. `origin` is asked, file or fact (known earlier in the walk)."""

    tree: str
    node: str
    key: str
    question: str
    answer: Value
    answer_label: str
    origin: Origin
    help_shown: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ThresholdUse:
    id: str
    title: str
    amount: Decimal
    start: dt.date
    source: str
    checked: dt.date | None
    confirmed_until: dt.date | None
    status: str = CONFIRMED  # bekreftet, rapportert (named beside the confirmed one) or oppgitt (by the user)
    origin: str = ""  # where a reported or supplied value is from
