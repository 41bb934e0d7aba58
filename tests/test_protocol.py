"""The protocol in protocol language (issue 14, 2): formal third person, only the facts that matter legally,
«vet ikke» as open points, «Konklusjon» with a neutral label for settled classifications, two dates, the legal
text the catalogue follows, and nothing twice."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from anskaffelse.answers import Answers, load_answers
from anskaffelse.catalog import check, open_catalogue
from anskaffelse.engine import Engine
from anskaffelse.export import build_trace, to_markdown
from anskaffelse.model import Question
from anskaffelse.protocol import third_person
from anskaffelse.record import seal
from anskaffelse.session import walk
from anskaffelse.texts import prose_date, prose_time
from conftest import BUNDLED, HERE, SKETCH, cli

RECORD = HERE / "trees" / "record"
CASES = BUNDLED / "cases"
CREATED = dt.datetime(2026, 11, 30, 10, 12, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
RESERVED = {
    "formaal": "reservere",
    "tjenestetype": "helse_sosial",
    "kontraktsverdi": "9 mill",
    "utbytteforbud": "ja",
    "maal_30_2a": "ja",
    "begrunnelse_ideelle": "Fordi det gir kontinuitet for beboerne.",
}


def trace_of(root: Path, tree: str, answers: dict[str, str], day: dt.date = dt.date(2026, 6, 1)) -> Any:
    engine = Engine(open_catalogue(root), day)
    state = walk(engine, tree, Answers(answers), None)
    return build_trace(engine, state, tree, CREATED, complete=True)


def case_trace(name: str) -> Any:
    case = load_answers(CASES / name)
    assert case.tree and case.date
    return trace_of(BUNDLED, case.tree, case.values, dt.date.fromisoformat(case.date))


def protocol_of(trace: Any) -> str:
    return to_markdown(trace).split("## Til anskaffelsesprotokollen", 1)[1].split("\n*Dette er veiledning", 1)[0]


def test_norwegian_prose_dates_and_the_local_time_of_writing() -> None:
    assert prose_date("2026-06-01") == "1. juni 2026" and prose_date("2024-03-21") == "21. mars 2024"
    assert prose_time("2026-11-30T10:12:05+01:00") == "30. november 2026 kl. 10.12"
    assert prose_time("2026-11-30T09:12:05+00:00") == "30. november 2026 kl. 09.12 UTC"  # a version 1 or 2 trace
    markdown = to_markdown(trace_of(RECORD, "reserverte-kontrakter", RESERVED))
    assert "- Vurderingsdato 1. juni 2026; utarbeidet 30. november 2026 kl. 10.12\n" in markdown


def test_the_report_says_which_legal_text_the_catalogue_follows() -> None:
    data = case_trace("01-sykehjem-reservert-ideelle.yaml")
    assert data["law_as_of"] == [{"law": "FOA", "date": "2024-03-21"}]
    assert (
        "- Rettsgrunnlag: katalogen følger FOA slik den lød 21. mars 2024; terskelverdiene er bekreftet til og med "
        "31. desember 2025. Senere endringer er ikke med i vurderingen." in to_markdown(data)
    )
    sketch = trace_of(SKETCH, "ideell-status", {"utbytteforbud": "ja"})
    assert "law_as_of" not in sketch  # katalog.yaml is optional: the sketch loads and runs as it is
    assert "katalogen oppgir ikke hvilken tekst av regelverket den følger" in to_markdown(sketch)


def test_a_broken_katalog_yaml_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(RECORD, root)
    (root / "katalog.yaml").write_text("law_as_of:\n  FOA: 21.3.2024\nfolows: x\n", encoding="utf-8")
    _, findings = check(root)
    messages = [str(f) for f in findings]
    assert any("katalog.yaml:2:8: law_as_of: FOA: forventet en dato ÅÅÅÅ-MM-DD" in m for m in messages), messages
    assert any("katalog.yaml:3:1: ukjent nøkkel «folows»" in m for m in messages), messages


def test_navigation_is_a_tree_key_checked_by_the_loader(tmp_path: Path) -> None:
    catalogue = open_catalogue(BUNDLED)
    marked = {q.id for t in catalogue.trees.values() for q in t.questions() if q.navigation}
    assert {"vv_hva", "vv_alt_maal"} <= marked
    root = tmp_path / "cat"
    shutil.copytree(RECORD, root)
    path = root / "reserverte-kontrakter.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("navigation: true", "navigation: ja"), encoding="utf-8")
    _, findings = check(root)
    assert any("spørsmålet «formaal»: navigation må være true eller false" in str(f) for f in findings)
    schema = json.loads((BUNDLED / "schemas" / "tree.schema.json").read_text(encoding="utf-8"))
    question = next(d for d in schema["definitions"].values() if "navigation" in d.get("properties", {}))
    assert question["properties"]["navigation"]["type"] == "boolean"


def test_navigation_answers_are_left_out_and_vet_ikke_is_an_open_point() -> None:
    data = case_trace("01-sykehjem-reservert-ideelle.yaml")
    assert next(s for s in data["steps"] if s["key"] == "vv_hva")["navigation"] is True
    protocol = protocol_of(data)
    facts = protocol.split("### Faktiske forhold lagt til grunn", 1)[1].split("###", 1)[0]
    assert "Hva vil oppdragsgiveren finne ut?" not in protocol and "finne ut" not in facts
    assert "CPV-kode" not in facts  # answered «vet ikke»: not a fact
    open_points = protocol.split("### Åpne punkter", 1)[1].split("###", 1)[0]
    assert "- Hvilken CPV-kode har det oppdragsgiveren skal kjøpe?" in open_points
    assert "## Spørsmål og svar" in to_markdown(data) and "Hva vil dere finne ut?" in to_markdown(data)


def test_third_person_for_the_buyer_addressed_as_dere() -> None:
    assert third_person("Dere kan reservere konkurransen") == "Oppdragsgiveren kan reservere konkurransen"
    assert (
        third_person("Uavklart – dere trenger mer dokumentasjon")
        == "Uavklart – oppdragsgiveren trenger mer dokumentasjon"
    )
    assert third_person("Etter svarene deres kan dere begrunne det.") == (
        "Etter svarene til oppdragsgiveren kan oppdragsgiveren begrunne det."
    )
    assert third_person("Deres egne regler gjelder.") == "Oppdragsgiverens egne regler gjelder."
    assert third_person("Anderes og derest") == "Anderes og derest"  # whole words only


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.yaml")))
def test_the_protocol_never_addresses_the_buyer(case: str) -> None:
    protocol = protocol_of(case_trace(case))
    # («deres» stays where the regulation itself says it of the suppliers, § 10-5 (2) g)
    assert not re.search(r"\b([Dd]ere|Deres)\b", protocol), re.search(r".{40}\b[Dd]ere\b.{40}", protocol)
    assert "Oppdragsgiveren har" in protocol
    assert "**Vurdering:**" not in protocol  # the reasoning is in «Konklusjon», not printed twice


def test_konklusjon_with_a_neutral_label_for_a_settled_classification() -> None:
    data = case_trace("50-veiviser-regler.yaml")  # ends in hvilke-regler: which part applies
    assert data["outcome"]["verdict"] == "vurder" and data["outcome"]["waypoint"] is True
    markdown = to_markdown(data)
    assert "## Konklusjon\n\n**Avklaring:** Anskaffelsesloven og forskriftens del I gjelder" in markdown
    assert "## Resultat" not in markdown and "Må vurderes nærmere:" not in markdown
    mixed = next(p for p in sorted(CASES.glob("*.yaml")) if load_answers(p).expect == "blandet-vurder")
    blandet = case_trace(mixed.name)
    assert "waypoint" not in blandet["outcome"]  # every tree that calls it ends there: a real «vurder»
    assert "**Må vurderes nærmere:**" in to_markdown(blandet)


def test_nothing_twice() -> None:
    data = trace_of(RECORD, "reserverte-kontrakter", RESERVED)
    markdown = to_markdown(data)
    assert markdown.count(data["outcome"]["text"]) == 1  # «Hvorfor» only
    # The documentation list: once, in the protocol, the same item from two trees once.
    assert markdown.count("Dokumentasjon som skal foreligge i saken") == 1 and "Dette skal dokumenteres" not in markdown
    documents = markdown.split("### Dokumentasjon som skal foreligge i saken", 1)[1].split("\n\n", 2)[1]
    assert documents.count("Vedtektene til leverandøren") == 1
    # Two ids with the same citation and address: one footnote, cited once where both are cited.
    assert markdown.count("[^foa-30-2a]:") == 1 and "foa-30-2a-igjen" not in markdown
    conclusion = markdown.split("## Konklusjon", 1)[1].split("\n## ", 1)[0]
    assert conclusion.count("FOA § 30-2a[^foa-30-2a]") == 1


def test_the_protocol_lists_every_field_of_10_5_with_what_the_walk_knows(tmp_path: Path) -> None:
    data = trace_of(RECORD, "reserverte-kontrakter", RESERVED)
    data["sak"] = {"oppdragsgiver": "Eksempel kommune", "adresse": "Rådhusgata 1", "gjelder": "Sykehjemsdrift"}
    protocol = protocol_of(seal(data))
    letters = re.findall(r"^- ([a-o])\) ", protocol, re.M)
    assert letters == list("abcdefghijklmno")
    assert "- a) Oppdragsgiverens navn og adresse: Eksempel kommune, Rådhusgata 1\n" in protocol
    assert "anskaffelsen: Sykehjemsdrift; anslått verdi 9 000 000 kr ekskl. mva.\n" in protocol
    assert "- f) Navnet på leverandørene som har levert tilbud: *(fylles ut der det er relevant)*" in protocol
    assert "for ideelle organisasjoner: se begrunnelsene under." in protocol
    assert "Fordi det gir kontinuitet for beboerne." in protocol.split("### Oppdragsgiverens begrunnelser", 1)[1]


def test_the_paragraph_follows_the_part_of_the_regulation() -> None:
    del3 = next(p for p in sorted(CASES.glob("*.yaml")) if "del-3" in json.dumps(case_trace(p.name)["passed"]))
    protocol = protocol_of(case_trace(del3.name))
    assert "### Opplysninger etter FOA § 25-5 (2)" in protocol and "- p) Andre vesentlige forhold" in protocol
    del4 = protocol_of(case_trace("01-sykehjem-reservert-ideelle.yaml"))
    assert "protokollen føres etter FOA § 10-5, jf. § 30-1 (7)." in del4
    outside = case_trace("08-kaker-til-arrangement-45000.yaml")
    assert outside["outcome"]["verdict"] == "utenfor_regelverket"
    assert "gjelder ikke anskaffelsesregelverket, og forskriften krever da ingen protokoll" in protocol_of(outside)
    del1 = case_trace("50-veiviser-regler.yaml")
    assert "forskriftens del I; FOA § 7-1 (3) krever at vesentlige forhold nedtegnes" in protocol_of(del1)


def test_every_choice_question_marked_navigation_has_no_fact() -> None:
    for tree in open_catalogue(BUNDLED).trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Question) and node.navigation:
                assert node.fact is None, node.loc  # a fact is part of the case; a way through is not


def test_export_of_a_version_2_trace_still_makes_a_report(tmp_path: Path) -> None:
    from test_record import as_version_2

    data = as_version_2(trace_of(RECORD, "reserverte-kontrakter", RESERVED))
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("export", path)
    assert code == 0, err
    assert "## Konklusjon" in out and "## Hva ville endret resultatet" not in out
