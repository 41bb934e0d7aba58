"""A trace as a record: the hash of its own content, and `verify` (is it the trace that was written, and is
the catalogue it names the one installed?). Pure: no printing; `verify_report` returns the text.

The hash is SHA-256 over canonical JSON of the trace without the key `content_sha256`: sorted keys,
separators "," and ":" without spaces, characters outside ASCII as themselves, encoded as UTF-8.
It shows that a trace was not changed by accident or by a hand that did not know to recompute it.
It is no signature: anyone can recompute it after an edit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExitCode
from .findings import display_path
from .model import Catalogue
from .trace import CatalogueFile, Trace, read_trace
from .yamlfile import YamlProblem, read_bytes

CONTENT_KEY = "content_sha256"
INTACT, CHANGED, UNSEALED = "uendret", "endret", "ingen kontrollsum"
MARK_CHANGED = "ENDRET ETTER AT DEN BLE LAGET"
# The check by hand, as printed by `verify`: the same canonical JSON as content_hash.
HAND_CHECK = (
    'import hashlib,json,sys; t=json.load(open(sys.argv[1],encoding="utf-8-sig")); s=t.pop("content_sha256",None); '
    'h=hashlib.sha256(json.dumps(t,sort_keys=True,separators=(",",":"),ensure_ascii=False).encode()).hexdigest(); '
    'print(h, "uendret" if h==s else "ENDRET")'
)


def canonical_json(trace: Mapping[str, Any]) -> bytes:
    """The bytes the content hash is taken over: the trace without its hash, in canonical JSON."""
    body = {key: value for key, value in trace.items() if key != CONTENT_KEY}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(trace: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(trace)).hexdigest()


def seal(trace: Trace) -> Trace:
    """The trace with its content hash set (in place: the key keeps its place near the top)."""
    trace["content_sha256"] = content_hash(trace)
    return trace


def integrity(trace: Mapping[str, Any]) -> str:
    """INTACT, CHANGED, or UNSEALED for a trace without a hash (version 1)."""
    saved = trace.get(CONTENT_KEY)
    if saved is None:
        return UNSEALED
    return INTACT if saved == content_hash(trace) else CHANGED


def catalogue_files(catalogue: Catalogue) -> list[CatalogueFile]:
    """The catalogue's files besides the trees, with the sha256 of the bytes read: kilder.yaml and
    terskelverdier.yaml (every file that is not a tree)."""
    trees = {t.loc.file for t in catalogue.trees.values()}
    return [{"file": file, "sha256": sha} for file, sha in catalogue.digests if file not in trees and sha]


# --- verify -----------------------------------------------------------------------


@dataclass(frozen=True)
class FileCheck:
    """One file the trace names, against the file of that name in the catalogue folder."""

    name: str  # the file name in the catalogue folder
    what: str  # «treet veiviser 1.0» or «kilder og terskelverdier»
    saved: str
    installed: str | None  # None: missing or unreadable
    problem: str = ""

    @property
    def same(self) -> bool:
        return self.saved == self.installed


@dataclass(frozen=True)
class Verified:
    shown: str
    trace: Trace
    state: str  # INTACT, CHANGED or UNSEALED
    actual: str  # the hash the content gives now
    folder: Path
    files: list[FileCheck]

    @property
    def exit_code(self) -> int:
        if self.state == CHANGED:
            return ExitCode.INVALID
        return ExitCode.OK if all(f.same for f in self.files) else ExitCode.CHANGED


def verify(path: str | os.PathLike[str], folder: Path) -> Verified:
    """Check a trace file: its content against its own hash, and each catalogue file it names against the
    file of the same name in `folder` (only the bytes are compared: the catalogue need not be valid)."""
    trace = read_trace(path)
    checks = [
        _check(folder, f["file"], f"treet {f['id']} {f['version']}", f["sha256"])
        for f in trace["tree"].get("files", [])
    ]
    checks += [_check(folder, f["file"], "", f["sha256"]) for f in trace.get("catalogue_files", [])]
    return Verified(display_path(path), trace, integrity(trace), content_hash(trace), folder, checks)


def _check(folder: Path, file: str, what: str, saved: str) -> FileCheck:
    name = os.path.basename(file.replace("\\", "/"))
    target = folder / name
    try:
        data = read_bytes(target, display_path(target), regular_only=True)
    except YamlProblem as problem:
        return FileCheck(name, what, saved, None, problem.finding.message)
    return FileCheck(name, what, saved, hashlib.sha256(data).hexdigest())


def verify_report(result: Verified) -> list[str]:
    """What `verify` says: the trace, the catalogue file by file, how to check by hand, and the verdict."""
    trace = result.trace
    out = [f"{result.shown}: {trace['schema']}, laget {trace['created']}, beslutningstre {trace['tree']['id']}", ""]
    saved = trace.get("content_sha256")
    if result.state == INTACT:
        out.append(f"Tracen: uendret siden den ble laget (kontrollsum {saved}).")
    elif result.state == CHANGED:
        out += [
            f"Tracen: {MARK_CHANGED}: innholdet stemmer ikke med kontrollsummen.",
            f"  lagret kontrollsum:   {saved}",
            f"  innholdet gir i dag:  {result.actual}",
        ]
    else:
        out.append("Tracen: ingen kontrollsum (en trace i versjon 1); om den er endret, kan ikke avgjøres.")
    out += ["", f"Katalogen i {display_path(result.folder)}, fil for fil:"]
    for f in result.files:
        what = f" ({f.what})" if f.what else ""
        if f.same:
            out.append(f"  ✓ {f.name}{what}: samme ({f.saved})")
        elif f.installed is None:
            out.append(f"  ✗ {f.name}{what}: {f.problem}; tracen har {f.saved}")
        else:
            out.append(f"  ✗ {f.name}{what}: endret; tracen har {f.saved}, installert er {f.installed}")
    if "catalogue_files" not in trace:
        out.append("  – kilder.yaml og terskelverdier.yaml er ikke registrert i en trace i versjon 1")
    return out + ["", *_by_hand(result), "", _verdict(result)]


def _by_hand(result: Verified) -> list[str]:
    files = [shlex.quote(display_path(result.folder / f.name)) for f in result.files]
    out = ["Slik sjekker dere for hånd:"]
    if files:
        out += ["  sha256sum " + " ".join(files) + "    # sammenlign med sjekksummene over"]
    if result.state != UNSEALED:
        out += [
            "  python3 -c " + shlex.quote(HAND_CHECK) + " " + shlex.quote(result.shown),
            "  # kanonisk JSON: tracen uten content_sha256, sorterte nøkler, «,» og «:» uten mellomrom, UTF-8",
        ]
    return out


def _verdict(result: Verified) -> str:
    if result.state == CHANGED:
        return f"Resultat: tracen er {MARK_CHANGED.lower()} (avslutter med 1)."
    differ = sum(not f.same for f in result.files)
    if differ:
        return f"Resultat: tracen er intakt, men {differ} av katalogens filer er ikke de samme (avslutter med 3)."
    if result.state == UNSEALED:
        return "Resultat: katalogen er den samme; tracen har ingen kontrollsum å sjekke."
    return "Resultat: alt stemmer."
