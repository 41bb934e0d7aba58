"""`show --paths` with expression conditions and free-text «vet ikke»: a fact an expression tests
keeps two walks apart, and a text answered «vet ikke» is a path of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from anskaffelse.paths import enumerate_paths
from conftest import engine_for

TREE = """id: uttrykk
title: Uttrykk i forgreninger
version: "1.0"
valid_from: 2026-01-01
start: formaal
nodes:
  formaal:
    question: Er hovedformålet arbeidsinkludering?
    help: Et spørsmål som en forgrening med et uttrykk tester senere, etter et annet spørsmål.
    fact: formaal
    choices:
      ja: {label: Ja, next: andel}
      vet_ikke: {label: Vet ikke, next: andel}
  andel:
    question: Er andelen minst 30 prosent?
    help: Det andre spørsmålet; forgreningen etter det tester begge svarene.
    fact: andel
    choices:
      minst_30: {label: Ja, next: begrunnelse}
      vet_ikke: {label: Vet ikke, next: begrunnelse}
  begrunnelse:
    question: Hvorfor?
    help: Fritekst; «vet ikke» gir et eget utfall.
    input: text
    fact: begrunnelse
    next: vurder
  vurder:
    branch:
      - when: "ikke kjent(begrunnelse)"
        next: mangler
      - when: "formaal = ja og andel = minst_30"
        next: tillatt
      - when: "ikke kjent(formaal)"
        next: formaal-ukjent
      - otherwise: andel-ukjent
  tillatt:
    outcome: {verdict: tillatt, title: Tillatt, text: Begge vilkårene er oppfylt og begrunnet., sources: [loa-4]}
  formaal-ukjent:
    outcome: {verdict: vurder, title: Hovedformålet er ukjent, text: Hovedformålet er ikke avklart., sources: [loa-4]}
  andel-ukjent:
    outcome: {verdict: vurder, title: Andelen er ukjent, text: Andelen er ikke avklart., sources: [loa-4]}
  mangler:
    outcome: {verdict: vurder, title: Begrunnelse mangler, text: Begrunnelsen er ikke skrevet., sources: [loa-4]}
"""


def test_paths_keep_walks_apart_on_facts_an_expression_tests_and_try_vet_ikke_at_text(
    catalogue_with: Callable[..., Path],
) -> None:
    engine = engine_for(catalogue_with({"uttrykk.yaml": TREE}))
    paths = enumerate_paths(engine, "uttrykk")
    # Without counting the facts an expression reads, the walk after «formaal = vet_ikke» would be
    # taken for the one after «formaal = ja» at the second question, and never listed.
    routes = {tuple(raw for _, raw in p.answers): p.outcome for p in paths}
    assert routes[("ja", "minst_30", "Eksempeltekst")] == "tillatt"
    assert routes[("vet_ikke", "minst_30", "Eksempeltekst")] == "formaal-ukjent"
    assert {p.outcome for p in paths} == {"tillatt", "formaal-ukjent", "andel-ukjent", "mangler"}
    assert any(p.answers[-1] == ("begrunnelse", "vet_ikke") and p.outcome == "mangler" for p in paths)
