"""The content-hash cache of checked catalogues and answer files (src/anskaffelse/cache.py).

Each test gets its own cache folder. What is read back must be exactly what the files give,
any change to a file must be a miss, and a cache that is damaged, foreign or unwritable must
never change what a command says.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import anskaffelse.answerfile
import anskaffelse.loader
from anskaffelse import cache
from anskaffelse.answers import load_answers
from anskaffelse.catalog import check, open_catalogue, summarize
from anskaffelse.cli import app
from anskaffelse.errors import CatalogueError, ExitCode
from conftest import BUNDLED, KINDS, ROOT, SKETCH

runner = CliRunner()


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return folder


def count_reads(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Path]:
    """Replace module.name (a reader taking a path and maybe bytes) by one that notes each path."""
    seen: list[Path] = []
    real = getattr(module, name)

    def counting(path: Any, contents: Any = None) -> Any:
        seen.append(Path(path))
        return real(path, contents)

    monkeypatch.setattr(module, name, counting)
    return seen


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every catalogue the loader really reads (from the files, not the cache)."""
    return count_reads(monkeypatch, anskaffelse.loader, "load_catalogue")


def copy_of(base: Path, where: Path) -> Path:
    target = where / "katalog"
    shutil.copytree(base, target)
    return target


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def write_entry(snapshot: cache.Snapshot, kind: str, body: str, *, header: list[Any] | None = None) -> Path:
    """An entry as the cache writes one (a header with the body's hash), or with the header given."""
    snapshot.place.mkdir(mode=0o700, exist_ok=True)
    entry = snapshot.place / f"{snapshot.key}.{kind}.json"
    top = header if header is not None else [cache.FORMAT, snapshot.key, kind, cache.digest(body.encode())]
    entry.write_text(json.dumps(top) + "\n" + body, encoding="utf-8")
    entry.chmod(0o600)
    return entry


@pytest.mark.parametrize("root", [BUNDLED, SKETCH, KINDS], ids=["bundled", "sketch", "kinds"])
def test_a_cached_catalogue_is_exactly_the_one_read_from_the_files(root: Path, place: Path) -> None:
    catalogue, findings = check(root)
    snapshot = cache.take(root)
    assert snapshot is not None
    assert snapshot.store("model", catalogue)
    again = cache.take(root)
    assert again is not None and again.key == snapshot.key
    found = again.load("model")
    assert found == catalogue  # records compare field by field, all the way down
    assert repr(found) == repr(catalogue)  # and the types are the same: Decimal, date, tuple, record
    assert summarize(root).findings == findings


def test_the_second_open_reads_the_cache_not_the_files(place: Path, loads: list[Path]) -> None:
    first = open_catalogue(BUNDLED)
    second = open_catalogue(BUNDLED)
    assert loads == [BUNDLED]
    assert second == first
    kinds = sorted(p.name.split(".")[1] for p in entries(place))
    assert kinds == ["check", "model"]


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "reserverte-kontrakter.yaml").write_text(
            (root / "reserverte-kontrakter.yaml").read_text(encoding="utf-8").replace("reserveres?", "reserveres!"),
            encoding="utf-8",
        ),
        lambda root: shutil.copy(root / "ideell-status.yaml", root / "kopi.yml"),
        lambda root: (root / "ideell-status.yaml").rename(root / ".ideell-status.yaml"),
    ],
    ids=["one-character-edited", "file-added", "file-hidden"],
)
def test_any_change_to_the_files_is_a_miss(
    change: Callable[[Path], object], tmp_path: Path, place: Path, loads: list[Path]
) -> None:
    root = copy_of(SKETCH, tmp_path)
    before = summarize(root)
    assert summarize(root) == before and len(loads) == 1
    change(root)
    after = summarize(root)
    assert len(loads) == 2
    assert after != before
    assert after.findings == check(root)[1]


def test_an_edited_title_shows_at_once(tmp_path: Path, place: Path) -> None:
    root = copy_of(SKETCH, tmp_path)
    assert "Kan konkurransen reserveres?" in [t.title for t in summarize(root).trees]
    tree = root / "reserverte-kontrakter.yaml"
    tree.write_text(tree.read_text(encoding="utf-8").replace("reserveres?", "reserveres nå?"), encoding="utf-8")
    titles = [t.title for t in summarize(root).trees]
    assert "Kan konkurransen reserveres nå?" in titles
    assert open_catalogue(root).trees["reserverte-kontrakter"].title == "Kan konkurransen reserveres nå?"


def test_a_damaged_entry_is_ignored_and_replaced(place: Path, loads: list[Path]) -> None:
    expected = open_catalogue(SKETCH)
    for entry in entries(place):
        entry.write_text('{"format": 1, "data": {"@": "Tree", "v": [1, 2', encoding="utf-8")
    assert open_catalogue(SKETCH) == expected
    assert len(loads) == 2
    for entry in entries(place):  # written anew, whole
        header, body = entry.read_text(encoding="utf-8").split("\n", 1)
        assert json.loads(header)[0] == cache.FORMAT and json.loads(header)[3] == cache.digest(body.encode())


@pytest.mark.parametrize(
    ("body", "header"),
    [
        ('{"@": "Ukjent", "v": []}', None),
        ('{"@": "Tree", "v": ["for", "få"]}', None),
        ("[1, 2, 3]", None),
        ("{}", [cache.FORMAT + 1, "KEY", "model", "HASH"]),
        ("{}", [cache.FORMAT, "0" * 64, "model", "HASH"]),
        ("{}", [cache.FORMAT, "KEY", "check", "HASH"]),
        ('{"@": "Catalogue", "v": [{}, {}, {}, "", []]}', [cache.FORMAT, "KEY", "model", "0" * 64]),
    ],
    ids=["unknown-record", "wrong-field-count", "not-a-catalogue", "other-format", "other-key", "other-kind", "edited"],
)
def test_an_entry_of_the_wrong_shape_or_for_another_key_is_a_miss(
    body: str, header: list[Any] | None, place: Path
) -> None:
    snapshot = cache.take(SKETCH)
    assert snapshot is not None
    if header is not None:
        header = [snapshot.key if h == "KEY" else cache.digest(body.encode()) if h == "HASH" else h for h in header]
    write_entry(snapshot, "model", body, header=header)
    found = snapshot.load("model")
    assert found is None or not isinstance(found, type(open_catalogue(SKETCH)))
    assert open_catalogue(SKETCH).trees["reserverte-kontrakter"].title == "Kan konkurransen reserveres?"


def test_an_entry_another_account_could_change_is_not_used(place: Path, loads: list[Path]) -> None:
    expected = open_catalogue(SKETCH)
    model = next(p for p in entries(place) if p.name.endswith(".model.json"))
    model.chmod(0o666)
    assert cache.take(SKETCH).load("model") is None  # type: ignore[union-attr]
    assert open_catalogue(SKETCH) == expected
    assert len(loads) == 2  # read from the files instead


def test_only_the_users_own_regular_files_are_trusted() -> None:
    own = os.stat_result((stat.S_IFREG | 0o600, 0, 0, 1, os.getuid(), 0, 10, 0, 0, 0))
    foreign = os.stat_result((stat.S_IFREG | 0o600, 0, 0, 1, os.getuid() + 1, 0, 10, 0, 0, 0))
    group_writable = os.stat_result((stat.S_IFREG | 0o620, 0, 0, 1, os.getuid(), 0, 10, 0, 0, 0))
    fifo = os.stat_result((stat.S_IFIFO | 0o600, 0, 0, 1, os.getuid(), 0, 10, 0, 0, 0))
    assert cache._trusted(own)
    assert not cache._trusted(foreign)
    assert not cache._trusted(group_writable)
    assert not cache._trusted(fifo)


def test_entries_are_private(place: Path) -> None:
    open_catalogue(SKETCH)
    assert stat.S_IMODE(place.stat().st_mode) == 0o700
    assert entries(place)
    for entry in entries(place):
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert not list(place.glob(".*.tmp"))  # no temporary file left behind


def test_a_cache_folder_that_cannot_be_made_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "ikke-en-mappe"
    blocker.write_text("en fil, ikke en mappe\n", encoding="utf-8")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    assert cache.take(SKETCH) is None
    result = runner.invoke(app, ["validate", "--trees", str(SKETCH)])
    assert result.exit_code == 0 and "2 trær, 12 noder, 4 kilder, 0 feil" in result.stdout
    assert open_catalogue(SKETCH).trees["reserverte-kontrakter"].title == "Kan konkurransen reserveres?"


def test_a_full_disk_changes_nothing(place: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def full(*_: Any, **__: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    snapshot = cache.take(SKETCH)
    assert snapshot is not None and snapshot.store("check", {"a": 1}) is False
    assert open_catalogue(SKETCH).trees["reserverte-kontrakter"].title == "Kan konkurransen reserveres?"
    assert entries(place) == [] and list(place.iterdir()) == []


@pytest.mark.parametrize("value", ["1", "ja"])
def test_the_cache_can_be_turned_off(
    value: str, place: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_OFF, value)
    assert cache.directory() is None and cache.take(SKETCH) is None
    open_catalogue(SKETCH)
    open_catalogue(SKETCH)
    assert len(loads) == 2 and not place.exists()


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.ENV_DIR, raising=False)
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "anskaffelse"
    monkeypatch.setenv("XDG_CACHE_HOME", "relativ/sti")  # ignored, as the XDG rules say
    monkeypatch.setenv("HOME", str(tmp_path / "hjem"))
    assert cache.directory() == tmp_path / "hjem" / ".cache" / "anskaffelse"


def test_the_oldest_entries_are_removed(tmp_path: Path, place: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    root = copy_of(SKETCH, tmp_path)
    tree = root / "reserverte-kontrakter.yaml"
    text = tree.read_text(encoding="utf-8")
    for number in range(6):
        tree.write_text(text + f"# utgave {number}\n", encoding="utf-8")
        summarize(root)
    assert len(entries(place)) == 3


def test_a_changed_program_makes_new_keys(monkeypatch: pytest.MonkeyPatch, place: Path) -> None:
    before = cache.take(SKETCH)
    monkeypatch.setattr(cache, "_code_stamp", lambda: [["loader.py", 1, 2]])
    after = cache.take(SKETCH)
    assert before is not None and after is not None
    assert before.key != after.key


def test_positions_are_shown_from_where_the_command_runs(
    tmp_path: Path, place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_of(SKETCH, tmp_path)
    tree = root / "ideell-status.yaml"
    tree.write_text(tree.read_text(encoding="utf-8").replace("title: Uavklart", "titel: Uavklart"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["validate", "--trees", "katalog"])
    monkeypatch.chdir(root)
    second = runner.invoke(app, ["validate", "--trees", "."])
    assert first.exit_code == second.exit_code == 1
    assert "katalog/ideell-status.yaml:" in first.stdout
    assert "\nideell-status.yaml:" in "\n" + second.stdout and "katalog/" not in second.stdout


@pytest.mark.parametrize("command", ["validate", "list"])
def test_a_catalogue_with_errors_says_the_same_from_the_cache(command: str, tmp_path: Path, place: Path) -> None:
    root = copy_of(SKETCH, tmp_path)
    tree = root / "ideell-status.yaml"
    tree.write_text(tree.read_text(encoding="utf-8").replace("next: ", "next: x", 1), encoding="utf-8")
    results = [runner.invoke(app, [command, "--trees", str(root)]) for _ in range(2)]
    assert entries(place)  # the second came from the cache
    assert results[0].exit_code == results[1].exit_code == ExitCode.INVALID
    assert results[0].stdout == results[1].stdout and results[0].stderr == results[1].stderr
    assert "peker til ukjent node" in results[0].stdout + results[0].stderr


def test_an_answer_file_is_read_once(tmp_path: Path, place: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_reads(monkeypatch, anskaffelse.answerfile, "read_answers")
    case = tmp_path / "svar.yaml"
    shutil.copy(ROOT / "tests" / "cases" / "01-sykehjem-reservert-ideelle.yaml", case)
    first, second = load_answers(case), load_answers(case)
    assert second == first and len(calls) == 1
    assert first.values and first.expect
    case.write_text(case.read_text(encoding="utf-8") + "  ekstra: ja\n", encoding="utf-8")
    third = load_answers(case)
    assert len(calls) == 2 and third.values == {**first.values, "ekstra": "ja"}


def test_a_broken_catalogue_is_never_stored_as_a_model(tmp_path: Path, place: Path) -> None:
    root = copy_of(SKETCH, tmp_path)
    (root / "kilder.yaml").write_text("- ikke: en tabell\n", encoding="utf-8")
    with pytest.raises(CatalogueError):
        open_catalogue(root)
    assert [p.name.split(".")[1] for p in entries(place)] == ["check"]


# --- what a review tried to break ---------------------------------------------------------


def test_pruning_removes_only_the_caches_own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "spor"  # a folder of saved traces, given as the cache by mistake
    folder.mkdir(mode=0o700)
    mine = [folder / f"trace-{n:02}.json" for n in range(45)]
    for path in mine:
        path.write_text("{}\n", encoding="utf-8")
    old_temp, new_temp = folder / ".gammel.tmp", folder / ".ny.tmp"
    old_temp.write_text("", encoding="utf-8")
    new_temp.write_text("", encoding="utf-8")
    os.utime(old_temp, (1, 1))  # left by a process killed long ago
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.setattr(cache, "KEEP", 2)
    root = copy_of(SKETCH, tmp_path)
    for number in range(4):
        (root / "kilder.yaml").write_text(
            (SKETCH / "kilder.yaml").read_text(encoding="utf-8") + f"# {number}\n", encoding="utf-8"
        )
        summarize(root)
    assert all(path.exists() for path in mine)
    assert not old_temp.exists() and new_temp.exists()  # a fresh one may be another process's, mid-write
    assert len(entries(folder)) == len(mine) + 2


def test_an_entry_renamed_into_another_catalogues_place_is_refused(tmp_path: Path, place: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SKETCH, first)
    shutil.copytree(SKETCH, second)
    tree = second / "reserverte-kontrakter.yaml"
    tree.write_text(tree.read_text(encoding="utf-8").replace("reserveres?", "reserveres (B)?"), encoding="utf-8")
    open_catalogue(first)
    open_catalogue(second)
    key_a, key_b = cache.take(first).key, cache.take(second).key  # type: ignore[union-attr]
    (place / f"{key_a}.model.json").replace(place / f"{key_b}.model.json")
    assert cache.take(second).load("model") is None  # type: ignore[union-attr]
    assert open_catalogue(second).trees["reserverte-kontrakter"].title == "Kan konkurransen reserveres (B)?"


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_folder_others_can_write_in_is_not_used(mode: int, place: Path, loads: list[Path]) -> None:
    place.mkdir()
    place.chmod(mode)
    assert cache.take(SKETCH) is None
    open_catalogue(SKETCH)
    open_catalogue(SKETCH)
    assert len(loads) == 2 and entries(place) == []


def test_a_fifo_in_an_entrys_place_is_a_miss_not_a_hang(place: Path) -> None:
    import signal

    snapshot = cache.take(SKETCH)
    assert snapshot is not None
    place.mkdir(mode=0o700)
    os.mkfifo(place / f"{snapshot.key}.check.json", 0o600)
    signal.alarm(10)  # a hang fails the test instead of the run
    try:
        assert snapshot.load("check") is None
        assert summarize(SKETCH).findings == check(SKETCH)[1]
    finally:
        signal.alarm(0)


@pytest.mark.parametrize("cached", [True, False], ids=["cache", "no-cache"])
def test_a_fifo_among_the_trees_is_reported_not_read(
    cached: bool, tmp_path: Path, place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    if not cached:
        monkeypatch.setenv(cache.ENV_OFF, "1")
    root = copy_of(SKETCH, tmp_path)
    os.mkfifo(root / "rør.yaml")
    signal.alarm(10)
    try:
        result = runner.invoke(app, ["validate", "--trees", str(root)])
    finally:
        signal.alarm(0)
    assert result.exit_code == ExitCode.INVALID
    assert "rør.yaml: feil: er ikke en vanlig fil (en FIFO, en enhet eller en socket)" in result.stdout


def test_file_and_folder_names_that_are_not_utf8_are_cached(tmp_path: Path, place: Path) -> None:
    latin1 = os.fsdecode(b"tr\xe6r")  # «trær» from an old Latin-1 archive: surrogates in Python
    root = tmp_path / latin1
    shutil.copytree(SKETCH, root)
    (root / "ideell-status.yaml").rename(root / os.fsdecode(b"ideell-status-\xf8.yaml"))
    first = summarize(root)
    assert entries(place)
    assert summarize(root) == first
    assert any("tre-id «ideell-status» skal være lik filnavnet" in f.message for f in first.findings)
    answers = tmp_path / os.fsdecode(b"svar-\xf8.yaml")
    shutil.copy(ROOT / "tests" / "cases" / "01-sykehjem-reservert-ideelle.yaml", answers)
    assert load_answers(answers) == load_answers(answers)


def test_an_editors_lock_file_among_the_modules_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cli.py").write_text("# kode\n", encoding="utf-8")
    (tmp_path / ".#cli.py").symlink_to("bruker@maskin.1234:1700000000")  # dangling, as Emacs makes them
    monkeypatch.setattr(cache, "_PACKAGE", tmp_path)
    stamp = cache._code_stamp()
    assert stamp is not None and [row[0] for row in stamp if not row[0].startswith("/")] == ["cli.py"]
    monkeypatch.setattr(cache, "_PACKAGE", tmp_path / "borte")
    assert cache._code_stamp() is None and cache.take(SKETCH) is None


def test_without_a_home_folder_there_is_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV_DIR, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # no HOME, no passwd entry
    assert cache.directory() is None


@pytest.mark.parametrize("value", ["0", "false", "no", "nei", "off", " "])
def test_values_that_mean_no_leave_the_cache_on(value: str, monkeypatch: pytest.MonkeyPatch, place: Path) -> None:
    monkeypatch.setenv(cache.ENV_OFF, value)
    assert cache.directory() == place


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("model", {"@": "D", "v": "ikke et tall"}),
        ("check", {"root": "x", "findings": [], "trees": [], "nodes": 1e999, "sources": 0}),
        ("model", {"@": "Catalogue", "v": ["trær", {}, {}, "", []]}),
        ("model", {"@": "Catalogue", "v": [{"x": "ikke et tre"}, {}, {}, "", []]}),
    ],
    ids=["bad-decimal", "huge-number", "trees-not-a-table", "not-a-tree"],
)
def test_an_entry_edited_by_hand_with_its_hash_is_still_checked(
    kind: str, data: Any, place: Path, loads: list[Path]
) -> None:
    snapshot = cache.take(SKETCH)
    assert snapshot is not None
    write_entry(snapshot, kind, json.dumps(data))
    if kind == "check":
        assert summarize(SKETCH).findings == check(SKETCH)[1]
    else:
        assert open_catalogue(SKETCH).trees["reserverte-kontrakter"].title == "Kan konkurransen reserveres?"
    assert len(loads) == 1 + (kind == "check")  # read from the files (check() above reads them too)


def test_a_hit_counts_as_use_for_pruning(place: Path) -> None:
    open_catalogue(SKETCH)
    model = next(p for p in entries(place) if p.name.endswith(".model.json"))
    os.utime(model, (1, 1))
    open_catalogue(SKETCH)
    assert model.stat().st_mtime > 1
