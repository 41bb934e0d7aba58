"""A tree as a map: Mermaid (for markdown and browsers) and Graphviz DOT (for pictures without a browser).

Both draw the same graph: one node per tree node, one edge per choice, rule and return, an end node per
return that ends the walk (labelled with the outcome's title), and one node per other tree a call or goto
leads to. Question labels are shortened to LABEL_LENGTH characters; the full text is in a comment
(Mermaid) or a tooltip (DOT). Links to the other trees' files are drawn only when a base address is given.
Every label is escaped for its language, and node ids are an injective encoding of the tree's ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from .engine import Engine
from .errors import UsageError
from .model import END, Branch, Call, Catalogue, Goto, Outcome, Question, Tree
from .texts import describe_condition

LABEL_LENGTH = 60  # characters of a question's text in its box; the full text is in a comment or tooltip
MERMAID_STYLE = {
    "tillatt": "fill:#d4edda,stroke:#2e7d32",
    "ikke_tillatt": "fill:#f8d7da,stroke:#c62828",
    "vurder": "fill:#fff3cd,stroke:#b8860b",
    "utenfor_regelverket": "fill:#dbe9f6,stroke:#1f5fa8",
}
DOT_FILL = {"tillatt": "#d4edda", "ikke_tillatt": "#f8d7da", "vurder": "#fff3cd", "utenfor_regelverket": "#dbe9f6"}


def node_id(raw: str, prefix: str = "n_") -> str:
    """An id safe in Mermaid and DOT, and never the same for two ids: letters and digits stay, «_» is «__»,
    «-» is «_h», and any other character is «_u» + its code point in hex + «_» (kan-ikke → n_kan_hikke,
    kan_ikke → n_kan__ikke)."""
    out = []
    for char in raw:
        if char.isascii() and char.isalnum():
            out.append(char)
        elif char == "_":
            out.append("__")
        elif char == "-":
            out.append("_h")
        else:
            out.append(f"_u{ord(char):x}_")
    return prefix + "".join(out)


def shorten(text: str, limit: int = LABEL_LENGTH) -> str:
    """Text on one line, cut at a word boundary to at most `limit` characters (with «…»)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:") + "…"


@dataclass(frozen=True)
class _Box:
    id: str
    kind: str  # question, branch, call, goto, outcome, end, tree
    label: str
    full: str = ""  # the whole text, when the label is shortened
    verdict: str = ""
    link: str = ""


@dataclass(frozen=True)
class _Edge:
    start: str
    end: str
    label: str = ""
    dotted: bool = False


def _graph(tree: Tree, catalogue: Catalogue | None, link_base: str | None) -> tuple[list[_Box], list[_Edge]]:
    """The boxes and edges both languages draw."""
    boxes: list[_Box] = []
    edges: list[_Edge] = []
    others: dict[str, str] = {}  # tree id → id of the box standing for it
    for node in tree.nodes.values():
        nid = node_id(node.id)
        if isinstance(node, Question):
            label = shorten(node.text)
            boxes.append(_Box(nid, "question", label, " ".join(node.text.split()) if label != node.text else ""))
            if node.choices:
                edges += [_Edge(nid, node_id(c.next), shorten(c.label, 40)) for c in node.choices]
            elif node.next:
                edges.append(_Edge(nid, node_id(node.next), node.input))
        elif isinstance(node, Branch):
            boxes.append(_Box(nid, "branch", node.id))
            for rule in node.rules:
                label = "ellers" if rule.when is None else describe_condition(rule.when, None)  # type: ignore[arg-type]
                edges.append(_Edge(nid, node_id(rule.next), shorten(label, 40)))
        elif isinstance(node, Call | Goto):
            word = "kaller" if isinstance(node, Call) else "fortsetter i"
            boxes.append(_Box(nid, "call", f"{word} {_title(catalogue, node.tree)}"))
            edges.append(_Edge(nid, others.setdefault(node.tree, node_id(node.tree, "t_")), dotted=True))
            for outcome_id, target in node.returns if isinstance(node, Call) else ():
                full = " ".join(_outcome_title(catalogue, node.tree, outcome_id).split())
                title = shorten(full, 40)
                if target == END:
                    end = f"{nid}_e{node_id(outcome_id, '_')}"
                    label = shorten(full)
                    boxes.append(_Box(end, "end", f"slutt: {label}", full if label != full else ""))
                    edges.append(_Edge(nid, end, title))
                else:
                    edges.append(_Edge(nid, node_id(target), title))
        elif isinstance(node, Outcome):
            boxes.append(_Box(nid, "outcome", node.title, verdict=node.verdict))
    for other, box in others.items():
        link = f"{link_base.rstrip('/')}/{quote(other)}.yaml" if link_base else ""
        boxes.append(_Box(box, "tree", f"treet {_title(catalogue, other)}", link=link))
    return boxes, edges


def _title(catalogue: Catalogue | None, tree_id: str) -> str:
    tree = catalogue.trees.get(tree_id) if catalogue else None
    return f"{tree_id} ({shorten(tree.title, 40)})" if tree and tree.title else tree_id


def _outcome_title(catalogue: Catalogue | None, tree_id: str, outcome_id: str) -> str:
    """The title of an outcome of another tree (its id when the tree or the outcome is not known)."""
    tree = catalogue.trees.get(tree_id) if catalogue else None
    node = tree.nodes.get(outcome_id) if tree else None
    return node.title if isinstance(node, Outcome) else outcome_id


def check_link_base(link_base: str | None) -> str | None:
    """--link-base: an http(s) address, or a relative path (no quotes, spaces or control characters)."""
    if link_base is not None and re.search(r"[\s\"'<>\\`\x00-\x1f\x7f]", link_base):
        raise UsageError("--link-base: en adresse kan ikke ha mellomrom, anførselstegn, <, >, \\ eller kontrolltegn")
    return link_base


# --- Mermaid ----------------------------------------------------------------------


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label or a comment: on one line, with the characters Mermaid or the
    markdown around it would read (« # < > ` ») as entity codes."""
    flat = " ".join(text.split())
    return "".join(_MERMAID_CODES.get(c, c) for c in flat)


_MERMAID_CODES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;", "%": "#37;"}
_MERMAID_SHAPES = {
    "question": '{{"{}"}}',
    "branch": '{{{{"{}"}}}}',
    "call": '[["{}"]]',
    "end": '(["{}"])',
    "outcome": '(["{}"])',
    "tree": '[/"{}"/]',
}


def to_mermaid(tree: Tree, catalogue: Catalogue | None = None, link_base: str | None = None) -> str:
    """A Mermaid flowchart of a tree; `click` links to the other trees' files only with `link_base`."""
    boxes, edges = _graph(tree, catalogue, link_base)
    lines = ["flowchart TD"]
    for box in boxes:
        if box.full:
            lines.append(f"  %% {box.id}: {mermaid_text(box.full)}")
        shape = _MERMAID_SHAPES[box.kind].format(mermaid_text(box.label))
        lines.append(f"  {box.id}{shape}" + (f":::{box.verdict}" if box.verdict else ""))
    for edge in edges:
        arrow = "-.->" if edge.dotted else "-->"
        label = f'|"{mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {edge.start} {arrow}{label} {edge.end}")
    for box in boxes:
        if box.link:
            lines.append(f'  click {box.id} href "{box.link}" "Åpne {mermaid_text(box.label)}"')
    lines += [f"  classDef {verdict} {style}" for verdict, style in MERMAID_STYLE.items()]
    return "\n".join(lines) + "\n"


# --- Graphviz DOT -----------------------------------------------------------------


def dot_text(text: str) -> str:
    """A DOT quoted string: backslashes and quotes escaped, on one line."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DOT_SHAPES = {
    "question": 'shape=diamond, style=filled, fillcolor="#ffffff"',
    "branch": "shape=hexagon",
    "call": "shape=box, peripheries=2",
    "end": 'shape=box, style="rounded,dashed"',
    "outcome": 'shape=box, style="rounded,filled"',
    "tree": "shape=parallelogram",
}


def to_dot(tree: Tree, catalogue: Catalogue | None = None, link_base: str | None = None) -> str:
    """A Graphviz digraph of a tree (`dot -Tsvg kart.dot -o kart.svg`); URL attributes only with `link_base`."""
    boxes, edges = _graph(tree, catalogue, link_base)
    lines = [
        f"digraph {dot_text(tree.id)} {{",
        f"  graph [label={dot_text(tree.title or tree.id)}, labelloc=t, fontname=Helvetica];",
        "  node [fontname=Helvetica, fontsize=11];",
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    for box in boxes:
        attrs = [f"label={dot_text(box.label)}", _DOT_SHAPES[box.kind]]
        if box.full:
            attrs.append(f"tooltip={dot_text(box.full)}")
        if box.verdict:
            attrs.append(f"fillcolor={dot_text(DOT_FILL.get(box.verdict, '#ffffff'))}")
        if box.link:
            attrs.append(f"URL={dot_text(box.link)}")
        lines.append(f"  {box.id} [{', '.join(attrs)}];")
    for edge in edges:
        attrs = [f"label={dot_text(edge.label)}"] if edge.label else []
        attrs += ["style=dashed"] if edge.dotted else []
        lines.append(f"  {edge.start} -> {edge.end}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    return "\n".join([*lines, "}"]) + "\n"


def as_text(engine: Engine, tree_id: str, chosen: str, *, paths: bool, link_base: str | None = None) -> str:
    """`show` as text for a file: the paths as a markdown list, or the tree as Mermaid (in markdown: in a
    ```mermaid block) or as Graphviz DOT."""
    if paths:
        if chosen != "markdown":
            raise UsageError("--paths skrives som tekst på skjermen eller som --format markdown")
        from .pathtext import paths_document

        return paths_document(engine, tree_id)
    tree, base = engine.tree(tree_id), check_link_base(link_base)
    if chosen == "dot":
        return to_dot(tree, engine.catalogue, base)
    text = to_mermaid(tree, engine.catalogue, base)
    return f"```mermaid\n{text}```\n" if chosen == "markdown" else text
