"""Writing reports and traces: atomic, never over a file the user did not say to replace, never
replacing what is not a regular file, and interrupted walks kept in the user's own state folder."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
from pathlib import Path

from .errors import UsageError

ENV_STATE = "ANSKAFFELSE_STATE_DIR"  # where interrupted walks are kept (tests; else the platform's state folder)
PARTIAL_PREFIX = "avbrutt-"


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two names are one file (or would be: the same path not yet created)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _is_stream(path: Path) -> bool:
    """A character device, FIFO or socket: written into, never replaced (/dev/null, /dev/stdout, a pipe)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def check_writable(path: str | os.PathLike[str], *, force: bool, probe: bool = False) -> None:
    """The problems write_text would meet, found before any work is done.

    `probe` also writes (and at once removes) a small file in the folder: a read-only folder or a
    full disk is then found before the first question, not after the last.
    """
    target = Path(path)
    try:
        if _is_stream(target):
            return
        target = Path(os.path.realpath(target))  # a link is followed: the file it names is replaced, not the link
        if target.is_dir():
            raise UsageError(f"{path}: er en mappe; oppgi et filnavn")
        if not target.parent.is_dir():
            raise UsageError(f"{path}: mappen «{Path(path).parent}» finnes ikke")
        if target.exists() and not target.is_file():
            raise UsageError(f"{path}: er ikke en vanlig fil; oppgi et filnavn")
        if target.exists() and not force:
            raise UsageError(f"{path}: filen finnes allerede; bruk --force for å skrive over den")
        if probe:
            _probe(target.parent)
    except PermissionError:
        raise UsageError(f"{path}: mangler skrivetilgang") from None
    except OSError as exc:
        raise UsageError(f"{path}: kan ikke brukes ({_reason(exc)})") from None


def _probe(folder: Path) -> None:
    import tempfile

    handle, name = tempfile.mkstemp(prefix=".anskaffelse-probe-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(b"\n" * 4096)
            out.flush()
            os.fsync(out.fileno())
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "mangler skrivetilgang"
    if exc.errno == errno.ENAMETOOLONG:  # 36 on Linux, 63 on macOS, 38 on Windows
        return "navnet er for langt"
    return exc.strerror or str(exc)


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = True, private: bool = False) -> Path:
    """Write via a temporary file and rename, so a crash never leaves half a report.

    `private` gives mode 600 (traces hold names and reasons); else the file gets the mode a new
    file would have, or the old file's permission bits (never setuid, setgid or sticky).
    """
    target = Path(path)
    check_writable(target, force=force)
    if _is_stream(target):
        return _write_into(target, text)
    target = Path(os.path.realpath(target))
    temp: str | None = None
    try:
        mode = 0o600 if private else _mode_for(target)
        import tempfile  # here, not at the top: `run` imports this module before any question

        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise UsageError(f"{path}: kan ikke skrive filen ({_reason(exc)})") from None
    finally:
        if temp is not None:  # never leave a half-written temporary file behind
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return Path(path)


def _write_into(target: Path, text: str) -> Path:
    try:
        with open(target, "w", encoding="utf-8", errors="replace", newline="\n") as out:
            out.write(text)
    except OSError as exc:
        raise UsageError(f"{target}: kan ikke skrive ({_reason(exc)})") from None
    return target


def mode_for(target: Path) -> int:
    """The mode a report written to `target` gets: the old file's permission bits, or a new file's."""
    return _mode_for(target)


def _mode_for(target: Path) -> int:
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode) & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def state_folder() -> Path:
    """The user's own folder for interrupted walks: survives a reboot, unlike /tmp."""
    chosen = os.environ.get(ENV_STATE)
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_state_dir("anskaffelse", appauthor=False))


def write_partial(text: str) -> Path:
    """An interrupted walk's trace in the state folder (folder 700, file 600), for resuming with --answers."""
    import tempfile

    folder = state_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=".json", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def remove_partial(path: Path) -> bool:
    """Remove an interrupted walk's file that this program left in the state folder, once resumed.

    Only such a file: one the user named themselves (with --trace) is theirs to keep.
    """
    if not (path.name.startswith(PARTIAL_PREFIX) and path.suffix == ".json"):
        return False
    try:
        if path.resolve().parent != state_folder().resolve():
            return False
        path.unlink()
    except OSError:
        return False  # already gone, or not ours to remove
    return True


def program() -> list[str]:
    """How to start this program again: its name when it is on PATH, else the path it was started by."""
    if shutil.which("anskaffelse"):
        return ["anskaffelse"]
    started = Path(sys.argv[0])
    launcher = started.stem.lower() == "anskaffelse" and started.suffix.lower() in ("", ".exe")  # .exe: Windows
    return [str(started.resolve())] if launcher else [sys.executable, "-m", "anskaffelse"]
