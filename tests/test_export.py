"""The lawyer's outputs: markdown report, trace JSON (with its schema), replay and the Mermaid map."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from typer.testing import CliRunner

from anskaffelse.answers import Answers, load_answers
from anskaffelse.cli import app
from anskaffelse.diagram import node_id, to_mermaid
from anskaffelse.export import build_trace, to_markdown
from anskaffelse.model import Branch, Call, Goto, Outcome, Question
from anskaffelse.paths import enumerate_paths
from anskaffelse.record import seal
from anskaffelse.session import walk
from anskaffelse.trace import TRACE_SCHEMA, parse_trace, schema_document
from conftest import BUNDLED, KINDS, SKETCH, engine_for

CREATED = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
SNAPSHOTS = Path(__file__).parent / "snapshots"
SPECIALS = "| * # <b>fet</b> & [lenke](http://x) `kode` _u_ ~s~ <script>alert(1)</script>\n- ny linje"
runner = CliRunner()


def trace_of(root: Path, tree: str, answers: dict[str, str], day: dt.date = dt.date(2026, 11, 27)) -> dict[str, Any]:
    engine = engine_for(root, day)
    state = walk(engine, tree, Answers(answers), None)
    data = build_trace(engine, state, tree, CREATED, complete=True)
    for f in [*data["tree"]["files"], *data["catalogue_files"]]:
        f["file"] = os.path.basename(f["file"])  # snapshots must not depend on where the repository lies
    seal(data)  # the hash again, over the names as changed
    return data


def parse(markdown: str) -> Any:
    return MarkdownIt("commonmark").use(footnote_plugin).parse(markdown)


def test_markdown_structure_headings_list_items_and_footnotes() -> None:
    data = trace_of(
        SKETCH,
        "reserverte-kontrakter",
        {"tjenestetype": "helse_sosial", "kontraktsverdi": "9 mill", "utbytteforbud": "ja"},
    )
    tokens = parse(to_markdown(data))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "Vurdering: Kan konkurransen reserveres?",
        "Spørsmål og svar",
        "Terskelverdier brukt",
        "Vurderinger underveis",  # ideell-status concluded «ideell» before the walk went on
        "Konklusjon",
        "Hvorfor",
        "Neste steg",
        "Sporbarhet",
        "Til anskaffelsesprotokollen",
        "Opplysninger etter FOA § 10-5 (2)",
        "Faktiske forhold lagt til grunn",
        "Delkonklusjoner",
        "Konklusjon",
    ]
    ordered = [i for i, t in enumerate(tokens) if t.type == "ordered_list_open"]
    assert len(ordered) == 2  # the answers, and the conclusions on the way
    items = sum(1 for t in tokens if t.type == "list_item_open")
    # metadata 4, answers 3, threshold 1, on the way 1, next steps 2, protocol: the 15 letters of § 10-5 (2),
    # facts 4 and on the way 1, traceability 7: the trace's own hash, the trees (1 + 2 files), kilder and
    # terskelverdier (1 + 2 files)
    assert items == 4 + 3 + 1 + 1 + 2 + 15 + 4 + 1 + 7
    footnotes = [t for t in tokens if t.type == "footnote_open"]
    assert len(footnotes) == 3  # foa-30-1, foa-30-2a, foa-5-3 – each once, also where cited twice
    html = MarkdownIt("commonmark").use(footnote_plugin).render(to_markdown(data))
    assert 'href="https://lovdata.no/forskrift/2016-08-12-974/%C2%A730-2a"' in html


def test_user_text_full_of_markdown_and_html_stays_literal() -> None:
    answers = {"kjopertype": "stat", "belop": "2 mill", "frist": "2026-12-01", "beskrivelse": SPECIALS, "haster": "nei"}
    data = trace_of(KINDS, "hoved", answers)
    markdown = to_markdown(data)
    html = MarkdownIt("commonmark").use(footnote_plugin).render(markdown)
    for tag in ("<b>fet", "<script>alert", "<code>kode", "<em>u", "<del>", '<a href="http://x"'):
        assert tag not in html
    assert "&lt;b&gt;fet&lt;/b&gt;" in html and "&lt;script&gt;" in html
    assert "[lenke](http://x)" in html and "| * #" in html and "`kode`" in html
    tokens = parse(markdown)
    answer_items = [
        tokens[i + 2].content
        for i, t in enumerate(tokens)
        if t.type == "list_item_open" and "Beskriv" in tokens[i + 2].content
    ]
    # In the answers, on one line; the pasted newline opened no list item of its own.
    assert len(answer_items) == 1 and all("\\<script\\>" in item and "- ny linje" in item for item in answer_items)
    # In the protocol, as the buyer's own words: a paragraph with its line break kept, still no list item.
    reason = markdown.split("### Oppdragsgiverens begrunnelser", 1)[1].split("###", 1)[0]
    assert "\\<script\\>alert(1)\\</script\\>\\\n\\- ny linje" in reason
    assert "alert(1)&lt;/script&gt;<br />\n- ny linje</p>" in html  # a hard line break, not a list
    assert len([t for t in tokens if t.type == "heading_open"]) == 13  # no heading from the text itself


def test_same_trace_same_bytes() -> None:
    data = trace_of(SKETCH, "ideell-status", {"utbytteforbud": "vet_ikke"})
    assert to_markdown(data) == to_markdown(json.loads(json.dumps(data)))


SNAPSHOT_WALKS = {
    "sketch-reservert": (
        SKETCH,
        "reserverte-kontrakter",
        {"tjenestetype": "helse_sosial", "kontraktsverdi": "7 800 000", "utbytteforbud": "ja"},
    ),
    "sketch-integrering": (SKETCH, "reserverte-kontrakter", {"tjenestetype": "annet"}),
    "kinds-call-end": (
        KINDS,
        "hoved",
        {
            "kjopertype": "kommune",
            "belop": "1,3 mill",
            "frist": "1.2.2027",
            "beskrivelse": SPECIALS,
            "haster": "ja",
            "spor": "b",
        },
    ),
}


CASES = BUNDLED / "cases"
REAL_WALKS = {
    "real-sykehjem-reservert": "01-sykehjem-reservert-ideelle.yaml",
    "real-kaffe-integrering": "02-kaffe-arbeidsintegrering-35-prosent.yaml",
    "real-statlig-kurs": "03-statlig-kurs-egen-metode.yaml",
}


def case_trace(name: str) -> dict[str, Any]:
    """The trace of a trees/cases walk through the bundled trees, on the case's date."""
    case = load_answers(CASES / name)
    assert case.tree and case.date
    return trace_of(BUNDLED, case.tree, case.values, dt.date.fromisoformat(case.date))


@pytest.mark.parametrize("name", sorted(SNAPSHOT_WALKS) + sorted(REAL_WALKS))
def test_markdown_snapshot(name: str) -> None:
    if name in REAL_WALKS:
        markdown = to_markdown(case_trace(REAL_WALKS[name]))
    else:
        root, tree, answers = SNAPSHOT_WALKS[name]
        markdown = to_markdown(trace_of(root, tree, answers))
    snapshot = SNAPSHOTS / f"{name}.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(markdown, encoding="utf-8")
    assert markdown == snapshot.read_text(encoding="utf-8")


def test_every_trace_of_every_path_matches_the_shipped_schema() -> None:
    schema = schema_document(TRACE_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    checked = 0
    for root, tree in ((SKETCH, "reserverte-kontrakter"), (KINDS, "hoved")):
        engine = engine_for(root)
        for path in enumerate_paths(engine, tree):
            state = walk(engine, tree, Answers(dict(path.answers)), None)
            text = json.dumps(build_trace(engine, state, tree, CREATED, complete=True), ensure_ascii=False)
            data = json.loads(text)
            validator.validate(data)
            assert parse_trace(text.encode("utf-8"), "t.json") == data  # and the reader, stricter still, takes it
            checked += 1
    assert checked == 18  # every answer («vet ikke» too) and outcome at least once; see paths.Walker
    broken = json.loads(json.dumps(build_trace(engine, state, tree, CREATED, complete=True)))
    broken["steps"][0]["origin"] = "gjettet"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def _count_mermaid(text: str) -> tuple[int, int]:
    body = [line.strip() for line in text.splitlines()[1:] if not line.strip().startswith(("classDef", "click", "%%"))]
    edges = [line for line in body if "-->" in line or "-.->" in line]
    nodes = [line for line in body if line not in edges]
    return len(nodes), len(edges)


@pytest.mark.parametrize(("root", "tree"), [(SKETCH, "reserverte-kontrakter"), (KINDS, "hoved"), (KINDS, "under")])
def test_mermaid_has_one_node_per_tree_node_and_one_edge_per_choice_rule_and_return(root: Path, tree: str) -> None:
    catalogue = engine_for(root).catalogue
    the_tree = catalogue.trees[tree]
    text = to_mermaid(the_tree, catalogue, "https://eksempel.no/trær/")
    assert text.startswith("flowchart TD\n")
    ends = sum(1 for n in the_tree.nodes.values() if isinstance(n, Call) for _, t in n.returns if t == "end")
    jumps = [n for n in the_tree.nodes.values() if isinstance(n, (Call, Goto))]
    other_trees = {n.tree for n in jumps}
    expected_edges = sum(
        len(n.choices) or 1
        if isinstance(n, Question)
        else len(n.rules)
        if isinstance(n, Branch)
        else len(n.returns)
        if isinstance(n, Call)
        else 0
        for n in the_tree.nodes.values()
    )
    assert _count_mermaid(text) == (len(the_tree.nodes) + ends + len(other_trees), expected_edges + len(jumps))
    for other in other_trees:  # a call or goto links to a node for the other tree, which links to its file
        assert f'click {node_id(other, "t_")} href "https://eksempel.no/tr%C3%A6r/{other}.yaml"' not in text
        assert f'click {node_id(other, "t_")} href "https://eksempel.no/trær/{other}.yaml"' in text
    assert ("click" in text) == bool(other_trees)
    assert "click" not in to_mermaid(the_tree, catalogue)  # links only with a base address
    ids = set(re.findall(r"\bn_[A-Za-z0-9_]+", text))
    assert {node_id(n) for n in the_tree.nodes} <= ids
    verdicts = [n.verdict for n in the_tree.nodes.values() if isinstance(n, Outcome)]
    assert text.count(":::") == len(verdicts)
    assert all(isinstance(n, (Question, Branch, Call, Goto, Outcome)) for n in the_tree.nodes.values())


def test_show_mermaid_markdown_is_a_fenced_block() -> None:
    result = runner.invoke(app, ["show", "ideell-status", "--trees", str(SKETCH), "--mermaid", "--markdown"])
    assert result.exit_code == 0
    assert result.stdout.startswith("```mermaid\nflowchart TD\n") and result.stdout.endswith("```\n")


def test_show_paths_markdown_lists_every_path() -> None:
    result = runner.invoke(app, ["show", "reserverte-kontrakter", "--trees", str(SKETCH), "--paths", "--markdown"])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if re.match(r"^\d+\. ", line)]
    assert len(lines) == 6  # «vet ikke» for the amount too
    assert (
        "tjenestetype = Andre tjenester eller varer → **reserverte\\-kontrakter/integrering** (Må vurderes nærmere)"
        in lines[0]
        or any("integrering" in line for line in lines)
    )


# --- replay -------------------------------------------------------------------------------


def save(tmp_path: Path, amount: str) -> tuple[Path, Path]:
    catalogue = tmp_path / "trær"
    if not catalogue.exists():
        shutil.copytree(SKETCH, catalogue)
    trace = tmp_path / f"vurdering-{amount.replace(' ', '')}.json"
    result = runner.invoke(
        app,
        [
            "run",
            "reserverte-kontrakter",
            "--trees",
            str(catalogue),
            "--dato",
            "2025-01-01",
            "--non-interactive",
            "--set",
            "tjenestetype=helse_sosial",
            "--set",
            f"kontraktsverdi={amount}",
            "--set",
            "utbytteforbud=ja",
            "--trace",
            str(trace),
        ],
    )
    assert result.exit_code == 0, result.stderr
    return catalogue, trace


def replay(catalogue: Path, trace: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["replay", str(trace), "--trees", str(catalogue), "--dato", "2025-01-01"])
    return result.exit_code, " ".join(result.stdout.split())


def test_replay_unchanged(tmp_path: Path) -> None:
    code, out = replay(*save(tmp_path, "9 mill"))
    assert code == 0 and "uendret" in out


def test_replay_reports_a_changed_threshold_and_the_changed_outcome(tmp_path: Path) -> None:
    catalogue, trace = save(tmp_path, "9 mill")
    path = catalogue / "terskelverdier.yaml"
    path.write_text(path.read_text().replace("7800000", "10000000"))
    code, out = replay(catalogue, trace)
    assert code == 3
    assert "terskelverdien «eos-helse-sosial»: 7800000 (fra 2024-03-14) → 10000000 (fra 2024-03-14)" in out
    assert (
        "resultatet er endret: reserverte-kontrakter/kan_reservere (tillatt) → "
        "reserverte-kontrakter/under_terskel (tillatt)" in out
    )
    assert "spørsmålet «utbytteforbud» stilles ikke lenger på denne veien" in out


def test_replay_stops_at_a_question_the_saved_answers_do_not_answer(tmp_path: Path) -> None:
    catalogue, trace = save(tmp_path, "7 500 000")
    path = catalogue / "terskelverdier.yaml"
    path.write_text(path.read_text().replace("7800000", "7400000"))
    code, out = replay(catalogue, trace)
    assert code == 3
    assert "steg 3: nytt spørsmål «utbytteforbud»" not in out  # a stopped walk has no step 3
    assert "gjennomgangen stopper: nytt spørsmål «utbytteforbud»" in out
    assert "resultatet: reserverte-kontrakter/under_terskel (tillatt) → (intet resultat)" in out


def test_replay_reports_a_changed_outcome_text_and_sources(tmp_path: Path) -> None:
    catalogue, trace = save(tmp_path, "7 500 000")
    path = catalogue / "reserverte-kontrakter.yaml"
    text = path.read_text()
    text = text.replace("title: Under terskelverdien gjelder bare del I", "title: Under terskelverdien gjelder del I")
    old_sources = "steps: [Følg de grunnleggende prinsippene]\n      sources: [loa-4]"
    text = text.replace(old_sources, old_sources.replace("[loa-4]", "[loa-4, foa-30-1]"))
    path.write_text(text)
    code, out = replay(catalogue, trace)
    assert code == 3
    assert "resultatet «under_terskel»: svaret er endret" in out
    assert "rettslig grunnlag er endret: LOA § 4 → LOA § 4, FOA § 30-1" in out
    assert "treet «reserverte-kontrakter» er endret siden (versjon 2026.1 → 2026.1)" in out


def test_replay_reports_a_removed_question_and_the_new_one_it_stops_at(tmp_path: Path) -> None:
    catalogue, trace = save(tmp_path, "9 mill")
    path = catalogue / "ideell-status.yaml"
    path.write_text(path.read_text().replace("utbytteforbud", "vedtekter_utbytte"))
    code, out = replay(catalogue, trace)
    assert code == 3
    assert "spørsmålet «utbytteforbud» finnes ikke lenger" in out
    assert "gjennomgangen stopper: nytt spørsmål «vedtekter_utbytte»" in out
    assert "resultatet: reserverte-kontrakter/kan_reservere (tillatt) → (intet resultat)" in out


@pytest.mark.parametrize("snapshot", sorted(SNAPSHOTS.glob("*.md")), ids=lambda p: p.stem)
def test_pandoc_converts_every_report_cleanly(snapshot: Path, tmp_path: Path) -> None:
    import pypandoc

    markdown = snapshot.read_text(encoding="utf-8")
    html = pypandoc.convert_text(markdown, "html", format="gfm", extra_args=["--fail-if-warnings"])
    tokens = parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    flat = " ".join(html.split())
    for heading in headings:
        assert re.search(rf"<h[1-3][^>]*>{re.escape(heading)}</h[1-3]>", flat), heading
    assert html.count("<li") >= sum(1 for t in tokens if t.type == "list_item_open")
    assert 'class="footnotes' in html and "<script" not in html
    docx = tmp_path / "notat.docx"
    pypandoc.convert_text(markdown, "docx", format="gfm", outputfile=str(docx))
    assert docx.stat().st_size > 5000


def test_an_answer_a_later_tree_reuses_is_listed_once_where_it_was_given() -> None:
    from anskaffelse.render import answers_view, make_console

    trace = case_trace("49-veiviser-alt-lunsj-kafe.yaml")
    reused = [s for s in trace["steps"] if s["origin"] == "fact"]
    assert ("kontraktsverdi", "hvilke-regler") in [(s["key"], s["tree"]) for s in reused]
    markdown = to_markdown(trace)
    section = markdown.split("## Spørsmål og svar", 1)[1].split("\n## ", 1)[0]
    numbered = [line for line in section.splitlines() if re.match(r"\d+\. ", line)]
    assert len(numbered) == len(trace["steps"]) - len(reused)
    assert sum("anslått samlet verdi" in line for line in numbered) == 1
    for step in reused:
        assert f"   - Svaret er også brukt i beslutningstreet {step['tree']}." in section
    console = make_console(width=120)
    with console.capture() as captured:
        console.print(answers_view(trace["steps"], 120))
    assert captured.get().count("anslått samlet verdi") == 1
    assert "kjent fra et tidligere svar" not in captured.get()


def test_conclusions_on_the_way_are_kept_shown_and_go_into_the_protocol() -> None:
    from anskaffelse.render import make_console, report

    trace = case_trace("49-veiviser-alt-lunsj-kafe.yaml")
    # er-det-en-anskaffelse, hvilke-regler (called twice, listed once) and direkte-anskaffelse
    # each concluded before the walk went on; the last tree's own outcome is the result.
    assert [(p["tree"], p["node"]) for p in trace["passed"]] == [
        ("er-det-en-anskaffelse", "anskaffelse"),
        ("hvilke-regler", "del-1"),
        ("direkte-anskaffelse", "vurder-reservasjon"),
    ]
    assert trace["outcome"]["node"] == "del-1-kan-invitere-ideelle"
    console = make_console(width=100)
    with console.capture() as captured:
        console.print(report(trace, [], 100))
    screen = " ".join(captured.get().split())
    assert "Vurderinger underveis" in screen
    assert "Dere kan ikke kjøpe direkte, men dere kan kanskje begrense konkurransen" in screen
    assert screen.index("Vurderinger underveis") < screen.index("Under terskelverdien kan dere invitere")  # the result
    markdown = to_markdown(trace)
    protocol = markdown.split("## Til anskaffelsesprotokollen", 1)[1]
    assert "### Delkonklusjoner" in protocol
    assert "- Oppdragsgiveren kan ikke kjøpe direkte, men oppdragsgiveren kan kanskje begrense konkurransen" in protocol
    assert "- Hvorfor direkte kjøp ikke er aktuelt, og hvilken reservasjonsregel oppdragsgiveren vil bruke." in protocol
    jsonschema.validate(trace, schema_document())
    assert parse_trace(json.dumps(trace).encode("utf-8"), "t.json") == trace


def test_a_trace_from_before_the_conclusions_on_the_way_still_makes_a_report() -> None:
    trace = trace_of(SKETCH, "reserverte-kontrakter", {"tjenestetype": "annet"})
    del trace["passed"]
    markdown = to_markdown(trace)
    assert "underveis" not in markdown and "Delkonklusjoner" not in markdown and "## Konklusjon" in markdown
