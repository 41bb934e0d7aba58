"""Evaluation: the value of an expression given the facts, with «vet ikke» as None and amounts in whole øre."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow

from .errors import ExprError
from .syntax import (
    And,
    Arith,
    Bool,
    Call,
    ChoiceId,
    Compare,
    DateLit,
    Expr,
    Known,
    Member,
    MoneyLit,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
    Threshold,
    _offset,
)
from .typecheck import _ARITH, FactType, _arith_problem, _compare_problem
from .values import _LIMIT, _NOUN, Kind, Money, Value, _context, _kind_of


@dataclass(frozen=True, slots=True)
class Env:
    """What an expression is evaluated against: fact values (None: «vet ikke» or not answered; a missing
    name is the same) and the threshold amounts in force on the assessment date."""

    facts: Mapping[str, Value | None]
    thresholds: Mapping[str, Money | Decimal]  # a rule's percentage or months (unit in the data) is a number
    reported: Mapping[str, Money] = field(default_factory=dict)  # newer reported, unconfirmed values
    absent: frozenset[str] = frozenset()  # values unknown on the date (before_first: ukjent): unknown, not an error


def make_env(
    answers: Mapping[str, object],
    facts: Mapping[str, FactType],
    thresholds: Mapping[str, Decimal | int | Money],
    reported: Mapping[str, Decimal | int | Money] | None = None,
    *,
    numbers: Mapping[str, Decimal] | None = None,
    absent: frozenset[str] = frozenset(),
) -> Env:
    """An Env from answers as the rest of the program holds them: amounts as Decimal kroner (turned into
    øre exactly; a fraction of an øre is a ValueError), yes/no as "ja"/"nei" for a bool fact, None for
    «vet ikke». Answers to facts not in `facts` are left out."""
    # Only the facts answered: a name missing from Env.facts is unknown, as None is.
    values: dict[str, Value | None] = {
        name: _typed(name, raw, facts[name].kind) for name, raw in answers.items() if raw is not None and name in facts
    }

    def money(amounts: Mapping[str, Decimal | int | Money]) -> dict[str, Money]:
        return {key: a if isinstance(a, Money) else Money.from_kroner(a) for key, a in amounts.items()}

    return Env(values, {**money(thresholds), **(numbers or {})}, money(reported or {}), absent)


def _typed(name: str, raw: object, kind: Kind) -> Value:
    if kind == "money" and isinstance(raw, (int, Decimal, Money)) and not isinstance(raw, bool):
        return raw if isinstance(raw, Money) else Money.from_kroner(raw)
    if kind == "number" and isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        return Decimal(raw)
    if kind == "bool" and (isinstance(raw, bool) or raw in ("ja", "nei")):
        return raw if isinstance(raw, bool) else raw == "ja"
    if kind in ("choice", "text") and isinstance(raw, str):
        return raw
    if kind == "date" and isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    raise ValueError(f"svaret på «{name}» skal være {_NOUN[kind]}, fant {type(raw).__name__}")


def evaluate(expr: Expr, env: Env) -> Value | None:
    """The value of `expr`; None when it depends on something unknown (see the module docstring).

    Run-time problems that checking cannot rule out (division by zero, a threshold with no value on the
    date, an absurdly large result, a value of the wrong kind in `env`) raise ExprError with the offset.
    """
    return _eval(expr, env)


def _eval(node: Expr, env: Env) -> Value | None:
    match node:
        case Num() | MoneyLit() | Str() | Bool() | DateLit():
            return node.value
        case ChoiceId():
            return node.id
        case Name():
            return _fact(node, env)
        case Threshold():
            return _threshold(node, env)
        case Known():
            return env.facts.get(node.fact) is not None
        case Neg():
            return _negate(node, env)
        case Not():
            truth = _truth(node.operand, env)
            return None if truth is None else not truth
        case And():
            return _all(node.items, env)
        case Or():
            return _any(node.items, env)
        case Arith():
            return _chain(node, env)
        case Compare():
            left, right = _eval(node.left, env), _eval(node.right, env)
            if left is None or right is None:
                return None
            return _compare(node.op, left, right, node.offset)
        case Member():
            return _member(node, env)
        case Call():
            return _call(node, env)


def _fact(node: Name, env: Env) -> Value | None:
    value = env.facts.get(node.name)
    if value is not None and not isinstance(value, (Money, Decimal, bool, str, dt.date)):
        raise ExprError(f"verdien av «{node.name}» har en ukjent type", node.offset)
    return value


def _threshold(node: Threshold, env: Env) -> Money | Decimal | None:
    amount = (env.reported.get(node.id) if node.reported else None) or env.thresholds.get(node.id)
    if amount is None and node.id in env.absent:
        return None
    if amount is None:
        raise ExprError(f"terskelverdien «{node.id}» har ingen verdi på vurderingsdatoen", node.id_offset)
    return amount


def _negate(node: Neg, env: Env) -> Value | None:
    value = _eval(node.operand, env)
    if value is None:
        return None
    if isinstance(value, Money):
        return Money(-value.ore)
    if isinstance(value, Decimal):
        return -value
    raise _mismatch(f"kan ikke sette minus foran {_NOUN[_kind_of(value)]}", node.offset)


def _all(items: tuple[Expr, ...], env: Env) -> bool | None:
    """«og» in three-valued logic: usann if any item is usann, else unknown if any is unknown."""
    unknown = False
    for item in items:
        truth = _truth(item, env)
        if truth is False:
            return False
        unknown = unknown or truth is None
    return None if unknown else True


def _any(items: tuple[Expr, ...], env: Env) -> bool | None:
    """«eller» in three-valued logic: sann if any item is sann, else unknown if any is unknown."""
    unknown = False
    for item in items:
        truth = _truth(item, env)
        if truth is True:
            return True
        unknown = unknown or truth is None
    return None if unknown else False


def _chain(node: Arith, env: Env) -> Value | None:
    result = _eval(node.first, env)
    for op, operand, offset in node.rest:
        right = _eval(operand, env)
        result = None if result is None or right is None else _arith(op, result, right, offset)
    return result


def _member(node: Member, env: Env) -> bool | None:
    subject = _eval(node.item, env)
    if subject is None:
        return None
    unknown = False
    for option in node.options:
        value = _eval(option, env)
        if value is None:
            unknown = True
        elif _compare("=", subject, value, _offset(option)):
            return True
    return None if unknown else False


def _mismatch(message: str, offset: int) -> ExprError:
    return ExprError(message + " (uttrykket er ikke sjekket mot faktaene?)", offset)


def _truth(node: Expr, env: Env) -> bool | None:
    value = _eval(node, env)
    if value is not None and not isinstance(value, bool):
        raise _mismatch(f"forventet en sannhetsverdi, fant {_NOUN[_kind_of(value)]}", _offset(node))
    return value


def _checked(value: Decimal, offset: int) -> Decimal:
    if abs(value) >= _LIMIT:
        raise ExprError("resultatet er urimelig stort", offset)
    return value


def _whole_ore(value: Decimal, offset: int) -> Money:
    return Money(int(_checked(value, offset).quantize(Decimal(1), context=_context())))


def _arith(op: str, left: Value, right: Value, offset: int) -> Value:
    kinds = (_kind_of(left), _kind_of(right))
    result = _ARITH[op].get(kinds)
    if result is None:
        raise _mismatch(_arith_problem(op, *kinds), offset)
    ctx = _context()
    a = Decimal(left.ore) if isinstance(left, Money) else left
    b = Decimal(right.ore) if isinstance(right, Money) else right
    assert isinstance(a, Decimal) and isinstance(b, Decimal)
    try:
        if op == "+":
            value = ctx.add(a, b)
        elif op == "-":
            value = ctx.subtract(a, b)
        elif op == "*":
            value = ctx.multiply(a, b)
        else:
            value = ctx.divide(a, b)
    except (DivisionByZero, InvalidOperation):
        raise ExprError("deling på null", offset) from None
    except Overflow:
        raise ExprError("resultatet er urimelig stort", offset) from None
    if result == "money":
        return _whole_ore(value, offset)
    return _checked(value, offset)


def _compare(op: str, left: Value, right: Value, offset: int) -> bool:
    a, b = _kind_of(left), _kind_of(right)
    if a != b:
        raise _mismatch(_compare_problem(a, b), offset)
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if a not in ("money", "number", "date"):
        raise _mismatch(f"«{op}» sammenligner beløp, tall og datoer, ikke {_NOUN[a]}", offset)
    # same kind, and that kind is ordered
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def _call(node: Call, env: Env) -> Value | None:
    values = [_eval(arg, env) for arg in node.args]
    if node.name == "begynner_med":
        if len(values) != 2:
            raise _mismatch(f"begynner_med() tar to argumenter, fikk {len(values)}", node.offset)
        text, start = values
        if text is None or start is None:
            return None
        if not isinstance(text, str) or not isinstance(start, str):
            raise _mismatch("begynner_med() sammenligner tekst", node.offset)
        return text.startswith(start)
    if node.name == "rund":
        if len(values) != 1:
            raise _mismatch(f"rund() tar ett argument, fikk {len(values)}", node.offset)
        value = values[0]
        if value is None:
            return None
        if isinstance(value, Money):
            kroner = Decimal(value.ore).scaleb(-2, _context()).quantize(Decimal(1), context=_context())
            return Money(int(kroner) * 100)
        if isinstance(value, Decimal):
            return value.quantize(Decimal(1), context=_context())
        raise _mismatch(f"rund() regner med beløp eller tall, ikke {_NOUN[_kind_of(value)]}", node.offset)
    if not values:
        raise _mismatch(f"{node.name}() trenger minst to argumenter", node.offset)
    if any(value is None for value in values):
        return None
    known = [value for value in values if value is not None]
    kinds = {_kind_of(value) for value in known}
    allowed = {"money", "number", "date"} if node.name in ("min", "maks") else {"money", "number"}
    if len(kinds) != 1 or not kinds <= allowed:
        raise _mismatch(f"{node.name}() fikk verdier av ulike eller gale slag", node.offset)
    if node.name == "min":
        return min(known)
    if node.name == "maks":
        return max(known)
    result = known[0]
    for value in known[1:]:
        result = _arith("+", result, value, node.offset)
    return result
