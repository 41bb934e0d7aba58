"""Word, because case files are Word (issue 14, 4): `export TRACE -o notat.docx` through pandoc from the optional
extra `word` (pypandoc-binary): Norwegian language, title and date, real footnotes, the protocol text, a
reference document for styles, and a clear message with the install command when pandoc is missing."""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, cli

pypandoc = pytest.importorskip("pypandoc")  # installed by the test extra (and the word extra) here

CASE = BUNDLED / "cases" / "01-sykehjem-reservert-ideelle.yaml"


@pytest.fixture
def trace(tmp_path: Path) -> Path:
    path = tmp_path / "vurdering.json"
    code, _, err = cli(
        "run", "--answers", CASE, "--non-interactive", "--trace", path,
        "--case", "saksnummer=2026/123", "--case", "oppdragsgiver=Eksempel kommune",
    )  # fmt: skip
    assert code == 0, err
    return path


def parts(docx: Path) -> dict[str, str]:
    with zipfile.ZipFile(docx) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist() if name.endswith(".xml")}


def text_of(xml: str) -> str:
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_export_to_docx_has_language_title_date_footnotes_and_the_protocol(trace: Path, tmp_path: Path) -> None:
    docx = tmp_path / "notat.docx"
    code, out, err = cli("export", trace, "-o", docx)
    assert code == 0, err
    assert out == ""
    xml = parts(docx)
    assert 'w:val="nb-NO"' in xml["word/styles.xml"]  # Word checks the spelling as Norwegian
    core = xml["docProps/core.xml"]
    assert "<dc:title>Vurdering: Veiviser – kjøp fra sosiale entreprenører</dc:title>" in core
    assert "<dc:language>nb-NO</dc:language>" in core and "<dc:subject>Sak 2026/123</dc:subject>" in core
    body = text_of(xml["word/document.xml"])
    assert body.count("Vurdering: Veiviser – kjøp fra sosiale entreprenører") == 1  # the title once, not twice
    assert "1. juni 2026" in body  # the date of assessment, as the document's date
    assert "Til anskaffelsesprotokollen" in body and "Oppdragsgiveren har vurdert vilkårene som oppfylt" in body
    assert "Eksempel kommune" in body
    notes = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', xml["word/footnotes.xml"], re.S)
    cited = json.loads(trace.read_text(encoding="utf-8"))
    distinct = {s["id"] for s in cited["outcome"]["sources"]}
    assert len(notes) >= len(distinct)  # real footnotes, not text at the end
    assert any("FOA § 30-2a (1)" in text_of(body_xml) for _, body_xml in notes)
    assert "<w:footnoteReference" in xml["word/document.xml"]


def test_format_docx_and_markdown_stays_the_default(trace: Path, tmp_path: Path) -> None:
    code, out, _ = cli("export", trace)
    assert code == 0 and out.startswith("# Vurdering:")
    code, _, err = cli("export", trace, "--format", "docx", "-o", tmp_path / "notat.word")
    assert code == 0, err
    assert zipfile.is_zipfile(tmp_path / "notat.word")
    code, _, err = cli("export", trace, "--format", "docx")
    assert code == 2 and "et Word-dokument skrives til en fil" in err
    code, _, err = cli("export", trace, "--format", "pdf")
    assert code == 2 and "ukjent format «pdf»; velg markdown eller docx" in err
    code, _, err = cli("export", trace, "--template", tmp_path / "mal.docx", "-o", tmp_path / "x.md")
    assert code == 2 and "--template gjelder bare Word" in err


def test_a_template_gives_the_organisations_styles(trace: Path, tmp_path: Path) -> None:
    reference = tmp_path / "mal.docx"
    pypandoc.convert_text("# Mal", "docx", format="md", outputfile=str(reference))
    with zipfile.ZipFile(reference) as z:
        files = {name: z.read(name) for name in z.namelist()}
    styles = files["word/styles.xml"].decode("utf-8")
    files["word/styles.xml"] = re.sub(r'w:ascii="[^"]*"', 'w:ascii="Organisasjonsfont"', styles).encode("utf-8")
    with zipfile.ZipFile(reference, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    docx = tmp_path / "notat.docx"
    code, _, err = cli("export", trace, "-o", docx, "--template", reference)
    assert code == 0, err
    assert "Organisasjonsfont" in parts(docx)["word/styles.xml"]
    code, _, err = cli("export", trace, "-o", tmp_path / "y.docx", "--template", tmp_path / "finnes-ikke.docx")
    assert code == 2 and "finner ikke filen" in err


def test_an_existing_file_is_kept_without_force(trace: Path, tmp_path: Path) -> None:
    docx = tmp_path / "notat.docx"
    docx.write_bytes(b"gammel")
    code, _, err = cli("export", trace, "-o", docx)
    assert code == 2 and "finnes allerede" in err and docx.read_bytes() == b"gammel"
    code, _, err = cli("export", trace, "-o", docx, "--force")
    assert code == 0 and zipfile.is_zipfile(docx)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".notat")]  # no temporary file left


def test_without_pandoc_the_message_says_how_to_install_it(trace: Path, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # as if the extra were not installed
    code, out, err = cli("export", trace, "-o", tmp_path / "notat.docx")
    assert code == 69
    said = " ".join(err.split())
    assert "pandoc, som ikke er installert" in said and "pip install 'anskaffelse[word]'" in said
    assert "pipx inject anskaffelse pypandoc-binary" in said
    assert not (tmp_path / "notat.docx").exists() and out == ""
    code, out, _ = cli("export", trace)  # markdown needs no pandoc
    assert code == 0 and out.startswith("# Vurdering:")
