"""``studyapp backup``, ``backups`` and ``restore FILE``; a damaged collection's one-line message."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.main import main
from studyapp.services.app import App
from studyapp.services.maintenance.backups import backups_dir_for, list_backups

from ..conftest import collection_fingerprint
from .support import answer, damage


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--collection", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def change(path: Path) -> None:
    app = App.open(path)
    try:
        deck = app.find_deck("Calcinosis")
        assert deck is not None
        answer(app, deck.id, 2)
    finally:
        app.close()


def test_backup_prints_the_new_backups_path_and_backups_lists_them(
    capsys: pytest.CaptureFixture[str], collection_path: Path
) -> None:
    code, out, _err = run(capsys, collection_path, "backups")
    assert code == 0 and "no backups yet" in out
    code, out, _err = run(capsys, collection_path, "backup")
    printed = Path(out.strip())
    assert code == 0 and printed.parent == backups_dir_for(collection_path) and printed.is_file()
    assert collection_fingerprint(printed) == collection_fingerprint(collection_path)
    code, out, _err = run(capsys, collection_path, "backups")
    [line] = out.splitlines()
    assert code == 0 and line.startswith(str(printed)) and "Today" in line and line.endswith("29 cards")


def test_restore_backs_up_first_then_restores(capsys: pytest.CaptureFixture[str], collection_path: Path) -> None:
    run(capsys, collection_path, "backup")
    [backup] = list_backups(collection_path)
    before = collection_fingerprint(backup.path)
    change(collection_path)
    after = collection_fingerprint(collection_path)
    code, out, err = run(capsys, collection_path, "restore", backup.name)  # a name from the list will do
    assert code == 0, err
    assert collection_fingerprint(collection_path) == before
    undo = [b for b in list_backups(collection_path) if b != backup]
    assert len(undo) == 1 and collection_fingerprint(undo[0].path) == after
    assert str(undo[0].path) in out


def test_restore_refuses_a_file_that_is_not_a_collection(
    capsys: pytest.CaptureFixture[str], collection_path: Path, tmp_path: Path
) -> None:
    run(capsys, collection_path, "backup")
    before = collection_fingerprint(collection_path)
    bogus = tmp_path / "bogus.db"
    bogus.write_text("hello", encoding="utf-8")
    code, out, err = run(capsys, collection_path, "restore", str(bogus))
    assert code == 1 and out == ""
    assert err == f"studyapp restore: {bogus}: is not an SQLite database; it cannot be restored, nothing was changed\n"
    assert collection_fingerprint(collection_path) == before
    assert len(list_backups(collection_path)) == 1


def test_a_damaged_collection_says_so_in_one_line_and_restore_moves_it_aside(
    capsys: pytest.CaptureFixture[str], collection_path: Path
) -> None:
    run(capsys, collection_path, "backup")
    [backup] = list_backups(collection_path)
    damage(collection_path)
    damaged_bytes = collection_path.read_bytes()
    code, out, err = run(capsys, collection_path, "decks")
    assert code == 2 and out == ""
    assert err == (
        f"studyapp: {collection_path}: is damaged; restore a backup with 'studyapp restore FILE' "
        "(see 'studyapp backups')\n"
    )
    code, out, err = run(capsys, collection_path, "restore", str(backup.path))
    assert code == 0, err
    moved = sorted(p.name for p in collection_path.parent.iterdir() if ".damaged-" in p.name)
    assert [name for name in moved if not name.endswith(("-wal", "-shm"))] == [moved[0]]  # with its -wal, -shm
    aside = collection_path.with_name(moved[0])
    assert aside.read_bytes() == damaged_bytes and str(aside) in out
    assert collection_fingerprint(collection_path) == collection_fingerprint(backup.path)
    code, out, err = run(capsys, collection_path, "decks")
    assert code == 0 and "Calcinosis" in out
