"""The report as a Word document (.docx), made by pandoc from the markdown report, for case files kept in
Word: Norwegian language (nb-NO, so Word checks the spelling as Norwegian), title and date in the document's
properties, the sources as real footnotes, and the organisation's styles from a reference document
(`--template MAL.docx`).

Pandoc comes from the optional extra `word` (the package pypandoc-binary carries the program), not from a
system install. Without it, the error says how to install it, and the exit code is 69 (README,
«Avslutningskoder»).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from .errors import AnskaffelseError, ExitCode, UsageError
from .export import to_markdown
from .files import check_writable, mode_for
from .texts import prose_date
from .trace import Trace

INSTALL = "pip install 'anskaffelse[word]'"
INSTALL_PIPX = "pipx inject anskaffelse pypandoc-binary"
FORMATS = ("markdown", "docx")


class WordUnavailable(AnskaffelseError):
    """Pandoc, which makes the Word document, is not installed."""

    exit_code = ExitCode.UNAVAILABLE


def _pandoc() -> Any:
    """pypandoc with a pandoc it can run, or WordUnavailable."""
    try:
        import pypandoc

        pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise WordUnavailable(pandoc_problem() or "pandoc mangler") from None
    return pypandoc


def pandoc_problem() -> str | None:
    """Why a Word document cannot be made here (None: it can)."""
    try:
        import pypandoc

        pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return (
            f"Word-dokumentet lages med pandoc, som ikke er installert; installer det med «{INSTALL}» "
            f"(installert med pipx: «{INSTALL_PIPX}»), eller lagre rapporten som markdown (.md)"
        )
    return None


def chosen_format(format_: str | None, output: Path | None) -> str:
    """--format, or what the output's name says (.docx: Word); markdown otherwise."""
    if format_ is not None and format_ not in FORMATS:
        raise UsageError(f"--format: ukjent format «{format_}»; velg {' eller '.join(FORMATS)}")
    if format_ is None and output is not None and output.suffix.lower() == ".docx":
        return "docx"
    return format_ or "markdown"


def write_docx(trace: Trace, target: Path, *, force: bool, template: Path | None = None) -> None:
    """The report of `trace` as a Word document in `target` (written whole, or not at all)."""
    if str(target) == "-":
        raise UsageError("et Word-dokument skrives til en fil, ikke til standard output: bruk -o notat.docx")
    if template is not None and not template.is_file():
        raise UsageError(f"--template {template}: finner ikke filen (en Word-fil med organisasjonens stiler)")
    pypandoc = _pandoc()
    check_writable(target, force=force)
    title, body = _split_title(to_markdown(trace))
    args = ["--metadata", f"title={title}", "--metadata", "lang=nb-NO"]
    args += ["--metadata", f"date={prose_date(trace['date_of_assessment'])}"]
    number = (trace.get("sak") or {}).get("saksnummer")
    if number:
        args += ["--metadata", f"subject=Sak {number}"]
    if template is not None:
        args += ["--reference-doc", str(template)]
    folder = Path(os.path.realpath(target)).parent
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".docx", dir=folder)
    os.close(handle)
    try:
        pypandoc.convert_text(body, "docx", format="gfm", outputfile=temp, extra_args=args)
        os.chmod(temp, mode_for(Path(os.path.realpath(target))))
        os.replace(temp, os.path.realpath(target))
    except (OSError, RuntimeError) as exc:
        raise UsageError(f"{target}: kunne ikke lage Word-dokumentet ({str(exc).strip()[:200]})") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _split_title(markdown: str) -> tuple[str, str]:
    """The report's heading (the document's title, shown once) and the rest."""
    first, _, rest = markdown.partition("\n")
    if first.startswith("# "):
        return re.sub(r"\\(.)", r"\1", first[2:]), rest.lstrip("\n")
    return "Vurdering", markdown
