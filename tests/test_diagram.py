"""Maps people can read: Mermaid with outcome titles, short labels, ids that never collide and links only
on request; Graphviz DOT; every label escaped for its language."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from anskaffelse.catalog import open_catalogue
from anskaffelse.diagram import dot_text, mermaid_text, node_id, shorten, to_dot, to_mermaid
from conftest import KINDS, SKETCH, cli

LONG = (
    "Har leverandøren vedtekter som forbyr utbytte til eiere, og som sier at et eventuelt overskudd skal "
    "brukes i virksomheten eller til andre ideelle formål?"
)
HOSTILE = 'Et "sitat" # 3 <script>x</script> `kode` \\N 100 % og\nlinjeskift'


def collision_tree(label: str = "Kan vi reservere?", question: str = LONG) -> str:
    return f"""id: kollisjon
title: Kollisjon
version: "1"
valid_from: 2026-01-01
start: spm
nodes:
  spm:
    question: {question!r}
    sources: [foa-30-2a]
    choices:
      a: {{label: {label!r}, next: kan-ikke}}
      b: {{label: Nei, next: kan_ikke}}
  kan-ikke:
    outcome: {{verdict: ikke_tillatt, title: Med bindestrek, text: T., steps: [S], sources: [foa-30-2a]}}
  kan_ikke:
    outcome: {{verdict: vurder, title: Med understrek, text: T., steps: [S], sources: [foa-30-2a]}}
"""


@pytest.fixture
def collision(catalogue_with: Callable[..., Path]) -> Path:
    return catalogue_with({"kollisjon.yaml": collision_tree(HOSTILE, LONG)}, base=SKETCH)


def test_ids_that_differ_only_in_dash_and_underscore_stay_two_boxes(collision: Path) -> None:
    assert node_id("kan-ikke") != node_id("kan_ikke")
    assert len({node_id(x) for x in ["a-b", "a_b", "a__b", "a_hb", "a-hb", "aæb", "a_u_b"]}) == 7
    tree = open_catalogue(collision).trees["kollisjon"]
    text = to_mermaid(tree)
    targets = re.findall(r"-->\|[^|]*\| (\S+)", text)
    assert sorted(targets) == sorted([node_id("kan-ikke"), node_id("kan_ikke")])
    assert f'{node_id("kan-ikke")}(["Med bindestrek"])' in text
    assert f'{node_id("kan_ikke")}(["Med understrek"])' in text


def test_a_long_question_is_shortened_with_the_full_text_in_a_comment(collision: Path) -> None:
    tree = open_catalogue(collision).trees["kollisjon"]
    text = to_mermaid(tree)
    box = next(line for line in text.splitlines() if line.strip().startswith(node_id("spm") + "{"))
    label = box.split('{"', 1)[1].rsplit('"}', 1)[0]
    assert label.endswith("…") and len(label) <= 60 and LONG.startswith(label[:-1])
    assert f"  %% {node_id('spm')}: {LONG}" in text.splitlines()
    assert shorten("kort tekst") == "kort tekst"


def test_end_nodes_show_the_outcome_title_not_its_id() -> None:
    catalogue = open_catalogue(KINDS)
    text = to_mermaid(catalogue.trees["hoved"], catalogue)
    assert 'slutt: Utfall B"' in text and "slutt: b" not in text
    assert '|"Utfall A"|' in text  # a return that goes on is labelled by the title as well


def test_mermaid_labels_cannot_break_out_of_their_quotes(collision: Path) -> None:
    text = to_mermaid(open_catalogue(collision).trees["kollisjon"])
    edge = next(line for line in text.splitlines() if node_id("kan-ikke") in line and "-->" in line)
    label = edge.split('|"', 1)[1].rsplit('"|', 1)[0]
    assert '"' not in label and "<" not in label and "`" not in label and "\n" not in label
    assert "#quot;sitat#quot;" in label and "#35; 3" in label and "#lt;script#gt;" in label
    assert mermaid_text("#quot;") == "#35;quot;"  # a literal entity code in the text stays literal
    # Inside a markdown fence nothing can close the fence.
    code, out, _ = cli("show", "kollisjon", "--trees", collision, "--format", "markdown")
    assert code == 0 and out.count("```") == 2


def dot_tokens(text: str) -> list[str]:
    """DOT split into quoted strings, identifiers, arrows and punctuation; anything else fails the test."""
    token = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+(?:[.][0-9]+)?|->|[{}\[\];=,])')
    found, at = [], 0
    while at < len(text.rstrip()):
        match = token.match(text, at)
        assert match, f"not DOT at {at}: {text[at : at + 40]!r}"
        found.append(match.group(1))
        at = match.end()
    return found


def test_dot_is_one_digraph_with_every_label_escaped(collision: Path) -> None:
    catalogue = open_catalogue(collision)
    text = to_dot(catalogue.trees["kollisjon"], catalogue)
    tokens = dot_tokens(text)
    assert tokens[:3] == ["digraph", '"kollisjon"', "{"] and tokens[-1] == "}"
    assert tokens.count("{") == 1 and tokens.count("}") == 1 and tokens.count("->") == 2
    assert dot_text(HOSTILE) == '"Et \\"sitat\\" # 3 <script>x</script> `kode` \\\\N 100 % og linjeskift"'
    assert f"label={dot_text(shorten(HOSTILE, 40))}" in text
    assert f"tooltip={dot_text(LONG)}" in text
    for outcome in ("kan-ikke", "kan_ikke"):
        assert f"{node_id('spm')} -> {node_id(outcome)} [" in text
    assert "URL=" not in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_graphviz_reads_the_dot_of_every_bundled_tree(tmp_path: Path) -> None:  # pragma: no cover
    for tree in ("veiviser", "reserverte-kontrakter"):
        code, out, _ = cli("show", tree, "--format", "dot")
        assert code == 0
        subprocess.run(["dot", "-Tsvg", "-o", str(tmp_path / "kart.svg")], input=out, text=True, check=True)


def test_show_writes_dot_by_format_or_file_ending_and_links_only_with_a_base(tmp_path: Path) -> None:
    code, out, _ = cli("show", "hoved", "--trees", KINDS, "--format", "dot")
    assert code == 0 and out.startswith('digraph "hoved" {') and "URL=" not in out
    target = tmp_path / "kart.gv"
    code, _, err = cli("show", "hoved", "--trees", KINDS, "-o", target, "--link-base", "https://eksempel.no/trær")
    assert code == 0, err
    written = target.read_text(encoding="utf-8")
    assert written.startswith("digraph") and 'URL="https://eksempel.no/trær/under.yaml"' in written
    code, out, _ = cli("show", "hoved", "--trees", KINDS, "--format", "mermaid", "--link-base", "kart/")
    assert code == 0 and f'click {node_id("under", "t_")} href "kart/under.yaml"' in out
    code, _, err = cli("show", "hoved", "--trees", KINDS, "--format", "dot", "--link-base", 'x" onclick="y')
    assert code == 2 and "--link-base" in err
    code, _, err = cli("show", "hoved", "--trees", KINDS, "--paths", "--format", "dot")
    assert code == 2 and "--paths" in err
