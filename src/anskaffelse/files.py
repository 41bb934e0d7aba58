"""Writing reports and traces: atomic, and never over a file the user did not say to replace."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from .errors import UsageError


def check_writable(path: str | os.PathLike[str], *, force: bool) -> None:
    """The problems write_text would meet, found before any work is done."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target}: er en mappe; oppgi et filnavn")
    if not target.parent.is_dir():
        raise UsageError(f"{target}: mappen «{target.parent}» finnes ikke")
    if target.exists() and not force:
        raise UsageError(f"{target}: filen finnes allerede; bruk --force for å skrive over den")


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = True) -> Path:
    """Write via a temporary file and rename, so a crash never leaves half a report."""
    target = Path(path)
    check_writable(target, force=force)
    temp: str | None = None
    try:
        mode = _mode_for(target)
        import tempfile  # here, not at the top: `run` imports this module before any question

        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)  # mkstemp makes 0600; a report gets the mode any new (or the old) file would have
        os.replace(temp, target)
        temp = None
    except PermissionError:
        raise UsageError(f"{target}: mangler skrivetilgang") from None
    except OSError as exc:
        raise UsageError(f"{target}: kan ikke skrive filen ({exc.strerror})") from None
    finally:
        if temp is not None:  # never leave a half-written temporary file behind
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return target


def _mode_for(target: Path) -> int:
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


PARTIAL_PREFIX = "anskaffelse-avbrutt-"


def write_partial(text: str) -> Path:
    """A partial trace in a private temporary file (mode 600), for resuming with --answers."""
    import tempfile

    handle, name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as out:
        out.write(text)
    return Path(name)


def remove_partial(path: Path) -> bool:
    """Remove a partial trace this program left in the temporary folder, once a resumed walk is done.

    Only such a file: one the user named themselves (with --trace) is theirs to keep.
    """
    if not (path.name.startswith(PARTIAL_PREFIX) and path.suffix == ".json"):
        return False
    import tempfile

    if path.resolve().parent != Path(tempfile.gettempdir()).resolve():
        return False
    try:
        path.unlink()
    except OSError:
        return False  # already gone, or not ours to remove: it stays in the temporary folder
    return True
