"""Disk faults injected at the storage boundary: each becomes one line naming the file, and nothing is
half-written (the collection's fingerprint is unchanged, and the same action works once the fault is gone)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from studyapp.core.model import Rating
from studyapp.services.app import App, StorageError
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteText
from studyapp.services.settings import Settings, load_settings, save_settings
from studyapp.storage.errors import fault_kind

from ..conftest import collection_fingerprint
from .support import DISK_FULL, DISK_IO, NO_SPACE, READ_ONLY, fail_opened_collections, failing_writes


def full(path: Path) -> str:
    return f"{path}: the disk is full; the last change was not saved"


def read_only(path: Path) -> str:
    return f"{path}: the folder or file is read-only; the last change was not saved"


def unreachable(path: Path) -> str:
    return (
        f"{path}: the collection file is no longer reachable (was its folder moved or its drive removed?); "
        "the last change was not saved"
    )


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("disk I/O error"), "unreachable"),
        (sqlite3.OperationalError("unable to open database file"), "unreachable"),
        (OSError(errno.ENOSPC, "No space left on device"), "full"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only"),
        (OSError(errno.EACCES, "Permission denied"), "read-only"),
        (OSError(errno.ENOENT, "No such file or directory"), "unreachable"),
        (sqlite3.OperationalError("no such table: cards"), None),  # a bug, not the disk: never disguised
        (sqlite3.IntegrityError("UNIQUE constraint failed: notes.id"), None),
        (ValueError("bad"), None),
    ],
)
def test_low_level_errors_are_told_by_kind(error: BaseException, kind: str | None) -> None:
    assert fault_kind(error) == kind


@pytest.mark.parametrize(
    ("error", "nth", "message"),
    [
        (DISK_FULL, 1, full),  # the card's update
        (DISK_FULL, 2, full),  # its log row, after the update went into the transaction
        (DISK_FULL, 3, full),  # the commit
        (READ_ONLY, 1, read_only),
        (DISK_IO, 3, unreachable),
        (NO_SPACE, 2, full),
    ],
)
def test_an_answer_the_disk_refuses_writes_nothing_and_can_be_given_again(
    app: App, calcinosis_id: int, collection_path: Path, error: BaseException, nth: int, message
) -> None:  # noqa: ANN001 - message
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    before = collection_fingerprint(collection_path)

    with failing_writes(app.collection, error, nth) as failing, pytest.raises(StorageError) as raised:
        session.answer(Rating.GOOD)

    assert failing.failed == 1
    assert str(raised.value) == message(collection_path)
    assert "\n" not in str(raised.value)
    assert collection_fingerprint(collection_path) == before
    assert session.current == card and session.summary.answered == 0 and not session.can_undo
    assert not app.collection.db.conn.in_transaction

    session.answer(Rating.GOOD)  # the fault is gone: the same answer is saved
    assert app.collection.reviews.log_count() == 1
    assert collection_fingerprint(collection_path) != before


def test_an_undo_the_disk_refuses_keeps_the_answer(app: App, calcinosis_id: int, collection_path: Path) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    session.answer(Rating.AGAIN)
    before = collection_fingerprint(collection_path)

    with failing_writes(app.collection, DISK_FULL, 2), pytest.raises(StorageError, match="the disk is full"):
        session.undo()  # the card goes back, then the log row's delete fails

    assert collection_fingerprint(collection_path) == before
    assert session.can_undo and session.summary.answered == 1
    assert session.undo().id == card.id
    assert app.collection.reviews.log_count() == 0


def test_a_settings_write_the_disk_refuses(app: App, collection_path: Path) -> None:
    before = collection_fingerprint(collection_path)
    settings = load_settings(app.collection)
    changed = Settings(theme="dark", card_font_size=settings.card_font_size + 2, rollover_hour=5)

    with failing_writes(app.collection, DISK_FULL, 2), pytest.raises(StorageError) as raised:
        save_settings(app.collection, changed)  # the theme is written, the font size is refused
    assert str(raised.value) == full(collection_path)
    with failing_writes(app.collection, OSError(errno.EROFS, "Read-only file system")), pytest.raises(StorageError):
        app.set_setting("browser.hidden_columns", ["due"])

    assert collection_fingerprint(collection_path) == before
    assert load_settings(app.collection) == settings


def test_adding_a_note_the_disk_refuses_leaves_no_deck_behind(app: App, collection_path: Path) -> None:
    before = collection_fingerprint(collection_path)

    with failing_writes(app.collection, DISK_FULL, 3), pytest.raises(StorageError, match="the disk is full"):
        add_to_deck(app, "Chemistry", NoteText("What is a mole?", "6.022e23 particles"))

    assert collection_fingerprint(collection_path) == before
    assert app.find_deck("Chemistry") is None


def test_an_error_that_is_not_the_disk_is_not_disguised(app: App, collection_path: Path) -> None:
    with (
        failing_writes(app.collection, sqlite3.OperationalError("no such column: x")),
        pytest.raises(sqlite3.OperationalError),
    ):
        app.set_setting("theme", "dark")


def test_an_import_the_disk_refuses_is_rolled_back(
    app: App, collection_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "chemistry.txt"
    source.write_text("".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(50)), encoding="utf-8")
    before = collection_fingerprint(collection_path)
    jobs = fail_opened_collections(monkeypatch, DISK_FULL, nth=4)  # the job's own connection, mid-import

    with pytest.raises(StorageError) as raised:
        app.import_file(source)

    assert [job.failed for job in jobs] == [1]
    assert str(raised.value) == f"{collection_path}: the disk is full; nothing was imported"
    assert collection_fingerprint(collection_path) == before
    monkeypatch.undo()
    assert app.import_file(source).new == 50
