"""CPV classification and search (anskaffelse.cpv) and the generated data file (scripts/gen_cpv.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anskaffelse import cpv

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = json.loads(cpv.DATA_FILE.read_text(encoding="utf-8"))
SYNONYM_WORDS = [(w, entry["codes"]) for entry in SHIPPED["synonyms"] for w in entry["words"]]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cpv", ROOT / "scripts" / "gen_cpv.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def codes(matches: list[cpv.Match]) -> list[str]:
    return [m.code for m in matches]


# --- the generated file ------------------------------------------------------------------------------------------


def test_shipped_json_is_generated_from_the_sources() -> None:
    gen = load_generator()
    fresh = gen.render(gen.build())
    shipped = cpv.DATA_FILE.read_text(encoding="utf-8")
    assert fresh == shipped, (
        "src/anskaffelse/data/cpv.json differs from what data/cpv/ gives (edited by hand, or stale): "
        "run `python scripts/gen_cpv.py`"
    )


def test_generated_file_is_deterministic_and_compact() -> None:
    text = cpv.DATA_FILE.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\n" not in text[:-1]
    assert "ø" in text  # not \u00f8
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    assert len(SHIPPED["codes"]) == 9454
    assert SHIPPED["credit"] == cpv.CREDIT
    assert SHIPPED["annexes"]["1"]["ranges"] == [["45000000", "45999999"]]
    assert {a["citation"] for a in SHIPPED["annexes"].values()} == {f"FOA vedlegg {n}" for n in (1, 2, 3, 4)}


def write_sources(folder: Path, *, annex2: str, vocabulary: str | None = None, synonyms: str | None = None) -> None:
    folder.mkdir()
    (folder / "cpv-2008-nob.yaml").write_text(
        vocabulary
        or "'85000000': {name: Health, nob: Helse, history: [], nob_verify: false}\n"
        "'85100000': {name: Health services, nob: '', history: [], nob_verify: true}\n",
        encoding="utf-8",
    )
    (folder / "annex-2-services.yaml").write_text(annex2, encoding="utf-8")
    for n in (3, 4):
        (folder / f"annex-{n}-services.yaml").write_text(
            f"annex: {{name: X, source: FOA Vedlegg {n}, services: [{{cpv_code: '85000000'}}]}}\n", encoding="utf-8"
        )
    (folder / "synonymer.yaml").write_text(
        synonyms or "synonyms: [{words: [helse], codes: ['85100000']}]\n", encoding="utf-8"
    )


GOOD_ANNEX_2 = (
    "annex: {name: Særlige, source: FOA Vedlegg 2, services: [{cpv_start: '85000000', cpv_end: '85100000'}]}\n"
)


def test_generator_writes_small_sources(tmp_path: Path) -> None:
    gen = load_generator()
    write_sources(tmp_path / "src", annex2=GOOD_ANNEX_2)
    out = tmp_path / "cpv.json"
    assert gen.main(["--sources", str(tmp_path / "src"), "--output", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["codes"] == {"85000000": "Helse", "85100000": "Health services"}  # English where nob is empty
    assert data["name_unverified"] == ["85100000"] and data["name_english"] == ["85100000"]
    assert data["annexes"]["2"]["ranges"] == [["85000000", "85100000"]]
    assert gen.main(["--sources", str(tmp_path / "src"), "--output", str(out), "--check"]) == 0


@pytest.mark.parametrize(
    ("annex2", "synonyms", "says"),
    [
        (GOOD_ANNEX_2.replace("'85000000', cpv_end: '85100000'", "'85100000', cpv_end: '85000000'"), None,
         "range start 85100000 is after its end 85000000"),
        (GOOD_ANNEX_2.replace("cpv_end: '85100000'", "cpv_end: '851000'"), None, "'851000' is not a CPV code of 8"),
        (GOOD_ANNEX_2.replace("{cpv_start: '85000000', cpv_end: '85100000'}", "{cpv_code: 85000000}"), None,
         "85000000 is not a CPV code of 8 digits (write it in quotes)"),
        (GOOD_ANNEX_2.replace("{cpv_start: '85000000', cpv_end: '85100000'}", "{cpv_code: '85200000'}"), None,
         "85200000 is not a code in cpv-2008-nob.yaml"),
        (GOOD_ANNEX_2.replace("FOA Vedlegg 2", "FOA Vedlegg 3"), None, "expected 'FOA Vedlegg 2'"),
        (GOOD_ANNEX_2, "synonyms: [{words: [x], codes: ['99999999']}]\n", "99999999 is not a code"),
        (GOOD_ANNEX_2, "synonyms: [{words: [x], codes: ['85000000']}, {words: [X], codes: ['85000000']}]\n",
         "already in entry 1"),
        ("annex: [unclosed\n", None, "not valid YAML"),
    ],
)  # fmt: skip
def test_generator_refuses_bad_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], annex2: str, synonyms: str | None, says: str
) -> None:
    gen = load_generator()
    write_sources(tmp_path / "src", annex2=annex2, synonyms=synonyms)
    out = tmp_path / "cpv.json"
    assert gen.main(["--sources", str(tmp_path / "src"), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gen_cpv: ") and says in err
    assert not out.exists()


def test_generator_refuses_a_code_that_is_not_8_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gen = load_generator()
    write_sources(tmp_path / "src", annex2=GOOD_ANNEX_2, vocabulary="'8500000': {name: X, nob: Y, nob_verify: false}\n")
    assert gen.main(["--sources", str(tmp_path / "src"), "--output", str(tmp_path / "o.json")]) == 1
    assert "a CPV code must be a string of 8 digits" in capsys.readouterr().err


def test_check_mode_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gen = load_generator()
    write_sources(tmp_path / "src", annex2=GOOD_ANNEX_2)
    stale = tmp_path / "cpv.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert gen.main(["--sources", str(tmp_path / "src"), "--output", str(stale), "--check"]) == 1
    assert "run `python scripts/gen_cpv.py`" in capsys.readouterr().err


# --- the annexes as data -----------------------------------------------------------------------------------------


def listed(code: str, annex: str) -> bool:
    entry = SHIPPED["annexes"][annex]
    return code in entry["codes"] or any(start <= code <= end for start, end in entry["ranges"])


def test_no_code_is_listed_in_both_vedlegg_2_and_3() -> None:
    """The rule «vedlegg 3 wins» in cpv/codes.py is only a tie-breaker for probable codes; the data has no overlap."""
    assert [c for c in SHIPPED["codes"] if listed(c, "2") and listed(c, "3")] == []


def test_vedlegg_4_is_inside_vedlegg_3() -> None:
    assert [c for c in SHIPPED["codes"] if listed(c, "4") and not listed(c, "3")] == []


# --- codes -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("55510000", "55510000"),
        ("55510000-4", "55510000"),
        (" 5551 0000 - 4 ", "55510000"),
        ("５５５１００００", "55510000"),  # full-width digits
        ("55510000–4", "55510000"),  # en dash
        ("5551000", None),
        ("555100004", None),
        ("55510000-", None),
        ("55510000-42", None),
        ("kantine", None),
        ("", None),
        ("٥٥٥١٠٠٠٠", None),  # Arabic-Indic digits are not CPV
    ],
)
def test_normalize_code(text: str, code: str | None) -> None:
    assert cpv.normalize_code(text) == code


def test_normalize_code_takes_only_text() -> None:
    assert cpv.normalize_code(55510000) is None
    assert cpv.normalize_code(None) is None


def test_parent_zeroes_the_last_significant_digit() -> None:
    assert cpv.ancestors("85311000") == ["85310000", "85300000", "85000000"]
    assert cpv.parent("85000000") is None
    assert cpv.parent("80000000") is None  # not 00000000
    assert cpv.parent("10000000") is None
    assert cpv.parent("03111000") == "03110000"
    assert cpv.ancestors("45213316") == ["45213310", "45213300", "45213000", "45210000", "45200000", "45000000"]
    assert cpv.is_descendant("85311100", "85300000")
    assert not cpv.is_descendant("85300000", "85300000")
    assert not cpv.is_descendant("85400000", "85300000")


# --- classify ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "certainty", "annex", "vedlegg4", "via"),
    [
        ("55510000", "saerlig", "listed", 2, False, "55510000"),
        ("92311000", "saerlig", "listed", 2, False, "92000000–92700000"),  # an artwork, basis § 7
        ("79611000", "saerlig", "listed", 2, False, "79611000"),
        ("85311000", "helse_sosial", "listed", 3, True, "85000000–85323000"),
        ("80100000", "helse_sosial", "listed", 3, False, "80000000–80660000"),
        ("80660000", "helse_sosial", "listed", 3, False, "80000000–80660000"),
        ("75121000", "helse_sosial", "listed", 3, True, "75121000"),  # also below 75000000 of vedlegg 2
        ("75231200", "helse_sosial", "listed", 3, False, "75231200"),
        ("98133110", "saerlig", "listed", 2, False, "98133110"),  # also below 98133100 of vedlegg 3
        ("85000000", "helse_sosial", "listed", 3, True, "85000000–85323000"),
        ("85323000", "helse_sosial", "listed", 3, True, "85000000–85323000"),
        ("98341140", "saerlig", "probable", 2, False, "98000000"),  # vaktmester: under 98000000 only
        ("64200000", "saerlig", "probable", 2, False, "64000000"),  # telecom under the postal 64000000
        ("72000000", "annen_tjeneste", "not_listed", None, False, None),
        ("48190000", "vare", "not_listed", None, False, None),
        ("48000000", "vare", "not_listed", None, False, None),
        ("03111000", "vare", "not_listed", None, False, None),
        ("44000000", "vare", "not_listed", None, False, None),
        ("45000000", "bygg_anlegg", "listed", 1, False, "45000000–45999999"),
        ("45215213", "bygg_anlegg", "listed", 1, False, "45000000–45999999"),
    ],
)
def test_classify(code: str, kind: str, certainty: str, annex: int | None, vedlegg4: bool, via: str | None) -> None:
    found = cpv.classify(code)
    assert (found.kind, found.certainty, found.annex, found.vedlegg4, found.via) == (
        kind,
        certainty,
        annex,
        vedlegg4,
        via,
    )
    assert found.known and found.name == SHIPPED["codes"][code]
    assert found.citation == (f"FOA vedlegg {annex}" if annex else None)


def test_explanations_are_plain_norwegian() -> None:
    assert cpv.classify("85311000").explanation == (
        "helse- og sosialtjeneste (FOA vedlegg 3); også i FOA vedlegg 4, så § 30-2 kan gjelde"
    )
    assert cpv.classify("80100000").explanation.endswith("ikke i FOA vedlegg 4, så § 30-2 gjelder ikke")
    assert cpv.classify("55510000").explanation == "særlig tjeneste (FOA vedlegg 2)"
    assert cpv.classify("03111000").explanation == "vare – ikke en tjeneste"
    assert cpv.classify("45000000").explanation == "bygge- og anleggsarbeid (FOA vedlegg 1) – ikke en tjeneste"
    assert cpv.classify("72000000").explanation == "annen tjeneste – ikke i FOA vedlegg 2 eller 3"
    probable = cpv.classify("98341140").explanation
    assert probable.startswith("sannsynligvis særlig tjeneste (FOA vedlegg 2) – sjekk") and "98000000" in probable


def test_classify_accepts_the_check_digit_form() -> None:
    assert cpv.classify("55510000-4") == cpv.classify("55510000")
    assert cpv.classify("03111000").name == "Frø"


def test_a_code_just_past_a_range_is_not_listed_and_not_known() -> None:
    """85323001 is 8 digits but not in CPV 2008; it is after 85000000–85323000 and below the listed 85323000."""
    found = cpv.classify("85323001")
    assert not found.known and found.name is None
    assert (found.kind, found.certainty, found.annex, found.via, found.vedlegg4) == (
        "helse_sosial",
        "probable",
        3,
        "85323000",
        None,
    )
    assert found.explanation.startswith("85323001 finnes ikke i CPV 2008 – sjekk koden.")


def test_a_code_in_no_cpv_division() -> None:
    found = cpv.classify("99000000")
    assert (found.kind, found.known, found.annex, found.vedlegg4) == ("ukjent", False, None, None)
    assert "99 er ingen CPV-hovedgruppe" in found.explanation


@pytest.mark.parametrize("text", ["", "kantine", "5551", "555100004", "x" * 10_000])
def test_classify_refuses_what_is_not_a_code(text: str) -> None:
    with pytest.raises(cpv.CodeProblem, match="er ikke en CPV-kode; skriv åtte sifre"):
        cpv.classify(text)


def test_every_code_classifies() -> None:
    kinds = {cpv.classify(code).kind for code in SHIPPED["codes"]}
    assert kinds == {"bygg_anlegg", "saerlig", "helse_sosial", "annen_tjeneste", "vare"}


# --- search ------------------------------------------------------------------------------------------------------


def test_search_by_code_with_check_digit() -> None:
    found = cpv.search("55510000-4")
    assert codes(found) == ["55510000", "55511000", "55512000"]  # the code, then the codes below it
    assert found[0].why == "koden" and found[1].why == "underkode av 55510000"
    assert found[0].classification.kind == "saerlig"


def test_search_by_prefix() -> None:
    found = cpv.search("5551", limit=100)
    assert codes(found) == sorted(c for c in SHIPPED["codes"] if c.startswith("5551"))
    assert found and all(m.why == "koden begynner med 5551" for m in found)


def test_search_by_unknown_full_code_still_says_what_it_is() -> None:
    found = cpv.search("85323001")
    assert codes(found) == ["85323001"] and found[0].name == "(ikke en kjent CPV-kode)"


def test_rus_does_not_find_grus() -> None:
    found = cpv.search("rus", limit=200)
    assert found
    assert not [m for m in found if "grus" in m.name.casefold()]
    assert found[0].code in dict(SYNONYM_WORDS)["rusbehandling"]


def test_kantine_finds_the_canteen_codes() -> None:
    found = cpv.search("kantine", limit=50)
    assert codes(found)[:3] == ["55510000", "55512000", "55511000"]
    assert {"55500000", "39312200", "45212422"} <= set(codes(found))
    assert all("kantin" in m.name.casefold() for m in found)


@pytest.mark.parametrize("word", ["kantiner", "kantinen", "kantinene", "Kantina", "KANTINE"])
def test_plural_and_definite_forms(word: str) -> None:
    assert set(codes(cpv.search(word))[:3]) == {"55510000", "55511000", "55512000"}


def test_definite_form_with_a_doubled_consonant() -> None:
    assert codes(cpv.search("sykehjemmet"))[:3] == dict(SYNONYM_WORDS)["sykehjem"]


def test_word_inside_a_compound() -> None:
    assert "33693300" in codes(cpv.search("behandling", limit=100))  # «Avhengighetsbehandling»
    tail = cpv.search("skolekantine", limit=50)  # in no name: its last part «kantine» is searched
    assert codes(tail)[:3] == ["55510000", "55512000", "55511000"]
    assert tail[3].why == "navnet begynner med «kantine» (sist i «skolekantine»)"


def test_short_words_do_not_match_inside_compounds() -> None:
    assert "14212120" not in codes(cpv.search("rus", limit=500))  # Grus
    assert "03221440" not in codes(cpv.search("kål", limit=500))  # Rosenkål: «kaal» is 4 letters once folded


def test_ae_oe_aa_spellings() -> None:
    assert codes(cpv.search("groentvedlikehold")) == codes(cpv.search("grøntvedlikehold"))
    assert "03111000" in codes(cpv.search("FRØ", limit=100))
    assert codes(cpv.search("froe", limit=100)) == codes(cpv.search("frø", limit=100))


def test_all_words_must_match() -> None:
    assert codes(cpv.search("drift kantiner")) == ["55512000"]
    assert codes(cpv.search("drift av kantiner")) == ["55512000"]  # «av» is a small word
    assert cpv.search("kantine xyzzy") == []


def test_leseprogram_gives_teaching_and_software() -> None:
    found = cpv.search("leseprogram")
    assert codes(found)[:2] == ["80000000", "48190000"]
    assert found[0].classification.kind == "helse_sosial" and found[1].classification.kind == "vare"
    assert found[0].note and "programvare" in found[0].note
    app = cpv.search("leseapp")
    assert [m.classification.kind for m in app[:2]] == ["vare", "helse_sosial"]


TIER_WHY = {"navnet begynner med": 1, "et ord i navnet begynner med": 2}


def tier(match: cpv.Match) -> int:
    for start, number in TIER_WHY.items():
        if match.why.startswith(start):
            return number
    assert "del av et sammensatt ord" in match.why, match.why
    return 3


@pytest.mark.parametrize("query", ["telefon", "redning", "vask", "omsorg", "undervisning"])
def test_ranking_name_start_then_word_start_then_compound(query: str) -> None:
    found = [m for m in cpv.search(query, limit=500) if not m.why.startswith("søkeordet")]
    order = [tier(m) for m in found]
    assert order == sorted(order)
    assert len(set(order)) >= 2, order


def test_ranking_puts_the_exact_code_first() -> None:
    assert cpv.search("85311000")[0].code == "85311000"
    assert cpv.search("85311000")[0].why == "koden"


@pytest.mark.parametrize("query", ["", "   ", "xyzzy", "!!!", "-", "–", "qqqqqqqqq", "\x00"])
def test_empty_or_nonsense_query_gives_nothing(query: str) -> None:
    assert cpv.search(query) == []


def test_limit() -> None:
    assert len(cpv.search("tjenester", limit=5)) == 5
    assert cpv.search("kantine", limit=0) == []
    assert len(cpv.search("85", limit=3)) == 3


REQUIRED_WORDS = [
    "rusbehandling",
    "leseprogram",
    "leseapp",
    "arbeidstrening",
    "arbeidsinkludering",
    "arbeidsmarkedstiltak",
    "avlastning",
    "BPA",
    "barnevern",
    "barnevernsinstitusjon",
    "fosterhjem",
    "dagsenter",
    "aktivitetstilbud",
    "kantine",
    "lunsj",
    "skolemat",
    "vaktmester",
    "grøntvedlikehold",
    "vask",
    "vaskeri",
    "renhold",
    "catering",
    "sykehjem",
    "hjemmetjeneste",
    "omsorgsbolig",
    "krisesenter",
    "rusomsorg",
    "leksehjelp",
    "ambulanse",
    "redning",
    "psykisk helse",
    "brukerstyrt personlig assistanse",
]


def test_the_buyers_words_are_all_there() -> None:
    assert set(REQUIRED_WORDS) <= {w for w, _ in SYNONYM_WORDS}


@pytest.mark.parametrize(("word", "expected"), SYNONYM_WORDS, ids=[w for w, _ in SYNONYM_WORDS])
def test_each_buyers_word_gives_its_codes_first(word: str, expected: list[str]) -> None:
    found = cpv.search(word)
    assert codes(found)[: len(expected)] == expected
    assert found[0].why == f"søkeordet «{word}»"
    assert all(code in SHIPPED["codes"] for code in expected)


def test_buyers_words_are_matched_like_names() -> None:
    assert codes(cpv.search("bpa"))[:2] == dict(SYNONYM_WORDS)["BPA"]
    assert codes(cpv.search("hjemmetjenester"))[:3] == dict(SYNONYM_WORDS)["hjemmetjeneste"]


# --- output ------------------------------------------------------------------------------------------------------


def test_to_json_has_stable_plain_keys() -> None:
    rows = cpv.to_json(cpv.search("leseprogram"))
    assert list(rows[0]) == [
        "code",
        "name",
        "why",
        "note",
        "known",
        "kind",
        "certainty",
        "annex",
        "citation",
        "via",
        "vedlegg4",
        "name_unverified",
        "explanation",
    ]
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows
    assert rows[0]["code"] == "80000000" and rows[0]["citation"] == "FOA vedlegg 3"


def test_format_matches() -> None:
    lines = cpv.format_matches(cpv.search("leseprogram"))
    assert lines[0] == (
        "80000000  Tjenester i forbindelse med trening og utdannelse – helse- og sosialtjeneste (FOA vedlegg 3); "
        "ikke i FOA vedlegg 4, så § 30-2 gjelder ikke"
    )
    assert lines[1].startswith("    merk: Spør hva som kjøpes")
    assert lines[2] == "48190000  Undervisningsprogramvare – vare – ikke en tjeneste"
    assert lines[-1] == f"({cpv.CREDIT})"
    assert cpv.format_matches([]) == [cpv.NO_MATCHES]


def test_an_unverified_norwegian_name_is_marked() -> None:
    assert cpv.classify("70000000").name_unverified
    assert "(norsk navn ikke kontrollert)" in cpv.format_classification(cpv.classify("70000000"))


# --- robustness and cost -----------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    cpv.normalize_code(text)
    for match in cpv.search(text, limit=5):
        assert match.code in SHIPPED["codes"] or cpv.normalize_code(text) == match.code
    cpv.format_matches(cpv.search(text, limit=3))


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"[0-9]{8}", fullmatch=True))
def test_any_8_digits_classify(code: str) -> None:
    found = cpv.classify(code)
    assert found.code == code and found.explanation


PROBE = """
import builtins, io, json, pathlib, sys
seen = []
real_open, real_read = builtins.open, pathlib.Path.read_text
def spy_open(file, *a, **k):
    seen.append(str(file)); return real_open(file, *a, **k)
def spy_read(self, *a, **k):
    seen.append(str(self)); return real_read(self, *a, **k)
builtins.open = io.open = spy_open
pathlib.Path.read_text = spy_read
import anskaffelse.cpv as cpv
after_import = [s for s in seen if s.endswith("cpv.json")]
holder = cpv.codes._DATA
cpv.classify("85000000")
first_use = len([s for s in seen if s.endswith("cpv.json")])
cpv.search("kantine")
cpv.classify("55510000")
later = len([s for s in seen if s.endswith("cpv.json")])
print(json.dumps([after_import, holder is None, first_use, later]))
"""


def test_import_does_not_read_the_json() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    after_import, holder_empty, first_use, later = json.loads(result.stdout)
    assert after_import == [] and holder_empty
    assert first_use > 0  # the spy works: the first use reads the file
    assert later == first_use  # and only the first


# --- the command --------------------------------------------------------------------------------


def test_the_cpv_command_finds_words_and_codes_with_what_foa_makes_of_them() -> None:
    import json

    from conftest import cli

    code, out, _ = cli("cpv", "kantine", width=200)
    assert code == 0
    assert out.splitlines()[0].startswith("55510000  Kantinevirksomhet – særlig tjeneste (FOA vedlegg 2)")
    code, out, _ = cli("cpv", "55510000-4", "--json")
    data = json.loads(out)
    assert code == 0 and data[0]["code"] == "55510000"
    code, out, _ = cli("cpv", "85323001", width=200)
    assert code == 0 and "85323000" in out
    code, out, err = cli("cpv", "xyzzyqq")
    assert code == 0 and "Fant ingen CPV-kode som passer" in out and not err


def test_the_cpv_command_does_not_slow_the_commands_that_do_not_use_it() -> None:
    import subprocess
    import sys

    probe = "import sys, anskaffelse.cli; print('anskaffelse.cpv.codes' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
