"""YAML documents → trees, with a position on every finding. Imports only the model, values, yamlfile,
expr (for computations) and wording (text that follows the walk)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .findings import Location, suggest
from .metadata import flag
from .model import (
    VERDICTS,
    AllOf,
    AnyOf,
    Branch,
    Call,
    Choice,
    Compare,
    Compute,
    Condition,
    Goto,
    InputKind,
    Node,
    Not,
    Outcome,
    Question,
    Rule,
    ThresholdRef,
    Tree,
)
from .values import ValueProblem, parse_amount
from .wording import build_expression, build_parts, build_question_templates, build_sources, build_template
from .yamlfile import Reader, Y, YMap, YScalar, YSeq, get, key_loc

NODE_KINDS = ("question", "branch", "call", "goto", "outcome", "compute")
_TREE_KEYS = ("id", "title", "version", "valid_from", "start", "nodes", "description")
_QUESTION_KEYS = (
    "question",
    "help",
    "sources",
    "fact",
    "choices",
    "input",
    "next",
    "sets",
    "default",
    "optional",
    "navigation",
)
_COMPUTE_KEYS = ("compute", "value", "label", "explain", "sources", "next")
# An address printed in reports and on screens: https, and nothing that could end a link or start markup.
_NODE_KEYS = tuple(dict.fromkeys(("question", "branch", "call", "returns", "goto", "outcome", *_QUESTION_KEYS)))
_OUTCOME_KEYS = ("verdict", "title", "text", "steps", "document", "sources")
_COMPARE_OPS = ("eq", "ne", "in", "gt", "gte", "lt", "lte")
_FREE_INPUTS = ("amount", "number", "date", "text", "yesno", "cpv")


# --- trees --------------------------------------------------------------------


def build_tree(y: Y, r: Reader, shown: str, sha: str = "") -> Tree | None:
    """A tree document → Tree (None when it is too broken to use)."""
    top = r.mapping(y, "treet")
    if top is None:
        return None
    r.keys(top, _TREE_KEYS, ("id", "title", "version", "start", "nodes"), "treet")
    tree_id = r.ident(get(top, "id"), "tre-id")
    title = r.text(get(top, "title"), "title")
    version_y = get(top, "version")
    version = r.text(version_y, "version")
    if isinstance(version_y, YScalar) and version_y.plain and version_y.tag != "tag:yaml.org,2002:str":
        r.add(version_y.loc, f'version skal stå i anførselstegn, f.eks. "{version_y.text}"')
    valid_from = r.date(get(top, "valid_from"), "valid_from")
    start_y = get(top, "start")
    start = r.ident(start_y, "start")
    nodes_y = r.mapping(get(top, "nodes"), "nodes")
    nodes: dict[str, Node] = {}
    broken: set[str] = set()
    if nodes_y is not None:
        if not nodes_y.items:
            r.add(nodes_y.loc, "nodes er tom; et tre trenger minst ett utfall")
        for key_y, value_y in nodes_y.items.values():
            node_id = r.ident(key_y, "node-id")
            if node_id is None:
                continue
            node = build_node(node_id, key_y.loc, value_y, r)
            if node is not None:
                nodes[node_id] = node
            else:
                broken.add(node_id)
    if tree_id and Path(shown).stem != tree_id:
        r.add(key_loc(top, "id"), f"tre-id «{tree_id}» skal være lik filnavnet «{Path(shown).stem}»")
    if not (tree_id and title and version and start):
        return None
    description = r.text(get(top, "description"), "description", required=False) or ""
    start_loc = key_loc(top, "start") if "start" in top.items else top.loc
    start_loc = getattr(get(top, "start"), "loc", start_loc)
    return Tree(
        tree_id, title, version, valid_from, start, nodes, top.loc, sha, description, start_loc, frozenset(broken)
    )


def build_node(node_id: str, loc: Location, y: Y, r: Reader) -> Node | None:
    m = r.mapping(y, f"noden «{node_id}»")
    if m is None:
        return None
    kinds = [k for k in NODE_KINDS if k in m.items]
    if not kinds:  # a misspelt kind («queston:») is named, with a guess
        need = f"en node må ha én av {', '.join(NODE_KINDS)}"
        unknown = [(k, key_y) for k, (key_y, _) in m.items.items() if k not in _NODE_KEYS]
        for key, key_y in unknown:
            r.add(key_y.loc, f"ukjent nøkkel «{key}» i noden «{node_id}»{suggest(key, _NODE_KEYS) or '; ' + need}")
        if not unknown:
            r.add(loc, f"noden «{node_id}»: {need}")
        return None
    if len(kinds) > 1:
        r.add(loc, f"noden «{node_id}» kan ha bare én av {', '.join(NODE_KINDS)}; fant {' og '.join(kinds)}")
        return None
    kind = kinds[0]
    if kind == "question":
        return build_question(node_id, loc, m, r)
    if kind in ("call", "goto"):
        return build_jump(node_id, loc, m, kind, r)
    if kind == "compute":
        return build_compute(node_id, loc, m, r)
    r.keys(m, (kind,), (), f"noden «{node_id}»")
    build = build_branch if kind == "branch" else build_outcome
    return build(node_id, loc, get(m, kind), r)


def build_question(node_id: str, loc: Location, m: YMap, r: Reader) -> Question | None:
    what = f"spørsmålet «{node_id}»"
    r.keys(m, _QUESTION_KEYS, (), what)
    text = r.text(get(m, "question"), f"{what}: question")
    fact = r.ident(get(m, "fact"), "fact") if "fact" in m.items else None
    common = dict(
        help=r.text(get(m, "help"), f"{what}: help", required=False) or "",
        sources=r.idents(get(m, "sources"), f"{what}: sources"),
        fact=fact,
        templates=build_question_templates(get(m, "question"), get(m, "help"), r, what),
        optional=flag(get(m, "optional"), f"{what}: optional", r),
        navigation=flag(get(m, "navigation"), f"{what}: navigation", r),
    )
    input_y = get(m, "input")
    choices_y = get(m, "choices")
    if input_y is not None and choices_y is not None:
        r.add(loc, f"{what} har både choices og input; velg én")
        return None
    if choices_y is not None:
        if "next" in m.items:
            r.add(key_loc(m, "next"), f"{what}: next hører til hvert valg, ikke til spørsmålet")
        choices = build_choices(node_id, choices_y, r)
        if text is None or choices is None:
            return None
        default = r.ident(get(m, "default"), f"{what}: default") if "default" in m.items else None
        if default is not None and default not in {c.id for c in choices}:
            r.add(key_loc(m, "default"), f"{what}: default «{default}» er ikke et av valgene")
        if common["optional"] and not any(c.id == "vet_ikke" for c in choices):
            r.add(key_loc(m, "optional"), f"{what}: optional krever valget vet_ikke (et manglende svar regnes som det)")
        return Question(node_id, text, "choice", loc, choices=choices, default=default, **common)  # type: ignore[arg-type]
    if input_y is None:
        r.add(loc, f"{what} mangler choices eller input ({', '.join(_FREE_INPUTS)})")
        return None
    kind = r.text(input_y, f"{what}: input")
    if kind not in _FREE_INPUTS:
        if kind is not None:
            r.add(input_y.loc, f"{what}: ukjent input «{kind}»; tillatt: {', '.join(_FREE_INPUTS)}")
        return None
    nxt = r.ident(get(m, "next"), f"{what}: next")
    if "next" not in m.items:
        r.add(loc, f"{what} mangler next")
    if text is None or nxt is None:
        return None
    if "default" in m.items:
        r.add(key_loc(m, "default"), f"{what}: default hører bare til et valgspørsmål (choices)")
    input_kind: InputKind = kind  # type: ignore[assignment]
    sets = r.ident(get(m, "sets"), f"{what}: sets") if "sets" in m.items else None
    if sets and kind != "cpv":
        r.add(key_loc(m, "sets"), f"{what}: sets hører bare til et CPV-spørsmål (input: cpv)")
    return Question(node_id, text, input_kind, loc, next=nxt, sets=sets, **common)  # type: ignore[arg-type]


def build_choices(node_id: str, y: Y, r: Reader) -> tuple[Choice, ...] | None:
    m = r.mapping(y, f"spørsmålet «{node_id}»: choices")
    if m is None:
        return None
    choices = []
    for key, (key_y, value_y) in m.items.items():
        # A bad id is reported once; the raw text stands in, so no "too few choices" follows.
        choice_id = r.ident(key_y, "valg-id") or key
        cm = r.mapping(value_y, f"valget «{key}»")
        if cm is None:
            continue
        r.keys(cm, ("label", "next", "help"), ("label", "next"), f"valget «{key}»")
        label = r.text(get(cm, "label"), f"valget «{key}»: label") or key
        next_y = get(cm, "next")
        nxt = r.ident(next_y, f"valget «{key}»: next") or (next_y.text if isinstance(next_y, YScalar) else None)
        if nxt is None:
            continue
        help_text = r.text(get(cm, "help"), "help", required=False) or ""
        choices.append(Choice(choice_id, label, nxt, key_y.loc, help_text))
    return tuple(choices)


def build_branch(node_id: str, loc: Location, y: Y | None, r: Reader) -> Branch | None:
    what = f"forgreningen «{node_id}»"
    if not isinstance(y, YSeq) or not y.items:
        r.add(y.loc if y else loc, f"{what}: forventet en liste av when/next og til slutt otherwise")
        return None
    rules: list[Rule] = []
    for index, item in enumerate(y.items):
        m = r.mapping(item, f"{what}, regel {index + 1}")
        if m is None:
            continue
        last = index == len(y.items) - 1
        if "otherwise" in m.items:
            r.keys(m, ("otherwise",), (), f"{what}, otherwise")
            if not last:
                r.add(m.loc, f"{what}: otherwise må stå sist; reglene etter den nås aldri")
            target = r.ident(get(m, "otherwise"), "otherwise")
            if target:
                rules.append(Rule(None, target, m.loc))
            continue
        r.keys(m, ("when", "next"), ("when", "next"), f"{what}, regel {index + 1}")
        when_y = get(m, "when")
        cond = build_expression(when_y, r, "when") if isinstance(when_y, YScalar) else build_condition(when_y, r)
        target = r.ident(get(m, "next"), "next")
        if cond is not None and target is not None:
            rules.append(Rule(cond, target, m.loc))
    if not rules or rules[-1].when is not None:
        r.add(y.loc, f"{what} må slutte med «- otherwise: <node>», så ingen vei blir stående fast")
        return None
    return Branch(node_id, tuple(rules), loc)


def build_condition(y: Y | None, r: Reader) -> Condition | None:
    m = r.mapping(y, "when")
    if m is None:
        return None
    for combinator in ("all", "any"):
        if combinator in m.items:
            r.keys(m, (combinator,), (), f"{combinator}-betingelsen")
            seq = get(m, combinator)
            if not isinstance(seq, YSeq) or not seq.items:
                r.add(m.loc, f"{combinator}: forventet en ikke-tom liste av betingelser")
                return None
            parts = [build_condition(item, r) for item in seq.items]
            if any(p is None for p in parts):
                return None
            items = tuple(p for p in parts if p is not None)
            return AllOf(items, m.loc) if combinator == "all" else AnyOf(items, m.loc)
    if "not" in m.items:
        r.keys(m, ("not",), (), "not-betingelsen")
        inner = build_condition(get(m, "not"), r)
        return Not(inner, m.loc) if inner else None
    r.keys(m, ("fact",) + _COMPARE_OPS, ("fact",), "betingelsen")
    fact = r.ident(get(m, "fact"), "fact")
    ops = [op for op in _COMPARE_OPS if op in m.items]
    if len(ops) != 1:
        r.add(m.loc, f"betingelsen trenger nøyaktig én av {', '.join(_COMPARE_OPS)}, eller all/any/not")
        return None
    op = ops[0]
    operand = build_operand(op, get(m, op), r)
    if fact is None or operand is None:
        return None
    return Compare(fact, op, operand, m.loc)


def build_operand(op: str, y: Y | None, r: Reader) -> str | Decimal | ThresholdRef | tuple[str, ...] | None:
    if y is None:
        return None
    if op in ("eq", "ne"):
        return r.ident(y, op)
    if op == "in":
        ids = r.idents(y, "in")
        return ids or None
    if isinstance(y, YMap):
        r.keys(y, ("threshold",), ("threshold",), op)
        ref = r.ident(get(y, "threshold"), "threshold")
        return ThresholdRef(ref, y.loc) if ref else None
    if isinstance(y, YScalar):
        try:
            return parse_amount(y.text)
        except ValueProblem as exc:
            r.add(y.loc, f"{op}: {exc}")
            return None
    r.add(y.loc, f"{op}: forventet et beløp eller {{threshold: id}}")
    return None


def build_jump(node_id: str, loc: Location, m: YMap, kind: str, r: Reader) -> Node | None:
    what = f"noden «{node_id}»"
    if kind == "goto":
        r.keys(m, ("goto",), (), what)
        target = r.ident(get(m, "goto"), "goto")
        return Goto(node_id, target, loc) if target else None
    r.keys(m, ("call", "returns", "sets"), ("call", "returns"), what)
    tree = r.ident(get(m, "call"), "call")
    sets = r.ident(get(m, "sets"), f"{what}: sets") if "sets" in m.items else None
    returns_y = r.mapping(get(m, "returns"), f"{what}: returns")
    pairs: list[tuple[str, str]] = []
    if returns_y is not None:
        for key, (key_y, value_y) in returns_y.items.items():
            outcome_id = r.ident(key_y, "utfall-id")
            target = r.ident(value_y, f"returns «{key}»")
            if outcome_id and target:
                pairs.append((outcome_id, target))
    if tree is None or returns_y is None:
        return None
    return Call(node_id, tree, tuple(pairs), loc, sets)


def build_compute(node_id: str, loc: Location, m: YMap, r: Reader) -> Compute | None:
    """`compute: fact` with `value: "uttrykk"` (expr), an optional `explain:` text and `next`."""
    from .expr import ExprError, parse, parse_template

    what = f"beregningen «{node_id}»"
    r.keys(m, _COMPUTE_KEYS, ("compute", "value", "next"), what)
    fact, nxt = r.ident(get(m, "compute"), f"{what}: compute"), r.ident(get(m, "next"), f"{what}: next")
    value_y, explain_y = get(m, "value"), get(m, "explain")
    source = r.text(value_y, f"{what}: value")
    explain_text = r.text(explain_y, f"{what}: explain", required=False)
    expression = explain = None
    try:
        expression = parse(source) if source is not None else None
        explain = parse_template(explain_text) if explain_text else None
    except ExprError as problem:
        where = value_y if expression is None else explain_y
        quoted = isinstance(where, YScalar) and not where.plain
        r.add(_offset(where.loc if where else loc, problem.offset + quoted), problem.message)
        return None
    if fact is None or nxt is None or expression is None or source is None or value_y is None:
        return None
    label = r.text(get(m, "label"), f"{what}: label", required=False) or ""
    sources = r.idents(get(m, "sources"), f"{what}: sources")
    # Where the expression's first character is: after the quote, when it is quoted on one line.
    at = value_y.loc if not isinstance(value_y, YScalar) or value_y.plain else _offset(value_y.loc, 1)
    return Compute(node_id, fact, expression, source, nxt, loc, at, label, explain, sources)


def _offset(loc: Location, offset: int) -> Location:
    """A place inside a one-line text: its column moved by the offset (the quote, if any, is not counted)."""
    return Location(loc.file, loc.line, loc.col + offset)


def build_outcome(node_id: str, loc: Location, y: Y | None, r: Reader) -> Outcome | None:
    what = f"utfallet «{node_id}»"
    m = r.mapping(y, what)
    if m is None:
        return None
    r.keys(m, _OUTCOME_KEYS, ("verdict", "title", "text"), what)  # missing sources: see validate
    verdict = r.text(get(m, "verdict"), f"{what}: verdict")
    if verdict is not None and verdict not in VERDICTS:
        r.add(get(m, "verdict").loc, f"{what}: ukjent verdict «{verdict}»; tillatt: {', '.join(VERDICTS)}")  # type: ignore[union-attr]
        verdict = None
    heading = build_template(get(m, "title"), r, f"{what}: title")
    text = build_parts(get(m, "text"), r, f"{what}: text", single=True) if "text" in m.items else None
    sources, source_when = build_sources(get(m, "sources"), r, f"{what}: sources")
    steps, document = (build_parts(get(m, k), r, f"{what}: {k}") for k in ("steps", "document"))
    if verdict is None or heading is None or text is None or steps is None or document is None:
        return None
    return Outcome(node_id, verdict, heading.source, text, steps, sources, loc, document, heading, source_when)
