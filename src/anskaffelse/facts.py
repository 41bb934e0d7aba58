"""Facts as the expression language (expr) sees them: their types in a catalogue, their values in a
walk, and computed facts; and what a CPV answer tells about the kind of service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from .expr import Env, FactType, Money, evaluate, make_env, render
from .findings import Finding, Location
from .model import Call, Catalogue, Compute, Outcome, Question, Value
from .values import format_amount

_KINDS = {"amount": "money", "number": "number", "date": "date", "text": "text", "yesno": "bool", "cpv": "text"}
UNKNOWN = "vet_ikke"
# What a CPV classification answers for a question's `sets:` fact (the kinds of hvilke-regler's
# «tjenestetype»). Only a listed code answers it: a code that is only probably covered, or unknown,
# leaves the question to be asked.
SERVICE_KINDS = {
    "helse_sosial": "helse_sosial",
    "saerlig": "saerlige",
    "bygg_anlegg": "bygg_anlegg",
    "annen_tjeneste": "annet",
    "vare": "annet",
}


def fact_types(catalogue: Catalogue) -> dict[str, FactType]:
    """Every fact a question asks or a computation gives, with its type (a computed fact: money,
    unless its expression is checked to give something else; see validate). Its callers make it once
    and keep it (validate, Engine); no module keeps a catalogue alive."""
    types: dict[str, FactType] = {}
    for tree in catalogue.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Question):
                if node.input == "choice":
                    types[node.key] = FactType("choice", tuple(c.id for c in node.choices))
                else:
                    types[node.key] = FactType(_KINDS[node.input])  # type: ignore[arg-type]
            elif isinstance(node, Compute):
                types.setdefault(node.fact, FactType("money"))
            elif isinstance(node, Call) and node.sets and node.tree in catalogue.trees:
                outcomes = tuple(n.id for n in catalogue.trees[node.tree].nodes.values() if isinstance(n, Outcome))
                types[node.sets] = FactType("choice", outcomes)
    return types


def environment(
    catalogue: Catalogue,
    facts: Mapping[str, Value],
    day: dt.date,
    types: Mapping[str, FactType] | None = None,
    amounts: DayValues | None = None,
) -> Env:
    """The facts of a walk (and the thresholds in force on `day`: `amounts`, made by threshold_amounts when
    not given) for evaluating an expression; «vet ikke» and what is not answered are unknown."""
    types = fact_types(catalogue) if types is None else types
    known = {k: v for k, v in facts.items() if k in types and v != UNKNOWN}
    thresholds, reported, numbers, absent = threshold_amounts(catalogue, day) if amounts is None else amounts
    return make_env(known, types, thresholds, reported, numbers=numbers, absent=absent)


DayValues = tuple[dict[str, Money], dict[str, Money], dict[str, Decimal], frozenset[str]]


def threshold_amounts(catalogue: Catalogue, day: dt.date) -> DayValues:
    """The thresholds and rule values in force on `day` (amounts as Money, a rule's percentage as a share,
    its months as a number), the newer reported amounts, and the values unknown on the day. The engine
    makes them once and passes them to every environment of a walk."""
    thresholds: dict[str, Money] = {}
    reported: dict[str, Money] = {}
    numbers: dict[str, Decimal] = {}
    absent: set[str] = set()
    for threshold in catalogue.thresholds.values():
        value, newer = threshold.value_on(day), threshold.reported_on(day)
        if value is None and threshold.unknown_before_first:
            absent.add(threshold.id)
        elif value is not None and threshold.unit != "kr":
            numbers[threshold.id] = value.amount / 100 if threshold.unit == "prosent" else value.amount
        elif value is not None:
            thresholds[threshold.id] = Money.from_kroner(value.amount)
        if newer is not None and threshold.unit == "kr":
            reported[threshold.id] = Money.from_kroner(newer.amount)
    return thresholds, reported, numbers, frozenset(absent)


def compute(node: Compute, env: Env) -> tuple[Value | None, str]:
    """The computed value (as the walk keeps values: an amount in kroner) and the sentence that
    shows the calculation; None when it rests on something unknown."""
    result = evaluate(node.expression, env)
    if result is None:
        return None, "kan ikke beregnes: noe den bygger på, er ukjent"
    value: Value = result.kroner if isinstance(result, Money) else _plain(result)
    shown = format_amount(value) if isinstance(value, Decimal) and isinstance(result, Money) else str(value)
    if node.explain is not None:
        values = dict(env.facts)
        values[node.fact] = result
        shown = render(node.explain, Env(values, env.thresholds, env.reported, env.absent))
    return value, shown


def _plain(result: object) -> Value:
    if isinstance(result, bool):
        return "ja" if result else "nei"
    if isinstance(result, Decimal | str | dt.date):
        return result
    return str(result)


def service_kind(code: str) -> tuple[str | None, str]:
    """For a CPV code: the service kind it settles (None: it settles nothing) and how a person reads it."""
    from .cpv import classify, format_classification

    found = classify(code)
    label = format_classification(found).replace("  ", " ", 1)  # «55524000 Catering til skoler – særlig …»
    if found.certainty != "listed" and found.kind not in ("vare", "bygg_anlegg", "annen_tjeneste"):
        return None, label
    return SERVICE_KINDS.get(found.kind), label


def check_compute(node: Compute, catalogue: Catalogue, types: Mapping[str, FactType]) -> list[Finding]:
    """A computation's expression and explanation checked against the catalogue's facts (`types`, from
    fact_types) and thresholds, each problem where it is written (the column moved to the offending part
    of the expression)."""
    from .expr import check, check_template

    declared = next((types[q.key] for t in catalogue.trees.values() for q in t.questions() if q.key == node.fact), None)
    expect = declared.kind if declared is not None else None
    if declared is not None and declared.kind == "choice" and {"ja", "nei"} <= set(declared.choices):
        expect = "bool"  # a yes/no choice: sann/usann is kept as the answer ja/nei (see compute)
    _, errors = check(
        node.expression, {k: v for k, v in types.items() if k != node.fact}, catalogue.thresholds, expect=expect
    )
    at = node.value_at
    found = [Finding(Location(at.file, at.line, at.col + e.offset), e.message) for e in errors]
    if node.explain is not None:
        found += [
            Finding(node.loc, f"explain: {e.message}")
            for e in check_template(node.explain, types, catalogue.thresholds)
        ]
    found += [
        Finding(node.loc, f"beregningen «{node.id}» viser til ukjent kilde «{s}»")
        for s in node.sources
        if s not in catalogue.sources
    ]
    return found


def check_sets(question: Question, types: Mapping[str, FactType]) -> list[Finding]:
    """A CPV question's `sets:` must name a choice fact that has every service kind as a choice."""
    if not question.sets:
        return []
    target = types.get(question.sets)
    missing = sorted(set(SERVICE_KINDS.values()) - set(target.choices if target else ()))
    if target is None or target.kind != "choice" or missing:
        need = ", ".join(sorted(set(SERVICE_KINDS.values())))
        return [Finding(question.loc, f"sets: «{question.sets}» må være et valgspørsmål med valgene {need}")]
    return []
