"""Every kind of tree mistake, with the exact message and position `validate` must give."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from anskaffelse import yamlfile
from anskaffelse.catalog import check
from conftest import BUNDLED, parse_yaml

HEAD = 'id: {id}\ntitle: Test\nversion: "1"\nvalid_from: 2026-01-01\nstart: q\nnodes:\n'
# Line 7 is the first node line in every case below.
OUT = "  o:\n    outcome:\n      verdict: tillatt\n      title: T\n      text: T\n      sources: [loa-4]\n"


def question(node_id: str, *targets: str, extra: str = "") -> str:
    lines = [f"  {node_id}:", f"    question: Spørsmål {node_id}?", "    help: Hjelp."]
    lines += [extra] if extra else []
    lines.append("    choices:")
    lines += [f"      c{i}: {{label: Valg {i}, next: {t}}}" for i, t in enumerate(targets)]
    return "\n".join(lines) + "\n"


CASES: list[tuple[str, str, str]] = [
    (
        "unknown-key",
        question("q", "o", "o", extra="    hepl: Skrivefeil") + OUT,
        "10:5: ukjent nøkkel «hepl» i spørsmålet «q»; mente du «help»?",
    ),
    (
        "missing-field",
        question("q", "o", "o") + OUT.replace("      text: T\n", ""),
        "15:7: utfallet «o» mangler «text»",
    ),
    ("unknown-node", question("q", "o", "o9") + OUT, "7:3: «q» peker til ukjent node «o9»; mente du «o»?"),
    (
        "unknown-tree",
        "  q:\n    call: finnes-ikke\n    returns: {a: o}\n" + OUT,
        "7:3: «q» kaller ukjent tre «finnes-ikke»",
    ),
    (
        "unknown-source",
        question("q", "o", "o") + OUT.replace("[loa-4]", "[loa-44]"),
        "13:3: utfallet «o» viser til ukjent kilde «loa-44»; mente du «loa-4»?",
    ),
    (
        "unknown-threshold",
        "  q:\n    question: Verdi?\n    help: h\n    input: amount\n    fact: belop\n    next: b\n"
        "  b:\n    branch:\n      - when: {fact: belop, gte: {threshold: nasjonall}}\n"
        "        next: o\n      - otherwise: o\n" + OUT,
        "15:34: ukjent terskelverdi «nasjonall»; mente du «nasjonal»?",
    ),
    (
        "cycle",
        question("q", "q2", "o") + question("q2", "q", "o") + OUT,
        "13:3: sløyfe i treet: q → q2 → q; en vei må alltid ende i et utfall",
    ),
    ("self-loop", question("q", "q", "o") + OUT, "7:3: sløyfe i treet: q → q; en vei må alltid ende i et utfall"),
    (
        "unreachable",
        question("q", "o", "o") + question("q2", "o", "o") + OUT,
        "13:3: noden «q2» kan ikke nås fra start «q»",
    ),
    ("one-choice", question("q", "o") + OUT, "7:3: spørsmålet «q» må ha minst to valg (har 1)"),
    (
        "no-sources",
        question("q", "o", "o") + OUT.replace("[loa-4]", "[]"),
        "13:3: utfallet «o» mangler kilder (sources)",
    ),
    (
        "no-sources-key",
        question("q", "o", "o") + OUT.replace("      sources: [loa-4]\n", ""),
        "13:3: utfallet «o» mangler kilder (sources)",
    ),
    (
        "duplicate-answer-key",
        question("spor", "o", "o") + OUT,
        "under.yaml:7:3: svarnøkkelen «spor» brukes også av spørsmålet i",
    ),
    (
        "node-id-is-fact",
        question("belop", "o", "o") + OUT,
        "7:3: svarnøkkelen «belop» er både node-id og navnet på et faktum; gi noden et annet navn",
    ),
    (
        "fact-mismatch",
        question("q", "o", "o", extra="    fact: kjopertype") + OUT,
        "hoved.yaml:7:3: faktum «kjopertype» spørres også i",
    ),
    (
        "duplicate-yaml-key",
        question("q", "o", "o") + question("q", "o", "o") + OUT,
        "13:3: nøkkelen «q» står to ganger (første gang på linje 7)",
    ),
    (
        "norway-choice",
        question("q", "o", "o").replace("c0:", "no:") + OUT,
        '11:7: valg-id «no» leses som sannhetsverdi i YAML (Norge-problemet); skriv "no" i anførselstegn',
    ),
    (
        "norway-node",
        question("q", "on", "o") + OUT + OUT.replace("  o:", "  on:"),
        "19:3: node-id «on» leses som sannhetsverdi i YAML (Norge-problemet)",
    ),
    (
        "norway-next",
        question("q", "off", "o") + OUT,
        "11:33: valget «c0»: next «off» leses som sannhetsverdi i YAML (Norge-problemet)",
    ),
    (
        "bad-id",
        question("q", "o", "o") + OUT + OUT.replace("  o:", "  Stort Utfall:"),
        "19:3: node-id «Stort Utfall» er ikke en gyldig id",
    ),
    (
        "returns-incomplete",
        "  q:\n    call: under\n    returns: {a: o}\n" + OUT,
        "7:3: «q»: returns mangler utfallet «b» fra «under»; bruk «b: end» for å avslutte der",
    ),
    (
        "returns-unknown",
        "  q:\n    call: under\n    returns: {a: o, b: o, c: o}\n" + OUT,
        "7:3: «q»: treet «under» har ikke utfallet «c» (har: a, b)",
    ),
    (
        "no-otherwise",
        "  q:\n    branch:\n      - when: {fact: kjopertype, eq: stat}\n        next: o\n" + OUT,
        "9:7: forgreningen «q» må slutte med «- otherwise: <node>»",
    ),
    (
        "fact-not-known",
        question("q", "b", "v")
        + "  v:\n    question: Verdi?\n    help: h\n    input: amount\n    fact: belop\n    next: b\n"
        "  b:\n    branch:\n      - when: {fact: belop, gte: 100}\n        next: o\n      - otherwise: o\n" + OUT,
        "21:9: forgreningen «b» tester faktum «belop», som ikke er besvart på alle veier hit i «fact-not-known»",
    ),
    (
        "wrong-choice-in-condition",
        "  q:\n    branch:\n      - when: {fact: kjopertype, eq: fylke}\n        next: o\n      - otherwise: o\n" + OUT,
        "9:15: «kjopertype» har ikke valget «fylke» (har: annen, kommune, stat)",
    ),
    (
        "no-kind",
        "  q:\n    label: Hva?\n" + OUT,
        "8:5: ukjent nøkkel «label» i noden «q»; en node må ha én av question, branch, call, goto, outcome, compute",
    ),
    (
        "two-kinds",
        "  q:\n    goto: under\n    call: under\n    returns: {a: o, b: o}\n" + OUT,
        "7:3: noden «q» kan ha bare én av question, branch, call, goto, outcome, compute; fant call og goto",
    ),
    (
        "id-not-file-name",
        question("q", "o", "o") + OUT,
        "1:1: tre-id «annet-navn» skal være lik filnavnet «id-not-file-name»",
    ),
]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_with_its_position(
    name: str, body: str, expected: str, catalogue_with: Callable[..., Path]
) -> None:
    tree_id = "annet-navn" if name == "id-not-file-name" else name
    root = catalogue_with({f"{name}.yaml": HEAD.format(id=tree_id) + body})
    _, findings = check(root)
    shown = [str(f) for f in findings if not f.warning]
    where = expected if expected.split(":", 1)[0].endswith(".yaml") else f"{name}.yaml:{expected}"
    assert any(f"/{where}" in line for line in shown), "\n".join(shown)


def test_ja_nei_and_vet_ikke_are_plain_ids(catalogue_with: Callable[..., Path]) -> None:
    body = question("q", "o", "o", "o").replace("c0:", "ja:").replace("c1:", "nei:").replace("c2:", "vet_ikke:") + OUT
    root = catalogue_with({"janei.yaml": HEAD.format(id="janei") + body})
    _, findings = check(root)
    assert [str(f) for f in findings] == []


def test_all_problems_are_reported_at_once(catalogue_with: Callable[..., Path]) -> None:
    body = question("q", "o9", "o").replace("c0:", "no:") + question("q", "o", "o") + OUT.replace("[loa-4]", "[]")
    root = catalogue_with({"mange.yaml": HEAD.format(id="mange") + body})
    _, findings = check(root)
    messages = [f.message for f in findings]
    assert any("Norge-problemet" in m for m in messages)
    assert any("står to ganger" in m for m in messages)
    assert any("mangler kilder" in m for m in messages)
    lines = [(f.loc.line, f.loc.col) for f in findings]
    assert lines == sorted(lines)


def test_the_sketch_catalogue_is_valid() -> None:
    from conftest import SKETCH

    _, findings = check(SKETCH)
    assert [f for f in findings if not f.warning] == []


def test_a_fact_the_called_tree_always_asks_may_be_tested_after_the_call(catalogue_with: Callable[..., Path]) -> None:
    body = (
        "  c:\n    call: hoved\n    returns: {lite: b, stor: b}\n"
        "  b:\n    branch:\n      - when: {fact: belop, gte: 1000}\n        next: o\n"
        "      - when: {fact: haster, eq: ja}\n        next: o\n      - otherwise: o\n" + OUT
    )
    root = catalogue_with({"etter-kall.yaml": HEAD.format(id="etter-kall").replace("start: q", "start: c") + body})
    _, findings = check(root)
    shown = [str(f) for f in findings]
    # belop is asked on every path through hoved; haster only on some of them.
    assert len(shown) == 1, shown
    assert shown[0].endswith(
        "etter-kall.yaml:14:9: forgreningen «b» tester faktum «haster», "
        "som ikke er besvart på alle veier hit i «etter-kall»"
    )


def chain(tree_id: str, length: int, end: str) -> str:
    """A tree of `length` yes/no questions in a row, then `end` (the node «slutt»), then «o»."""
    ids = [f"{tree_id}{i}" for i in range(length)] + ["slutt"]
    lines = [
        f"  {ids[i]}:\n    question: Spørsmål {i}?\n    help: h\n    input: yesno\n    next: {ids[i + 1]}\n"
        for i in range(length)
    ]
    return HEAD.format(id=tree_id).replace("start: q", f"start: {ids[0]}") + "".join(lines) + end + OUT


def test_the_route_limit_counts_the_longest_route_into_a_called_tree(catalogue_with: Callable[..., Path]) -> None:
    root = catalogue_with(
        {
            "lang.yaml": chain("lang", 150, "  slutt:\n    call: kort\n    returns: {o: o}\n"),
            "kort.yaml": chain(
                "kort", 100, "  slutt:\n    question: Siste?\n    help: h\n    input: yesno\n    next: o\n"
            ),
        }
    )
    _, findings = check(root)
    shown = [(Path(f.loc.file).name, f.loc.line, f.loc.col, f.message) for f in findings if not f.warning]
    # kort: 100 questions, «slutt» and the outcome = 102 nodes; lang: 150 questions, the call and
    # the longest way on from it (into kort: 102) = 253.
    message = "den lengste veien fra start i «lang» går gjennom 253 noder; grensen er 200 – del opp treet"
    assert shown == [("lang.yaml", 5, 8, message)]


def test_no_route_length_is_claimed_when_trees_call_each_other_in_a_ring(catalogue_with: Callable[..., Path]) -> None:
    root = catalogue_with(
        {
            "lang.yaml": chain("lang", 250, "  slutt:\n    call: kort\n    returns: {o: o}\n"),
            "kort.yaml": chain("kort", 3, "  slutt:\n    call: lang\n    returns: {o: o}\n"),
        }
    )
    _, findings = check(root)
    messages = [f.message for f in findings if not f.warning]
    assert any("kaller hverandre i ring" in m for m in messages), messages
    assert not any("lengste veien" in m for m in messages), messages


def _plain(y: yamlfile.Y) -> object:
    """A Y value as plain data with every position, for comparing two readings."""
    if isinstance(y, yamlfile.YScalar):
        return ("scalar", y.text, y.tag, y.plain, y.refused, y.loc)
    if isinstance(y, yamlfile.YMap):
        return ("map", y.loc, [(k.text, k.loc, _plain(v)) for k, v in y.items.values()])
    return ("seq", y.loc, [_plain(item) for item in y.items])


LOADER_SAMPLES = {
    "duplicate-key": "a: 1\nb: 2\na: 3\n",
    "alias": "a: &x 1\nb: *x\n",
    "foreign-tag": "a: !!python/object:os.system ls\nb: [1, !ukjent 2]\n",
    "norway": "svar: no\nid: 'no'\ndato: 2026-01-01\nbeløp: 1300000\n",
    "escape": 'a: "\\e[31m"\n',
}


@pytest.mark.parametrize(
    "name", [*LOADER_SAMPLES, *(p.name for p in sorted(BUNDLED.glob("*.yaml")))], ids=lambda name: name
)
def test_the_pure_python_yaml_loader_reads_exactly_as_libyaml(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (BUNDLED / name).read_bytes() if name.endswith(".yaml") else LOADER_SAMPLES[name].encode()
    assert yamlfile._Loader is yaml.CSafeLoader  # libyaml is there: it is what users get
    fast, fast_findings = parse_yaml(data, name)
    monkeypatch.setattr(yamlfile, "_Loader", yaml.SafeLoader)
    slow, slow_findings = parse_yaml(data, name)
    assert _plain(slow) == _plain(fast)
    assert slow_findings == fast_findings
    if not name.endswith(".yaml"):
        assert fast_findings or name == "norway"  # the samples are refused, not quietly read


def test_the_characters_refused_are_exactly_those_yaml_refuses() -> None:
    ours, pyyaml = yamlfile._NON_PRINTABLE, yaml.reader.Reader.NON_PRINTABLE
    # Every code point but the surrogates, which UTF-8 decoding can never produce.
    text = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF)
    assert [m.start() for m in ours.finditer(text)] == [m.start() for m in pyyaml.finditer(text)]


def test_a_misspelt_node_kind_is_named_with_a_guess_and_nothing_else(catalogue_with: Callable[..., Path]) -> None:
    body = question("q", "o", "o").replace("    question: Spørsmål q?", "    queston: Spørsmål q?") + OUT
    root = catalogue_with({"stav.yaml": HEAD.format(id="stav") + body})
    _, findings = check(root)
    shown = [str(f) for f in findings if f.loc.file.endswith("stav.yaml") and not f.warning]
    assert len(shown) == 1, shown
    assert shown[0].endswith("8:5: ukjent nøkkel «queston» i noden «q»; mente du «question»?"), shown
    assert not any("start viser til ukjent node" in s for s in shown)


def test_ten_thousand_warnings_and_no_error_are_valid_and_say_how_many_were_not_shown(tmp_path: Path) -> None:
    from conftest import KINDS, cli

    root = tmp_path / "c"
    root.mkdir()
    for name in ("kilder.yaml", "terskelverdier.yaml"):
        (root / name).write_bytes((KINDS / name).read_bytes())
    lines = [HEAD.format(id="stor").replace("start: q", "start: q0")]
    n = 10_000  # questions without help, a warning each, as a binary tree (short routes)
    for i in range(n):
        a, b = (f"q{2 * i + 1}" if 2 * i + 1 < n else "o"), (f"q{2 * i + 2}" if 2 * i + 2 < n else "o")
        lines.append(f"  q{i}:\n    question: Spørsmål {i}?\n    choices:\n")
        lines.append(f"      a: {{label: A, next: {a}}}\n      b: {{label: B, next: {b}}}\n")
    lines.append("  o:\n    outcome: {verdict: vurder, title: T, text: T, sources: [loa-4]}\n")
    (root / "stor.yaml").write_text("".join(lines), encoding="utf-8")
    code, out, _ = cli("validate", "--trees", root)
    assert "feil:" not in out.replace("0 feil", ""), out[-2000:]
    assert code == 0, out[-2000:]
    assert "9 900 advarsler til i filen vises ikke (over 100)" in out
    assert "0 feil, 10 000 advarsler" in out


def test_an_outcome_that_ends_the_walk_does_not_make_a_callers_fact_uncertain(tmp_path: Path) -> None:
    """A called tree's outcome whose return is `end` need not answer what the caller tests later."""
    root = tmp_path / "c"
    shutil.copytree(BUNDLED, root)
    tree = (root / "hvilke-regler.yaml").read_text(encoding="utf-8")
    tree = tree.replace("        next: hr_cpv\n", "        next: hr_stopp\n", 1)
    tree += "  hr_stopp:\n    question: Stopp?\n    help: En prøve som avslutter før tjenestetypen er kjent.\n"
    tree += "    choices:\n      ja: {label: Ja, next: hr_slutt}\n      nei: {label: Nei, next: hr_cpv}\n"
    tree += "  hr_slutt:\n    outcome: {verdict: vurder, title: Slutt, text: T, sources: [loa-4]}\n"
    (root / "hvilke-regler.yaml").write_text(tree, encoding="utf-8")
    for name in ("direkte-anskaffelse.yaml", "reserverte-kontrakter.yaml", "veiviser.yaml"):
        text = (root / name).read_text(encoding="utf-8")
        (root / name).write_text(
            text.replace(
                "call: hvilke-regler\n    returns:\n", "call: hvilke-regler\n    returns:\n      hr_slutt: end\n"
            ),
            encoding="utf-8",
        )
    _, findings = check(root)
    assert [str(f) for f in findings if not f.warning] == []
