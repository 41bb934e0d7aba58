"""A disk cache of checked catalogues, keyed by the content hash of every file in the folder.

Reading a catalogue means parsing YAML, building the model and validating it; a buyer's `run`
and an author's `list` repeat that on unchanged files many times a day. So the result is kept
under a key made from everything it depends on: the bytes of every catalogue file (with their
names), the folder as given and as shown, the Python version, this package's version and the
size and modification time of each of its modules and of PyYAML's (an edited checkout or an
upgraded library makes new keys). Any change gives a new key; nothing is ever looked up by
name or date alone.

Entries are JSON, never pickle: a cache file can at worst be refused, never run code. The
cache folder is used only if it is the user's own and no one else can write in it, and an entry
only if it is a regular file owned by the user, writable by no one else, and names inside itself
the key and kind it was written for (so it cannot be renamed into another catalogue's place).
Thus another account cannot slip a different legal text into a walk. A broken, foreign or
unreadable entry is a miss, and a folder that cannot be used means no cache: the command works
as without one. Only the cache's own file names are ever removed from the folder.

An entry is one header line, [format, key, kind, SHA-256 of the body], then the body (JSON). A
body that does not match its hash (damaged, or edited by hand) is a miss. Kinds: `check` (the
findings and what `list` and `validate` show, small), `model` (the whole catalogue, for walking;
written only for a catalogue without errors) and `answers` (an answer file).

$ANSKAFFELSE_CACHE_DIR moves the cache (default: $XDG_CACHE_HOME/anskaffelse, else
~/.cache/anskaffelse; a relative path counts from the working folder); ANSKAFFELSE_NO_CACHE=1
turns it off (empty, 0, false, no, nei or off leave it on).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import stat
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import __version__
from .places import MAX_FILE_BYTES, display_path

FORMAT = 2  # bump when the layout of an entry changes
ENV_DIR = "ANSKAFFELSE_CACHE_DIR"
ENV_OFF = "ANSKAFFELSE_NO_CACHE"
KEEP = 40  # entries kept; the least recently used go first
STALE_TEMP_SECONDS = 3600  # a temporary file this old was left by a process that was killed
KINDS = ("check", "model", "answers")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(check|model|answers)\.json|\..+\.tmp")  # the only names ever removed
_OFF_VALUES = ("", "0", "false", "no", "nei", "off")
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
    if os.environ.get(ENV_OFF, "").strip().lower() not in _OFF_VALUES:
        return None
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):  # no HOME and no passwd entry: never a folder named "~" here
            return None
        base = os.path.join(home, ".cache")
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
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        try:
            handle = os.open(path, flags)  # non-blocking: a FIFO in its place must not hang the command
        except OSError:  # no entry yet (the usual miss), or one that cannot be opened
            return None
        with os.fdopen(handle, "rb") as entry:
            if not _trusted(os.fstat(entry.fileno())):
                return None
            header, _, body = entry.read().partition(b"\n")
        expected = [FORMAT, self.key, kind, digest(body)]
        try:
            if json.loads(header) != expected:
                return None  # another format, an entry renamed into this one's place, or a changed body
            found = json.loads(body, object_hook=_decode)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, ArithmeticError):
            return None  # damaged or not ours: read the trees instead, and the next write replaces it
        with contextlib.suppress(OSError):  # used now: the last to be pruned (a read-only folder keeps the old time)
            os.utime(path)
        return found

    def store(self, kind: str, data: Any) -> bool:
        """Write an entry (atomically, mode 600); False when the cache cannot be written."""
        import tempfile

        _record_classes()  # a write comes after a load: the model is imported already
        try:
            # ASCII: a file name that is not UTF-8 (kept as surrogates) is written as \udcxx escapes.
            body = json.dumps(_encode(data), ensure_ascii=True, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return False  # something this cache cannot hold: go on without it
        # One line of header: what the entry is for, and the hash of the body below it.
        text = json.dumps([FORMAT, self.key, kind, digest(body.encode())]) + "\n" + body
        temp: str | None = None
        try:
            self.place.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _own_folder(self.place):
                return False
            handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.place)
            with os.fdopen(handle, "w", encoding="ascii") as out:
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
    place = _usable_place()
    if place is None:
        return None
    try:
        contents = {path.name: _read(path) for path in catalogue_files(root)}
    except OSError:
        return None  # a folder, a device, a huge or unreadable file: the loader says what is wrong
    key = _key("catalogue", root, contents)
    return None if key is None else Snapshot(root, place, contents, key)


def take_file(path: Path) -> Snapshot | None:
    """One file (an answer file) read for the cache; None when the cache is off or it cannot be read."""
    place = _usable_place()
    if place is None:
        return None
    try:
        contents = {path.name: _read(path)}
    except OSError:
        return None  # the reader says what is wrong with it
    key = _key("file", path, contents)
    return None if key is None else Snapshot(path, place, contents, key)


def _usable_place() -> Path | None:
    """The cache folder, unless the cache is off or the folder is not the user's alone."""
    place = directory()
    if place is None:
        return None
    try:
        return place if _own_folder(place) else None
    except FileNotFoundError:
        return place  # made (mode 700) at the first write
    except OSError:
        return None  # cannot even be looked at: no cache


def _own_folder(place: Path) -> bool:
    """A folder owned by the user that no one else can write in (as ssh asks of ~/.ssh)."""
    info = os.stat(place)
    if not stat.S_ISDIR(info.st_mode):
        return False
    return not hasattr(os, "getuid") or (info.st_uid == os.getuid() and not info.st_mode & 0o022)


def _read(path: Path) -> bytes:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        raise OSError(f"not a regular file of at most {MAX_FILE_BYTES} bytes: {path}")
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"grew past {MAX_FILE_BYTES} bytes while read: {path}")
    return data


def _key(kind: str, where: Path, contents: dict[str, bytes]) -> str | None:
    """The hash of everything an entry depends on (see the module's docstring); None when the
    program's own files cannot be looked at (then there is no cache)."""
    stamp = _code_stamp()
    if stamp is None:
        return None
    key = sha256()
    about = [FORMAT, kind, __version__, sys.version, os.fspath(where), display_path(where), stamp]
    key.update(json.dumps(about).encode())  # ASCII: names that are not UTF-8 become \udcxx escapes
    for name, data in contents.items():
        key.update(b"\0" + os.fsencode(name) + f"\0{len(data)}\0".encode())
        key.update(data)
    return str(key.hexdigest())


def _code_stamp() -> list[list[Any]] | None:
    """Size and modification time of each module, and of PyYAML's: a changed loader, validator
    or YAML library makes new keys. None when they cannot be looked at."""
    import importlib.util

    stamp = []
    try:
        with os.scandir(_PACKAGE) as entries:
            for entry in entries:
                # Not an editor's lock or backup file (".#cli.py", a dangling link while one edits).
                if entry.name.endswith(".py") and not entry.name.startswith("."):
                    info = entry.stat(follow_symlinks=False)
                    stamp.append([entry.name, info.st_size, info.st_mtime_ns])
        spec = importlib.util.find_spec("yaml")  # found, not imported: a hit never needs yaml
        if spec is not None and spec.origin:
            info = os.stat(spec.origin)
            stamp.append([spec.origin, info.st_size, info.st_mtime_ns])
    except (OSError, ImportError, ValueError):
        return None
    return sorted(stamp)


def _trusted(info: os.stat_result) -> bool:
    if not stat.S_ISREG(info.st_mode):
        return False
    # Not another account's file, nor one that another account could change.
    return not hasattr(os, "getuid") or (info.st_uid == os.getuid() and not info.st_mode & 0o022)


def _prune(place: Path) -> None:
    """Keep the KEEP most recently used entries, and remove temporary files a killed process left.

    Only the cache's own names are touched: a folder given in $ANSKAFFELSE_CACHE_DIR may hold
    other files (a saved trace is JSON too), and they stay.
    """
    try:
        own = [e for e in os.scandir(place) if _ENTRY.fullmatch(e.name) and e.is_file(follow_symlinks=False)]
        times = {e.path: e.stat(follow_symlinks=False).st_mtime for e in own}
    except OSError:
        return  # listing failed: leave the folder as it is
    stale = time.time() - STALE_TEMP_SECONDS
    for entry in own:
        if entry.name.endswith(".tmp") and times[entry.path] < stale:
            _remove(Path(entry.path))
    entries = sorted((e for e in own if e.name.endswith(".json")), key=lambda e: times[e.path])
    for entry in entries[: max(0, len(entries) - KEEP)]:
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
