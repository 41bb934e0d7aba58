"""Text that depends on the walk: conditions and templates written in the expression language
(docs/uttrykk.md) in a tree, read (loader), checked (validate) and rendered for a walk (engine,
export).

In a tree:

* a branch rule's ``when:`` may be an expression: ``when: "kontraktsverdi >= terskel(nasjonal)"``;
* an outcome's ``title``, ``text``, ``steps`` and ``document``, and a question's ``question`` and
  ``help``, may hold ``{uttrykk}`` placeholders: ``{terskel(nasjonal)}``, ``{kontraktsverdi}``;
* an outcome's ``text`` may be a list of paragraphs, and ``steps`` and ``document`` items may be
  ``{when: "uttrykk", text: "…"}``: shown only when the condition holds for the walk;
* an outcome's ``sources`` items may be ``{id: kilde, when: "uttrykk"}``: cited only when the
  condition holds, so a walk's record names the one provision that applies to it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from .expr import Env, ExprError, FactType, Template, check, check_template, evaluate, parse, parse_template, render
from .expr import syntax as syn
from .findings import Finding, Location
from .model import (
    REPORTED,
    AllOf,
    AnyOf,
    Branch,
    Catalogue,
    Condition,
    Expression,
    Node,
    Not,
    Outcome,
    Part,
    Question,
    ThresholdRef,
)
from .yamlfile import Reader, Y, YMap, YScalar, YSeq, get

_PART_KEYS = ("when", "text")
_SOURCE_KEYS = ("id", "when")


# --- reading ------------------------------------------------------------------


def _at(y: YScalar, offset: int) -> Location:
    """Where character `offset` of a scalar's text is written: exact on one line, else the scalar."""
    if "\n" in y.text or offset < 0:
        return y.loc
    return Location(y.loc.file, y.loc.line, y.loc.col + offset + (0 if y.plain else 1))


def _problem(y: YScalar, exc: ExprError, what: str) -> tuple[Location, str]:
    if "\n" not in y.text:
        return _at(y, exc.offset), f"{what}: {exc.message}"
    line = y.text[: exc.offset].count("\n")
    shown = y.text.splitlines()[line].strip() if y.text.splitlines() else ""
    return y.loc, f"{what}, linje {line + 1} i teksten («{shown[:80]}»): {exc.message}"


def build_expression(y: Y | None, r: Reader, what: str) -> Expression | None:
    """A condition written as an expression (a YAML string)."""
    source = r.text(y, what)
    if source is None or not isinstance(y, YScalar):
        return None
    try:
        parsed = _once(r, "expr", source)
    except ExprError as exc:
        r.add(*_problem(y, exc, what))
        return None
    return Expression(source, parsed, y.loc, _at(y, 0))


def _once(r: Reader, kind: str, source: str) -> Any:
    """parse(source) or parse_template(source), once per text in one load: a catalogue repeats its
    conditions (veiviser: 515 of them, 232 different), and a parse is immutable. A text that does not
    parse raises every time, so each place it is written is reported."""
    key = (kind, source)
    found = r.memo.get(key)
    if found is None:
        found = r.memo[key] = parse(source) if kind == "expr" else parse_template(source)
    return found


def build_template(y: Y | None, r: Reader, what: str, *, required: bool = True) -> Part | None:
    """A text with `{…}` placeholders (no condition)."""
    source = r.text(y, what, required=required)
    if source is None or not isinstance(y, YScalar):
        return None
    try:
        template = _once(r, "template", source)
    except ExprError as exc:
        r.add(*_problem(y, exc, what))
        return None
    return Part(source, template, y.loc)


def build_part(y: Y | None, r: Reader, what: str) -> Part | None:
    """A text, or `{when: "uttrykk", text: "…"}`: a text shown only when the condition holds."""
    if not isinstance(y, YMap):
        return build_template(y, r, what)
    r.keys(y, _PART_KEYS, _PART_KEYS, what)
    when = build_expression(get(y, "when"), r, f"{what}: when") if "when" in y.items else None
    part = build_template(get(y, "text"), r, f"{what}: text")
    if part is None or when is None:
        return None
    return replace(part, when=when, loc=y.loc)


def build_sources(y: Y | None, r: Reader, what: str) -> tuple[tuple[str, ...], tuple[tuple[str, Expression], ...]]:
    """An outcome's sources: ids, or `{id: kilde, when: "uttrykk"}` for a source cited only when the
    condition holds. Returns every id (for the checks) and the conditions of the conditional ones."""
    if y is None:
        return (), ()
    if not isinstance(y, YSeq):
        r.add(y.loc, f"{what}: forventet en liste av id-er eller {{id: …, when: …}}")
        return (), ()
    ids: list[str] = []
    conditional: list[tuple[str, Expression]] = []
    for n, item in enumerate(y.items, 1):
        where = f"{what}, element {n}"
        if not isinstance(item, YMap):
            ident = r.ident(item, where)
            ids += [ident] if ident is not None else []
            continue
        r.keys(item, _SOURCE_KEYS, _SOURCE_KEYS, where)
        ident = r.ident(get(item, "id"), f"{where}: id") if "id" in item.items else None
        when = build_expression(get(item, "when"), r, f"{where}: when") if "when" in item.items else None
        if ident is not None and when is not None:
            ids.append(ident)
            conditional.append((ident, when))
    return tuple(ids), tuple(conditional)


def build_parts(y: Y | None, r: Reader, what: str, *, single: bool = False) -> tuple[Part, ...] | None:
    """A list of parts (`single`: or one text); None when something in it is broken (reported)."""
    if y is None:
        return ()
    if single and not isinstance(y, YSeq):
        part = build_template(y, r, what)
        return None if part is None else (part,)
    if not isinstance(y, YSeq):
        r.add(y.loc, f"{what}: forventet en liste av tekster eller {{when: …, text: …}}")
        return None
    parts = [build_part(item, r, f"{what}, punkt {n}") for n, item in enumerate(y.items, 1)]
    return None if any(p is None for p in parts) else tuple(p for p in parts if p is not None)


def build_question_templates(y_text: Y | None, y_help: Y | None, r: Reader, what: str) -> tuple[Part, Part] | None:
    """A question's text and help as templates, when either has a placeholder (else None)."""
    texts = [y.text for y in (y_text, y_help) if isinstance(y, YScalar)]
    if not any("{" in t or "}" in t for t in texts):
        return None
    text = build_template(y_text, r, f"{what}: question")
    help_part = build_template(y_help, r, f"{what}: help", required=False)
    if text is None:
        return None
    return text, help_part or Part("", parse_template(""), text.loc)


# --- checking -----------------------------------------------------------------


def check_expression(e: Expression, facts: Mapping[str, FactType], thresholds: Collection[str]) -> list[Finding]:
    _, errors = check(e.parsed, facts, thresholds, expect="bool")
    return [Finding(_offset(e.at, e.source, x.offset), f"when: {x.message}") for x in errors]


def _offset(at: Location, source: str, offset: int) -> Location:
    return at if "\n" in source else Location(at.file, at.line, at.col + offset)


def check_part(p: Part, facts: Mapping[str, FactType], thresholds: Collection[str], what: str) -> list[Finding]:
    found = check_expression(p.when, facts, thresholds) if p.when is not None else []
    for x in check_template(p.template, facts, thresholds):
        shown = p.source[max(0, x.offset - 20) : x.offset + 40].replace("\n", " ")
        found.append(Finding(p.loc, f"{what}: {x.message} (i «…{shown}…»)"))
    return found


def outcome_parts(outcome: Outcome) -> Iterator[tuple[str, Part]]:
    if outcome.heading is not None:
        yield "title", outcome.heading
    for name, parts in (("text", outcome.text), ("steps", outcome.steps), ("document", outcome.document)):
        for part in parts:
            yield name, part


def question_parts(question: Question) -> Iterator[tuple[str, Part]]:
    if question.templates is not None:
        yield "question", question.templates[0]
        yield "help", question.templates[1]


def check_wording(catalogue: Catalogue, facts: Mapping[str, FactType]) -> Iterator[Finding]:
    """Every placeholder and text condition checked against the catalogue's facts and thresholds;
    and a warning for a threshold amount written as a number (it goes stale when the data changes)."""
    amounts: dict[Decimal, str] = {}
    for threshold in catalogue.thresholds.values():
        for value in threshold.values:
            if value.status != REPORTED:  # a reported amount is not (yet) a threshold
                amounts.setdefault(value.amount, threshold.id)
    for tree in catalogue.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Outcome):
                parts = list(outcome_parts(node))
                what = f"utfallet «{node.id}»"
                texts = [(p.loc, p.source) for _, p in parts]
            elif isinstance(node, Question):
                parts = list(question_parts(node))
                what = f"spørsmålet «{node.id}»"
                texts = [(p.loc, p.source) for _, p in parts] or [(node.loc, node.text), (node.loc, node.help)]
                texts += [(c.loc, f"{c.label} {c.help}") for c in node.choices]
            else:
                continue
            for name, part in parts:
                yield from check_part(part, facts, catalogue.thresholds, f"{what}: {name}")
            if isinstance(node, Outcome):
                for _, when in node.source_when:
                    yield from check_expression(when, facts, catalogue.thresholds)
            for loc, text in texts:
                for shown, threshold_id in literal_thresholds(text, amounts):
                    yield Finding(
                        loc,
                        f"{what}: teksten har terskelverdien «{threshold_id}» skrevet som tall («{shown}»); "
                        f"skriv {{terskel({threshold_id})}}, så følger teksten terskelverdiene",
                        warning=True,
                    )


# «1,3 millioner», «7,8 mill.», «100 000 kroner», «2 300 000», «1300000 kr». An amount starts with a digit
# not written after a digit, «,» or «.»: the pattern starts with the digit and looks behind it, so that
# the regex engine skips straight to the next digit of a text instead of trying every position.
_AMOUNT = re.compile(
    r"(\d(?<![\d,.]\d)(?:\d{0,2}(?:[ \u00a0.]\d{3})+|\d*))(?:,(\d+))?(?:\s*(millioner|million|mill\b\.?|mrd))?",
    re.IGNORECASE,
)


def amounts_in(text: str) -> Iterator[tuple[Decimal, str]]:
    """Every amount written in a text (as a person writes it), with how it is written."""
    for m in _AMOUNT.finditer(text):
        if len(m.group(1)) < 5 and m.lastindex == 1:
            continue  # four digits at most, alone: «§ 30-3», «2026», «30 %» are not amounts
        whole = m.group(1).replace(" ", "").replace("\u00a0", "").replace(".", "")
        value = Decimal(f"{whole}.{m.group(2)}") if m.group(2) else Decimal(whole)
        unit = (m.group(3) or "").lower()
        if unit.startswith("mill"):
            value *= 1_000_000
        elif unit == "mrd":
            value *= 1_000_000_000
        elif not m.group(2) and value < 10_000:
            continue  # «§ 30-3», «2026», «30 %»: not an amount
        yield value, m.group(0)


def literal_thresholds(text: str, amounts: Mapping[Decimal, str]) -> list[tuple[str, str]]:
    """Threshold amounts written as numbers in a text, with the threshold: («7,8 millioner», «eos-helse-sosial»)."""
    return [(shown.strip(), amounts[v]) for v, shown in amounts_in(text) if v in amounts]


# --- rendering ----------------------------------------------------------------


def holds(e: Expression, env: Env) -> bool:
    """True only when the condition holds; unknown (a fact not known) is not true."""
    return evaluate(e.parsed, env) is True


def render_part(p: Part, env: Env) -> str | None:
    if p.when is not None and not holds(p.when, env):
        return None
    return render(p.template, env)


def render_parts(parts: tuple[Part, ...], env: Env) -> list[str]:
    return [t for t in (render_part(p, env) for p in parts) if t is not None]


def render_title(outcome: Outcome, env: Env) -> str:
    return render(outcome.heading.template, env) if outcome.heading is not None else outcome.title


def render_outcome(outcome: Outcome, env: Env) -> tuple[str, str, list[str], list[str]]:
    """Title, text (its shown paragraphs, each separated by an empty line), steps and documentation."""
    title = render_title(outcome, env)
    text = "\n\n".join(t.strip("\n") for t in render_parts(outcome.text, env))
    return title, text, render_parts(outcome.steps, env), render_parts(outcome.document, env)


def outcome_sources(outcome: Outcome, env: Env) -> list[str]:
    """The sources this walk cites: a conditional one only when its condition holds."""
    skip = {source_id for source_id, when in outcome.source_when if not holds(when, env)}
    return [s for s in outcome.sources if s not in skip]


def render_question(question: Question, env: Env) -> Question:
    if question.templates is None:
        return question
    text, help_part = question.templates
    return replace(question, text=render(text.template, env), help=render(help_part.template, env))


def thresholds_named(parts: Iterator[Part] | tuple[Part, ...], *, reported: bool = False) -> list[str]:
    """The ids of the thresholds the parts' conditions and placeholders name, in order (`reported`:
    only those named with rapportert(…))."""
    found: dict[str, None] = {}
    for p in parts:
        exprs: list[syn.Expr] = list(p.template.expressions) if isinstance(p.template, Template) else []
        if p.when is not None:
            exprs.append(p.when.parsed)
        for e in exprs:
            found.update(
                dict.fromkeys(n.id for n in walk(e) if isinstance(n, syn.Threshold) and n.reported >= reported)
            )
    return list(found)


def condition_thresholds(cond: Condition) -> list[str]:
    if isinstance(cond, AllOf | AnyOf):
        return [ref for item in cond.items for ref in condition_thresholds(item)]
    if isinstance(cond, Not):
        return condition_thresholds(cond.item)
    if isinstance(cond, Expression):
        return expression_thresholds(cond)
    return [cond.operand.id] if isinstance(cond.operand, ThresholdRef) else []


def expression_thresholds(cond: Expression, *, reported: bool = False) -> list[str]:
    """The thresholds an expression names (`reported`: only those it asks the reported value of)."""
    return thresholds_named((Part(cond.source, None, cond.loc, cond),), reported=reported)


def thresholds_of(node: Node, *, reported: bool = False) -> list[str]:
    """The thresholds a node compares with or shows (`reported`: an outcome's rapportert(…) ones)."""
    if isinstance(node, Branch):
        return [ref for rule in node.rules if rule.when is not None for ref in condition_thresholds(rule.when)]
    if isinstance(node, Outcome):
        return thresholds_named((p for _, p in outcome_parts(node)), reported=reported)
    if isinstance(node, Question):
        return thresholds_named(p for _, p in question_parts(node))
    return []


def walk(e: syn.Expr) -> Iterator[syn.Expr]:
    """Every node of an expression, the expression first."""
    todo = [e]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, syn.Neg | syn.Not):
            todo.append(node.operand)
        elif isinstance(node, syn.Arith):
            todo += [node.first, *(x for _, x, _ in node.rest)]
        elif isinstance(node, syn.Compare):
            todo += [node.left, node.right]
        elif isinstance(node, syn.Member):
            todo += [node.item, *node.options]
        elif isinstance(node, syn.And | syn.Or):
            todo += list(node.items)
        elif isinstance(node, syn.Call):
            todo += list(node.args)


def facts_named(e: syn.Expr) -> set[str]:
    return {n.name for n in walk(e) if isinstance(n, syn.Name)} | {n.fact for n in walk(e) if isinstance(n, syn.Known)}


def money_literals(e: syn.Expr) -> set[Decimal]:
    return {n.value.kroner for n in walk(e) if isinstance(n, syn.MoneyLit)}
