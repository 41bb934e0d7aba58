"""`show` on the screen: a tree drawn from its start, or every path through it (rich renderables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree as RichTree

from .model import Branch, Call, Catalogue, Goto, Outcome, Question, Tree
from .render import VERDICT_STYLES
from .texts import VERDICT_LABELS, describe_condition

if TYPE_CHECKING:
    from .engine import Engine
    from .paths import Summary, WalkedPath


def drawing(engine: Engine, tree_id: str, *, paths: bool) -> RenderableType:
    """`show` on the screen: the tree drawn, or every path through it as a table."""
    if paths:
        from .paths import listing

        return _Paths(engine, *listing(engine, tree_id))
    return tree_view(engine.tree(tree_id), engine.catalogue)


TABLE_ROWS = 500  # more paths than this are listed one a line: a rich table measures every cell (slow)
TABLE_WIDTH = 100  # on a narrower screen too: rich would cut the table's last columns, the verdict among them


class _Paths:
    """Every path through a tree: a table on a wide screen, one a line on a narrow one or when there
    are very many (nothing cut off, and linear in the output)."""

    def __init__(self, engine: Engine, paths: list[WalkedPath], result: Summary) -> None:
        self.engine, self.paths, self.result = engine, paths, result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .pathtext import answer_keys, listing_title, path_answers, questions_label, summary_lines

        engine, paths, questions = self.engine, self.paths, answer_keys(self.engine)
        yield Text(listing_title(engine, paths), style="italic")
        for line in summary_lines(self.result):
            yield Text(line)
        if len(paths) > TABLE_ROWS or options.max_width < TABLE_WIDTH:
            for n, path in enumerate(paths, 1):
                answers = "; ".join(path_answers(engine, path, questions)) or "(ingen spørsmål)"
                verdict = VERDICT_LABELS[path.verdict]
                ending = f"{path.outcome_tree}/{path.outcome} ({verdict}) – {questions_label(path.questions)}"
                yield Text(f"{n}. {answers} → {ending}")
            return
        table = Table(show_lines=True)
        table.add_column("nr", justify="right", no_wrap=True)
        table.add_column("svar", min_width=30, ratio=3)
        table.add_column("utfall", ratio=1)
        table.add_column("konklusjon", no_wrap=True)
        for n, path in enumerate(paths, 1):
            outcome = f"{path.outcome_tree}/{path.outcome}"
            table.add_row(
                str(n),
                escape("\n".join(path_answers(engine, path, questions)))
                + f"\n[italic]{questions_label(path.questions)}[/italic]",
                escape(outcome),
                VERDICT_LABELS[path.verdict],
            )
        yield table


def tree_view(tree: Tree, catalogue: Catalogue) -> RichTree:
    """The tree drawn from its start: questions, choices, branches, calls and outcomes."""
    root = RichTree(Text(f"{tree.title} ({tree.id} {tree.version})", style="bold"))
    _draw(tree, tree.start, root, set(), catalogue)
    return root


def _draw(tree: Tree, node_id: str, parent: RichTree, seen: set[str], catalogue: Catalogue) -> None:
    node = tree.nodes.get(node_id)
    if node is None:
        parent.add(Text(f"?? ukjent node {node_id}", style="red"))
        return
    if node_id in seen:
        parent.add(Text(f"↪ som over: {_mention(node)}", style="dim"))
        return
    seen.add(node_id)
    if isinstance(node, Question):
        branch = parent.add(Text.assemble(("? ", "cyan"), (node.text, "bold"), (f"  [{node.key}]", "dim")))
        if node.choices:
            for choice in node.choices:
                sub = branch.add(Text.assemble(("→ ", "dim"), choice.label, (f" ({choice.id})", "dim")))
                _draw(tree, choice.next, sub, seen, catalogue)
        elif node.next:
            sub = branch.add(Text(f"→ ({node.input})", style="dim"))
            _draw(tree, node.next, sub, seen, catalogue)
    elif isinstance(node, Branch):
        fork = parent.add(Text(f"⑂ {node_id}", style="magenta"))
        for rule in node.rules:
            label = "ellers" if rule.when is None else describe_condition(rule.when, catalogue)
            sub = fork.add(Text(f"hvis {label}" if rule.when else label, style="magenta"))
            _draw(tree, rule.next, sub, seen, catalogue)
    elif isinstance(node, Call):
        called = parent.add(Text(f"⇒ kaller treet «{node.tree}»", style="blue"))
        for outcome_id, target in node.returns:
            sub = called.add(Text(f"når {outcome_id}", style="blue"))
            if target == "end":
                sub.add(Text("slutt: utfallet fra det kalte treet", style="dim"))
            else:
                _draw(tree, target, sub, seen, catalogue)
    elif isinstance(node, Goto):
        parent.add(Text(f"⇒ fortsetter i treet «{node.tree}»", style="blue"))
    elif isinstance(node, Outcome):
        style = VERDICT_STYLES.get(node.verdict, "white")
        parent.add(
            Text.assemble(
                (f"■ {VERDICT_LABELS[node.verdict]}", f"bold {style}"), f": {node.title} ", (f"({node.id})", "dim")
            )
        )


def _mention(node: object) -> str:
    """A node drawn earlier, named as it was drawn there (its id is not always shown)."""
    if isinstance(node, Question):
        return f"«{node.text}»"
    if isinstance(node, Call):
        return f"kaller treet «{node.tree}»"
    if isinstance(node, Goto):
        return f"fortsetter i treet «{node.tree}»"
    if isinstance(node, Outcome):
        return f"utfallet «{node.title}»"
    assert isinstance(node, Branch)
    return f"forgreningen ⑂ {node.id}"
