"""Whole-catalogue checks: references, cycles, reachability, sources, thresholds, answer keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from .expr import FactType
from .facts import check_compute, check_sets, fact_types
from .findings import MAX_FINDINGS, Finding, Findings, Location, suggest
from .flow import Flow, topological
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
    Outcome,
    Question,
    ThresholdRef,
    Tree,
)
from .phrases import capped
from .wording import check_expression, check_wording

_AMOUNT_OPS = ("gt", "gte", "lt", "lte")
MAX_ROUTE = 200  # `show` and counting the questions left recurse along a route; no real tree comes near


def validate(catalogue: Catalogue, findings: Findings) -> None:
    """Add every problem of a loaded catalogue to `findings` (errors and warnings)."""
    hint = _Hints()
    facts = _fact_questions(catalogue)
    types = fact_types(catalogue)
    flow = Flow(catalogue)
    for tree in catalogue.trees.values():
        findings.extend(_check_tree(tree, catalogue, facts, types, flow, hint))
    findings.extend(_check_answer_keys(catalogue, facts))
    findings.extend(check_wording(catalogue, types))
    findings.extend(_check_tree_cycles(catalogue))
    findings.extend(_check_route_length(catalogue, flow))
    for threshold in catalogue.thresholds.values():
        if threshold.source not in catalogue.sources:
            findings.add(threshold.loc, f"terskelen «{threshold.id}» viser til ukjent kilde «{threshold.source}»")
    for source in catalogue.sources.values():
        if source.checked is None:
            message = f"kilden «{source.id}» mangler checked (når primærteksten sist ble lest)"
            findings.add(source.loc, message, warning=True)


def _fact_questions(catalogue: Catalogue) -> dict[str, list[Question]]:
    result: dict[str, list[Question]] = defaultdict(list)
    for tree in catalogue.trees.values():
        for question in tree.questions():
            if question.fact:
                result[question.fact].append(question)
    return result


def _check_tree(
    tree: Tree,
    catalogue: Catalogue,
    facts: dict[str, list[Question]],
    types: Mapping[str, FactType],
    flow: Flow,
    hint: _Hints,
) -> Iterator[Finding]:
    nodes = tree.nodes
    if tree.start not in nodes and tree.start not in tree.broken:
        yield Finding(
            tree.start_loc or tree.loc, f"start viser til ukjent node «{tree.start}»{hint(tree.start, nodes)}"
        )
    for node in nodes.values():
        yield from _check_node(node, tree, catalogue, facts, types, hint)
    succ = flow.successors(tree)
    yield from _check_reachability(tree, succ)
    yield from _check_cycles(tree, succ)
    yield from _check_facts_known(tree, flow)


class _Hints:
    """«mente du …?» for the first few unknown names of one validation: a fuzzy match costs a
    comparison with every known name, and a flood of misses is not worth a hint each."""

    def __init__(self) -> None:
        self.left = 2 * MAX_FINDINGS

    def __call__(self, name: str, known: Iterable[str]) -> str:
        self.left -= 1
        return suggest(name, known) if self.left >= 0 else ""


def _check_node(
    node: Node,
    tree: Tree,
    catalogue: Catalogue,
    facts: dict[str, list[Question]],
    types: Mapping[str, FactType],
    hint: _Hints,
) -> Iterator[Finding]:
    nodes = tree.nodes
    for target in node.targets():
        if target not in nodes and target not in tree.broken:
            yield Finding(node.loc, f"«{node.id}» peker til ukjent node «{target}»{hint(target, nodes)}")
    if isinstance(node, Question):
        if node.input == "choice" and len(node.choices) < 2:
            yield Finding(node.loc, f"spørsmålet «{node.id}» må ha minst to valg (har {len(node.choices)})")
        for source in node.sources:
            if source not in catalogue.sources:
                yield Finding(
                    node.loc,
                    f"spørsmålet «{node.id}» viser til ukjent kilde «{source}»{hint(source, catalogue.sources)}",
                )
        if not node.help:
            yield Finding(node.loc, f"spørsmålet «{node.id}» mangler help (en forklaring med eksempel)", True)
        yield from check_sets(node, types) if node.sets else ()
    elif isinstance(node, Compute):
        yield from check_compute(node, catalogue, types)
    elif isinstance(node, Outcome):
        if not node.sources:
            yield Finding(node.loc, f"utfallet «{node.id}» mangler kilder (sources)")
        for source in node.sources:
            if source not in catalogue.sources:
                yield Finding(
                    node.loc,
                    f"utfallet «{node.id}» viser til ukjent kilde «{source}»{hint(source, catalogue.sources)}",
                )
    elif isinstance(node, Branch):
        for rule in node.rules:
            if rule.when is not None:
                yield from _check_condition(rule.when, catalogue, facts, types, hint)
    elif isinstance(node, (Call, Goto)):
        yield from _check_jump(node, tree, catalogue, hint)


def _check_jump(node: Call | Goto, tree: Tree, catalogue: Catalogue, hint: _Hints) -> Iterator[Finding]:
    verb = "kaller" if isinstance(node, Call) else "går til"
    target = catalogue.trees.get(node.tree)
    if target is None:
        yield Finding(node.loc, f"«{node.id}» {verb} ukjent tre «{node.tree}»{hint(node.tree, catalogue.trees)}")
        return
    if not isinstance(node, Call):
        return
    if node.sets and any(q.key == node.sets for t in catalogue.trees.values() for q in t.questions()):
        yield Finding(node.loc, f"«{node.id}»: sets «{node.sets}» er også et spørsmål; gi faktumet et eget navn")
    outcomes = {o.id for o in target.outcomes()}
    mapped = {key for key, _ in node.returns}
    for key in sorted(mapped - outcomes):
        yield Finding(
            node.loc, f"«{node.id}»: treet «{target.id}» har ikke utfallet «{key}» (har: {capped(sorted(outcomes))})"
        )
    for key in sorted(outcomes - mapped):
        yield Finding(
            node.loc,
            f"«{node.id}»: returns mangler utfallet «{key}» fra «{target.id}»; bruk «{key}: {END}» for å avslutte der",
        )


def _check_condition(
    cond: Condition, catalogue: Catalogue, facts: dict[str, list[Question]], types: Mapping[str, FactType], hint: _Hints
) -> Iterator[Finding]:
    if isinstance(cond, Expression):
        yield from check_expression(cond, types, catalogue.thresholds)
        return
    if isinstance(cond, (AllOf, AnyOf)):
        for item in cond.items:
            yield from _check_condition(item, catalogue, facts, types, hint)
        return
    if isinstance(cond, Not):
        yield from _check_condition(cond.item, catalogue, facts, types, hint)
        return
    questions = facts.get(cond.fact)
    if not questions:
        yield Finding(
            cond.loc, f"betingelsen tester faktum «{cond.fact}», som ingen spørsmål spør om{hint(cond.fact, facts)}"
        )
        return
    kind = questions[0].input
    if cond.op in _AMOUNT_OPS:
        if kind != "amount":
            yield Finding(cond.loc, f"«{cond.op}» sammenligner beløp, men «{cond.fact}» er {kind}")
        if isinstance(cond.operand, ThresholdRef) and cond.operand.id not in catalogue.thresholds:
            yield Finding(
                cond.operand.loc,
                f"ukjent terskelverdi «{cond.operand.id}»{hint(cond.operand.id, catalogue.thresholds)}",
            )
        return
    values = cond.operand if isinstance(cond.operand, tuple) else (str(cond.operand),)
    if kind == "choice":
        allowed = {c.id for c in questions[0].choices}
    elif kind == "yesno":
        allowed = {"ja", "nei"}
    else:
        yield Finding(cond.loc, f"«{cond.op}» kan ikke brukes på faktum «{cond.fact}» av typen {kind}")
        return
    for value in values:
        if value not in allowed:
            yield Finding(cond.loc, f"«{cond.fact}» har ikke valget «{value}» (har: {capped(sorted(allowed))})")


def _check_reachability(tree: Tree, succ: dict[str, tuple[str, ...]]) -> Iterator[Finding]:
    if tree.start not in tree.nodes:
        return
    seen = {tree.start}
    todo = [tree.start]
    while todo:
        for target in succ[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    for node_id, node in tree.nodes.items():
        if node_id not in seen:
            yield Finding(node.loc, f"noden «{node_id}» kan ikke nås fra start «{tree.start}»")


def _check_cycles(tree: Tree, succ: dict[str, tuple[str, ...]]) -> Iterator[Finding]:
    """Iterative three-colour DFS: a walk must always end, so the node graph must be acyclic."""
    state: dict[str, int] = {}
    for root in tree.nodes:
        if root in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(succ[root]))]
        state[root] = 1
        path = [root]
        while stack:
            node_id, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node_id] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(child) == 1:
                loop = path[path.index(child) :] + [child]
                yield Finding(
                    tree.nodes[node_id].loc,
                    f"sløyfe i treet: {capped(loop, 20, ' → ')}; en vei må alltid ende i et utfall",
                )
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(succ[child])))


def _check_facts_known(tree: Tree, flow: Flow) -> Iterator[Finding]:
    """A branch may test only facts asked on every path from start to it (a called tree counts)."""
    for node_id, here in flow.known(tree).items():
        node = tree.nodes[node_id]
        if not isinstance(node, Branch):
            continue
        for rule in node.rules:
            for fact in sorted(f for f in _facts_of(rule.when) if not here & flow.bit(f)) if rule.when else ():
                yield Finding(
                    rule.loc,
                    f"forgreningen «{node_id}» tester faktum «{fact}», "
                    f"som ikke er besvart på alle veier hit i «{tree.id}»",
                )


def _facts_of(cond: Condition) -> set[str]:
    """The facts a condition needs answered («vet ikke» and unknown facts are part of an expression)."""
    if isinstance(cond, Expression):
        return set()
    if isinstance(cond, Compare):
        return {cond.fact}
    if isinstance(cond, Not):
        return _facts_of(cond.item)
    return set().union(*(_facts_of(c) for c in cond.items))


def _check_answer_keys(catalogue: Catalogue, facts: dict[str, list[Question]]) -> Iterator[Finding]:
    for fact, questions in facts.items():
        first = questions[0]
        shape = _shape(first)
        for other in questions[1:]:
            if _shape(other) != shape:
                yield Finding(
                    other.loc,
                    f"faktum «{fact}» spørres også i {first.loc}, men med annen type eller andre valg; de må være like",
                )
    by_id: dict[str, list[tuple[Question, Location]]] = defaultdict(list)
    for tree in catalogue.trees.values():
        for question in tree.questions():
            if not question.fact:
                by_id[question.id].append((question, question.loc))
    for node_id, owners in by_id.items():
        if node_id in facts:
            yield Finding(
                owners[0][1], f"svarnøkkelen «{node_id}» er både node-id og navnet på et faktum; gi noden et annet navn"
            )
        for _, loc in owners[1:]:
            yield Finding(
                loc,
                f"svarnøkkelen «{node_id}» brukes også av spørsmålet i {owners[0][1]}; "
                "node-id-er for spørsmål uten fact må være unike i katalogen",
            )


def _shape(question: Question) -> tuple[str, tuple[str, ...]]:
    return question.input, tuple(sorted(c.id for c in question.choices))


def _check_tree_cycles(catalogue: Catalogue) -> Iterator[Finding]:
    edges: dict[str, list[Call | Goto]] = defaultdict(list)
    for tree in catalogue.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, (Call, Goto)) and node.tree in catalogue.trees:
                edges[tree.id].append(node)
    state: dict[str, int] = {}
    # Iterative depth-first search: a catalogue of a few thousand trees must not exhaust Python's stack.
    for root in sorted(catalogue.trees):
        if root in state:
            continue
        state[root] = 1
        path = [root]
        stack = [iter(edges[root])]
        while stack:
            jump = next(stack[-1], None)
            if jump is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(jump.tree) == 1:
                loop = path[path.index(jump.tree) :] + [jump.tree]
                yield Finding(jump.loc, f"trærne kaller hverandre i ring: {capped(loop, 20, ' → ')}")
            elif jump.tree not in state:
                state[jump.tree] = 1
                path.append(jump.tree)
                stack.append(iter(edges[jump.tree]))


def _check_route_length(catalogue: Catalogue, flow: Flow) -> Iterator[Finding]:
    """The longest route from each tree's start, into called trees too, must stay under MAX_ROUTE nodes.

    A call or goto counts as a way into the other tree's start. Each tree is measured once, along
    its topological order, after the trees it calls; with a loop (reported by the cycle checks)
    there is no longest route, and nothing is said here.
    """
    trees = catalogue.trees
    calls: dict[str, set[str]] = {}
    for tree in trees.values():
        called = {
            n.tree
            for n in tree.nodes.values()
            if isinstance(n, (Call, Goto)) and n.tree in trees and trees[n.tree].start in trees[n.tree].nodes
        }
        calls[tree.id] = called
    callers_first = topological(calls)
    if callers_first is None:
        return
    longest: dict[str, int] = {}
    for tree_id in reversed(callers_first):  # each tree after the trees it calls
        tree = trees[tree_id]
        nodes_order = flow.order(tree)
        if nodes_order is None:
            return
        succ = flow.successors(tree)
        length: dict[str, int] = {}
        for node_id in reversed(nodes_order):
            best = max((length[t] for t in succ[node_id]), default=0)
            node = tree.nodes[node_id]
            if isinstance(node, (Call, Goto)) and node.tree in longest:
                best = max(best, longest[node.tree])
            length[node_id] = best + 1
        if tree.start in length:
            longest[tree_id] = length[tree.start]
    for tree in sorted(trees.values(), key=lambda t: t.id):
        if longest.get(tree.id, 0) > MAX_ROUTE:
            yield Finding(
                tree.start_loc or tree.loc,
                f"den lengste veien fra start i «{tree.id}» går gjennom {longest[tree.id]} noder; "
                f"grensen er {MAX_ROUTE} – del opp treet",
            )
