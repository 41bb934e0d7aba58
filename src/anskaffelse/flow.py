"""Which facts are known where in a tree, and the order of its nodes: the dataflow of the validator,
worked out without recursion (a catalogue of thousands of trees must not exhaust Python's stack)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import END, Call, Catalogue, Outcome, Question, Tree


def successors(tree: Tree) -> dict[str, tuple[str, ...]]:
    """Each node's targets within the tree, without repeats (unknown targets are reported elsewhere)."""
    nodes = tree.nodes
    return {node_id: tuple(dict.fromkeys(t for t in node.targets() if t in nodes)) for node_id, node in nodes.items()}


class Flow:
    """Which facts are known where, per catalogue: fact names are bits of an int, because the
    dataflow unions and intersects a set at every node (copying a frozenset there was most of validate)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.bits: dict[str, int] = {}
        self.certain: dict[str, dict[str, int]] = {}  # per called tree: the facts known at each outcome
        self.succ: dict[str, dict[str, tuple[str, ...]]] = {}
        self.orders: dict[str, list[str] | None] = {}

    def bit(self, fact: str) -> int:
        found = self.bits.get(fact)
        if found is None:
            found = self.bits[fact] = 1 << len(self.bits)
        return found

    def successors(self, tree: Tree) -> dict[str, tuple[str, ...]]:
        found = self.succ.get(tree.id)
        if found is None or self.catalogue.trees.get(tree.id) is not tree:
            found = self.succ[tree.id] = successors(tree)
        return found

    def order(self, tree: Tree) -> list[str] | None:
        """The tree's nodes, each before its targets; None when they form a loop."""
        if tree.id not in self.orders or self.catalogue.trees.get(tree.id) is not tree:
            self.orders[tree.id] = topological(self.successors(tree))
        return self.orders[tree.id]

    def known(self, tree: Tree) -> dict[str, int]:
        """For each reachable node, the facts answered on every path from the start to it."""
        if tree.start not in tree.nodes:
            return {}
        succ = self.successors(tree)
        order = self.order(tree)
        if order is None:
            return {}
        trees, nodes = self.catalogue.trees, tree.nodes
        known: dict[str, int] = {tree.start: 0}
        for node_id in order:
            after = known.get(node_id)
            if after is None:
                continue
            node = nodes[node_id]
            if isinstance(node, Question):
                if node.fact:
                    after |= self.bit(node.fact)
            elif isinstance(node, Call) and node.tree in trees:
                after |= self.certain_in(trees[node.tree], node)
            for target in succ[node_id]:
                before = known.get(target)
                known[target] = after if before is None else before & after
        return known

    def certain_in(self, tree: Tree, call: Call) -> int:
        """Facts a called tree answers on every path to every outcome the call goes on from (not one
        whose return is `end`: the walk ends there, and what it left unasked is never needed).

        The trees it calls are worked out first, deepest first, without recursion: a chain of
        thousands of trees calling each other must not exhaust Python's stack.
        """
        if tree.id not in self.certain:
            for callee in self._callees_first(tree):
                self._certain_of(callee)
        result: int | None = None
        for outcome_id, facts in self.certain[tree.id].items():
            if call.target_for(outcome_id) not in (None, END):
                result = facts if result is None else result & facts
        return result or 0

    def _callees_first(self, tree: Tree) -> list[Tree]:
        """The trees reachable by calls from `tree` (and it), each after the trees it calls."""
        trees = self.catalogue.trees
        order: list[Tree] = []
        seen = {tree.id}
        stack = [(tree, iter(self._called(tree)))]
        while stack:
            current, callees = stack[-1]
            callee = next(callees, None)
            if callee is None:
                order.append(current)
                stack.pop()
            elif callee not in seen and callee not in self.certain:
                seen.add(callee)
                stack.append((trees[callee], iter(self._called(trees[callee]))))
        return order

    def _called(self, tree: Tree) -> list[str]:
        trees = self.catalogue.trees
        return [n.tree for n in tree.nodes.values() if isinstance(n, Call) and n.tree in trees]

    def _certain_of(self, tree: Tree) -> None:
        if tree.id not in self.certain:
            self.certain[tree.id] = {}  # a call cycle is reported elsewhere
            known = self.known(tree).items()
            self.certain[tree.id] = {n: facts for n, facts in known if isinstance(tree.nodes[n], Outcome)}


def topological(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """The graph's nodes (every target is a key too), each before its targets; None for a loop."""
    indegree = dict.fromkeys(graph, 0)
    for targets in graph.values():
        for target in targets:
            indegree[target] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    order: list[str] = []
    while ready:
        node_id = ready.pop()
        order.append(node_id)
        for target in graph[node_id]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return order if len(order) == len(graph) else None
