"""A disk cache of checked catalogues, keyed by the content hash of every file in the folder.

Reading a catalogue means parsing YAML, building the model and validating it; a buyer's `run`
and an author's `list` repeat that on unchanged files many times a day. So the result is kept
under a key made from everything it depends on: the bytes of every catalogue file (with their
names), the folder as given and as shown, the Python version, this package's version and the
size and modification time of each of its modules and of PyYAML's (an edited checkout or an
upgraded library makes new keys). Any change gives a new key; nothing is ever looked up by
name or date alone.

Entries are JSON, never pickle: a cache file can at worst be refused, never run code. An entry
is used only if it is a regular file owned by the user and writable by no one else, so another
account cannot slip a different legal text into a walk. A broken, foreign or unreadable entry
is a miss, and an unwritable cache directory means no cache: the command works as without one.

Two kinds of entry per key: `check` (the findings and what `list` and `validate` show, small)
and `model` (the whole catalogue, for walking; written only for a catalogue without errors).

$ANSKAFFELSE_CACHE_DIR moves the cache (default: $XDG_CACHE_HOME/anskaffelse, else
~/.cache/anskaffelse); ANSKAFFELSE_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import __version__
from .places import MAX_FILE_BYTES, display_path

FORMAT = 2  # bump when the layout of an entry changes
ENV_DIR = "ANSKAFFELSE_CACHE_DIR"
ENV_OFF = "ANSKAFFELSE_NO_CACHE"
KEEP = 40  # entries kept; the oldest go first
_PACKAGE = Path(__file__).resolve().parent

try:  # the bare module: hashlib loads OpenSSL first (2–3 ms at every start)
    from _sha2 import sha256  # type: ignore[import-not-found, unused-ignore]  # Python ≥ 3.12
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]  # Python 3.11
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment, unused-ignore]


def digest(data: bytes) -> str:
    """The SHA-256 of `data` in hex (without importing hashlib)."""
    return str(sha256(data).hexdigest())


def catalogue_files(root: Path) -> list[Path]:
    """The files a catalogue folder is read from: *.yaml and *.yml, not hidden, sorted by name."""
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def directory() -> Path | None:
    """Where entries go, or None when the cache is turned off."""
    if os.environ.get(ENV_OFF, "") not in ("", "0"):
        return None
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "anskaffelse"


class Snapshot:
    """A catalogue folder read once: its files' bytes (for the loader too) and the key they give."""

    def __init__(self, root: Path, place: Path, contents: dict[str, bytes], key: str) -> None:
        self.root = root
        self.place = place
        self.contents = contents  # file name → bytes, exactly what the key was made from
        self.key = key

    def load(self, kind: str) -> Any | None:
        """The entry of this kind, decoded; None when there is none that may be trusted."""
        path = self.place / f"{self.key}.{kind}.json"
        try:
            handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        except OSError:  # no entry yet (the usual miss), or one that cannot be opened
            return None
        with os.fdopen(handle, "rb") as entry:
            info = os.fstat(entry.fileno())
            if not _trusted(info):
                return None
            data = entry.read()
        try:
            found = json.loads(data, object_hook=_decode)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return None  # damaged or not ours: read the trees instead, and the next write replaces it
        if not isinstance(found, dict) or found.get("format") != FORMAT:
            return None
        return found.get("data")

    def store(self, kind: str, data: Any) -> bool:
        """Write an entry (atomically, mode 600); False when the cache cannot be written."""
        import tempfile

        _record_classes()  # a write comes after a load: the model is imported already
        try:
            text = json.dumps({"format": FORMAT, "data": _encode(data)}, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return False  # something this cache cannot hold: go on without it
        temp: str | None = None
        try:
            self.place.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.place)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, self.place / f"{self.key}.{kind}.json")
            temp = None
        except OSError:
            return False  # a read-only home or a full disk: the command works as without a cache
        finally:
            if temp is not None:
                _remove(Path(temp))
        _prune(self.place)
        return True


def take(root: Path) -> Snapshot | None:
    """Read a catalogue folder for the cache; None when the cache is off or the folder cannot be
    read whole (the loader then reads it and says what is wrong)."""
    place = directory()
    if place is None:
        return None
    try:
        contents = {path.name: _read(path) for path in catalogue_files(root)}
    except OSError:
        return None  # a folder, a device, a huge or unreadable file: the loader says what is wrong
    return Snapshot(root, place, contents, _key("catalogue", root, contents))


def take_file(path: Path) -> Snapshot | None:
    """One file (an answer file) read for the cache; None when the cache is off or it cannot be read."""
    place = directory()
    if place is None:
        return None
    try:
        contents = {path.name: _read(path)}
    except OSError:
        return None  # the reader says what is wrong with it
    return Snapshot(path, place, contents, _key("file", path, contents))


def _read(path: Path) -> bytes:
    if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
        raise OSError(f"not a regular file of at most {MAX_FILE_BYTES} bytes: {path}")
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"grew past {MAX_FILE_BYTES} bytes while read: {path}")
    return data


def _key(kind: str, where: Path, contents: dict[str, bytes]) -> str:
    """The hash of everything an entry depends on (see the module's docstring)."""
    key = sha256()
    about = [FORMAT, kind, __version__, sys.version, os.fspath(where), display_path(where), _code_stamp()]
    key.update(json.dumps(about).encode())
    for name, data in contents.items():
        key.update(f"\0{name}\0{len(data)}\0".encode())
        key.update(data)
    return str(key.hexdigest())


def _code_stamp() -> list[list[Any]]:
    """Size and modification time of each module, and of PyYAML's: a changed loader, validator
    or YAML library makes new keys."""
    import importlib.util

    stamp = []
    with os.scandir(_PACKAGE) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                info = entry.stat()
                stamp.append([entry.name, info.st_size, info.st_mtime_ns])
    spec = importlib.util.find_spec("yaml")  # found, not imported: a hit never needs yaml
    if spec is not None and spec.origin:
        info = os.stat(spec.origin)
        stamp.append([spec.origin, info.st_size, info.st_mtime_ns])
    return sorted(stamp)


def _trusted(info: os.stat_result) -> bool:
    if not stat.S_ISREG(info.st_mode):
        return False
    # Not another account's file, nor one that another account could change.
    return not hasattr(os, "getuid") or (info.st_uid == os.getuid() and not info.st_mode & 0o022)


def _prune(place: Path) -> None:
    """Keep the KEEP most recently written entries."""
    try:
        entries = [e for e in os.scandir(place) if e.name.endswith(".json") and e.is_file(follow_symlinks=False)]
        if len(entries) <= KEEP:
            return
        entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns)
    except OSError:
        return  # listing failed: leave the folder as it is
    for entry in entries[: len(entries) - KEEP]:
        _remove(Path(entry.path))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return  # another process removed it first
    except OSError:
        return  # not ours to remove: it ages out of use anyway


# --- JSON for the model ---------------------------------------------------------------
# A record is {"@": "Question", "v": [field, …]}; Decimal and date are {"@": "D" | "d", "v": text}.
# Every JSON list stands for a tuple (the model holds no lists). Dicts (nodes, sources) are plain
# objects: their keys are ids, which never contain "@".

_RECORD_NAMES = (
    "Location",
    "Source",
    "ThresholdValue",
    "Threshold",
    "ThresholdRef",
    "Compare",
    "AllOf",
    "AnyOf",
    "Not",
    "Choice",
    "Question",
    "Rule",
    "Branch",
    "Call",
    "Goto",
    "Outcome",
    "Tree",
    "Catalogue",
    "Finding",
)
_records: dict[str, Any] = {}  # name → class, made when a model entry is first written or read
_names: dict[type, str] = {}


def _record_classes() -> dict[str, Any]:
    if not _records:
        from . import model  # not imported for `list` and `validate`, which read `check` entries only

        _records.update((name, getattr(model, name)) for name in _RECORD_NAMES)
        _names.update((cls, name) for name, cls in _records.items())
    return _records


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    name = _names.get(kind)
    if name is not None:
        return {"@": name, "v": [_encode(item) for item in value]}
    if kind is tuple or kind is list:
        return [_encode(item) for item in value]
    if kind is dict:
        return {str(key): _encode(item) for key, item in value.items()}
    if kind is Decimal:
        return {"@": "D", "v": str(value)}
    if kind is dt.date:
        return {"@": "d", "v": value.isoformat()}
    raise TypeError(f"kan ikke lagre {kind.__name__} i hurtigbufferen")


def _decode(obj: dict[str, Any]) -> Any:
    tag = obj.get("@")
    if tag is None:
        return obj
    value = obj["v"]
    if tag == "D":
        return Decimal(value)
    if tag == "d":
        return dt.date.fromisoformat(value)
    return _record_classes()[tag](*[_frozen(item) for item in value])


def _frozen(value: Any) -> Any:
    return tuple(_frozen(item) for item in value) if type(value) is list else value
