"""Type checking against the facts of a tree: the kind of value an expression gives, and every problem in it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from anskaffelse.phrases import capped

from .errors import ExprError, _suggest
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
from .values import _NOUN, Kind


@dataclass(frozen=True, slots=True)
class FactType:
    """What a fact holds; `choices` are the answer ids of a choice fact."""

    kind: Kind
    choices: tuple[str, ...] = ()


_ARITH: dict[str, dict[tuple[Kind, Kind], Kind]] = {
    "+": {("money", "money"): "money", ("number", "number"): "number"},
    "-": {("money", "money"): "money", ("number", "number"): "number"},
    "*": {("money", "number"): "money", ("number", "money"): "money", ("number", "number"): "number"},
    "/": {("money", "number"): "money", ("money", "money"): "number", ("number", "number"): "number"},
}


def _literal(node: Compare) -> Expr | None:
    return node.right if isinstance(node.right, Num) else node.left


def _money_example(literal: Expr | None) -> str:
    """How to write an amount: the author's own number with kr when there is one."""
    if isinstance(literal, Num) and not literal.percent:
        return f"skriv beløpet med kr: «{literal.value} kr»"
    return "skriv beløp med kr, f.eks. «1_300_000 kr»"


def _arith_problem(op: str, left: Kind, right: Kind, literal: Expr | None = None) -> str:
    a, b = _NOUN[left], _NOUN[right]
    if op == "+":
        message = f"kan ikke legge sammen {a} og {b}"
    elif op == "-":
        message = f"kan ikke trekke {b} fra {a}"
    elif op == "*":
        message = f"kan ikke gange {a} med {b}"
    else:
        message = f"kan ikke dele {a} på {b}"
    if {left, right} == {"money", "number"} and op in "+-":
        message += "; " + _money_example(literal)
    elif left == right == "money" and op == "*":
        message += "; bare et beløp ganger et tall gir et beløp"
    return message


def _compare_problem(left: Kind, right: Kind, literal: Expr | None = None) -> str:
    message = f"kan ikke sammenligne {_NOUN[left]} med {_NOUN[right]}"
    if {left, right} == {"money", "number"}:
        message += "; " + _money_example(literal)
    return message


@dataclass(slots=True)
class _Checker:
    facts: Mapping[str, FactType]
    thresholds: Collection[str]
    errors: list[ExprError]

    def fail(self, message: str, offset: int) -> None:
        self.errors.append(ExprError(message, offset))

    def type_of(self, node: Expr) -> Kind | None:
        match node:
            case Num():
                return "number"
            case MoneyLit() | Threshold():
                if isinstance(node, Threshold) and node.id not in self.thresholds:
                    self.fail(f"ukjent terskelverdi «{node.id}»{_suggest(node.id, self.thresholds)}", node.id_offset)
                    return None
                if isinstance(node, Threshold) and isinstance(self.thresholds, Mapping):
                    # a rule value in prosent or måneder (its `unit` in terskelverdier.yaml) is a number
                    return "money" if getattr(self.thresholds[node.id], "unit", "kr") == "kr" else "number"
                return "money"
            case Str():
                return "text"
            case ChoiceId():
                return "choice"
            case Bool() | Known():
                if isinstance(node, Known) and self.fact(node.fact, node.fact_offset) is None:
                    return None
                return "bool"
            case DateLit():
                return "date"
            case Name():
                fact = self.fact(node.name, node.offset)
                return fact.kind if fact else None
            case Neg():
                kind = self.type_of(node.operand)
                if kind is not None and kind not in ("money", "number"):
                    self.fail(f"kan ikke sette minus foran {_NOUN[kind]}", node.offset)
                    return None
                return kind
            case Not():
                self.boolean(node.operand, "«ikke»")
                return "bool"
            case And() | Or():
                word = "«og»" if isinstance(node, And) else "«eller»"
                for item in node.items:
                    self.boolean(item, word)
                return "bool"
            case Arith():
                return self.arith(node)
            case Compare():
                return self.compare(node)
            case Member():
                return self.member(node)
            case Call():
                return self.call(node)

    def fact(self, name: str, offset: int) -> FactType | None:
        fact = self.facts.get(name)
        if fact is None:
            self.fail(f"ukjent faktum «{name}»{_suggest(name, self.facts)}", offset)
        return fact

    def boolean(self, node: Expr, word: str) -> None:
        kind = self.type_of(node)
        if kind is not None and kind != "bool":
            self.fail(f"{word} trenger en sannhetsverdi (f.eks. en sammenligning), ikke {_NOUN[kind]}", _offset(node))

    def arith(self, node: Arith) -> Kind | None:
        kind = self.type_of(node.first)
        for op, operand, offset in node.rest:
            right = self.type_of(operand)
            if kind is None or right is None:
                kind = None
                continue
            result = _ARITH[op].get((kind, right))
            if result is None:
                literal = operand if isinstance(operand, Num) else node.first
                self.fail(_arith_problem(op, kind, right, literal), offset)
            kind = result
        return kind

    def compare(self, node: Compare) -> Kind:
        if self.reversed_choice(node):
            return "bool"
        left = self.type_of(node.left)
        for side in (node.left, node.right):
            if isinstance(side, Num) and side.percent:
                self.fail(
                    "«%» hører til i utregninger (20 % er 0.2); i en sammenligning skriver du tallet slik "
                    "faktumet er lagret, f.eks. «andel >= 30»",
                    side.offset,
                )
                return "bool"
        if isinstance(node.right, ChoiceId):
            self.choice(node.left, left, node.right, node.op)
            return "bool"
        right = self.type_of(node.right)
        if left is None or right is None:
            return "bool"
        if isinstance(node.right, Str) and left == "choice":
            self.choice_value(node.left, node.right.value, node.right.offset)
            return "bool"
        if node.op in ("=", "!="):
            if left != right and {left, right} != {"choice", "text"}:
                self.fail(_compare_problem(left, right, _literal(node)), node.offset)
        elif left != right or left not in ("money", "number", "date"):
            if left == right:
                self.fail(f"«{node.op}» sammenligner beløp, tall og datoer, ikke {_NOUN[left]}", node.offset)
            else:
                self.fail(_compare_problem(left, right, _literal(node)), node.offset)
        return "bool"

    def reversed_choice(self, node: Compare) -> bool:
        """`helse_sosial = tjenestetype`: the answer id on the left is a common slip; say so plainly."""
        left, right = node.left, node.right
        if not (isinstance(left, Name) and isinstance(right, ChoiceId)) or left.name in self.facts:
            return False
        fact = self.facts.get(right.id)
        if fact is None or left.name not in fact.choices:
            return False
        self.fail(f"svar-id-en står til høyre: skriv «{right.id} {node.op} {left.name}»", left.offset)
        return True

    def choice(self, subject: Expr, kind: Kind | None, choice: ChoiceId, op: str) -> None:
        if kind is None or kind == "text":
            return
        if kind == "choice":
            self.choice_value(subject, choice.id, choice.offset)
            return
        if choice.id in self.facts:
            self.fail(
                f"etter «{op}» leses «{choice.id}» som en svar-id; for å sammenligne med faktumet, "
                f"skriv det i parentes: «({choice.id})»",
                choice.offset,
            )
        elif kind == "bool":
            self.fail(f"{_NOUN[kind]} sammenlignes med sann eller usann, ikke «{choice.id}»", choice.offset)
        else:
            self.fail(f"kan ikke sammenligne {_NOUN[kind]} med svar-id-en «{choice.id}»", choice.offset)

    def choice_value(self, subject: Expr, value: str, offset: int) -> None:
        if not isinstance(subject, Name) or subject.name not in self.facts:
            return
        allowed = self.facts[subject.name].choices
        if value == "vet_ikke":
            # «vet ikke» is an unknown value, never equal to anything: the comparison would never hold.
            self.fail(f"«vet ikke» er ukjent, ikke et svar; skriv «ikke kjent({subject.name})»", offset)
        elif value not in allowed:
            listed = capped(allowed, empty="ingen")
            self.fail(
                f"«{value}» er ikke et svar på «{subject.name}»{_suggest(value, allowed)}; svarene er {listed}", offset
            )

    def member(self, node: Member) -> Kind:
        kind = self.type_of(node.item)
        for option in node.options:
            if isinstance(option, ChoiceId):
                self.choice(node.item, kind, option, "i")
                continue
            other = self.type_of(option)
            if kind is None or other is None:
                continue
            if isinstance(option, Str) and kind == "choice":
                self.choice_value(node.item, option.value, option.offset)
            elif kind != other and {kind, other} != {"choice", "text"}:
                self.fail(_compare_problem(kind, other), _offset(option))
        return "bool"

    def call(self, node: Call) -> Kind | None:
        kinds = [self.type_of(arg) for arg in node.args]
        if node.name == "begynner_med":
            return self.prefix(node, kinds)
        if node.name == "rund":
            if len(node.args) != 1:
                self.fail(f"rund() tar ett argument, fikk {len(node.args)}", node.offset)
                return None
        elif len(node.args) < 2:
            self.fail(f"{node.name}() trenger minst to argumenter, fikk {len(node.args)}", node.offset)
            return None
        allowed: tuple[Kind, ...] = ("money", "number", "date") if node.name in ("min", "maks") else ("money", "number")
        first: Kind | None = None
        for arg, kind in zip(node.args, kinds, strict=True):
            if kind is None:
                return None
            if kind not in allowed:
                self.fail(f"{node.name}() regner med beløp eller tall, ikke {_NOUN[kind]}", _offset(arg))
                return None
            if first is None:
                first = kind
            elif kind != first:
                self.fail(f"{node.name}() kan ikke blande {_NOUN[first]} og {_NOUN[kind]}", _offset(arg))
                return None
        return first

    def prefix(self, node: Call, kinds: list[Kind | None]) -> Kind | None:
        """`begynner_med(tekst, "80")`: sann when the text starts with the other text (a CPV code's first digits)."""
        if len(node.args) != 2:
            self.fail(
                f'begynner_med() tar to argumenter, teksten og starten, f.eks. «begynner_med(cpv, "80")», '
                f"fikk {len(node.args)}",
                node.offset,
            )
            return None
        for arg, kind in zip(node.args, kinds, strict=True):
            if kind is not None and kind != "text":
                self.fail(f"begynner_med() sammenligner tekst, ikke {_NOUN[kind]}", _offset(arg))
                return None
        return "bool"


def check(
    expr: Expr,
    facts: Mapping[str, FactType],
    thresholds: Collection[str],
    *,
    expect: Kind | None = None,
) -> tuple[Kind | None, list[ExprError]]:
    """The kind of value `expr` gives and every problem found (None as the kind when it cannot be told).

    `facts` names each known fact's type, `thresholds` the threshold ids. With `expect` (e.g. "bool" for a
    condition, "money" for an amount to compute) a result of another kind is an error too.
    """
    checker = _Checker(facts, thresholds, [])
    kind = checker.type_of(expr)
    if expect is not None and kind is not None and kind != expect:
        checker.fail(f"uttrykket skal gi {_NOUN[expect]}, men gir {_NOUN[kind]}", _offset(expr))
    return kind, sorted(checker.errors, key=lambda e: e.offset)
