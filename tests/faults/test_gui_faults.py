"""The window tells a disk fault and keeps going: the reviewer keeps the card on screen so the answer can
be given again, the import dialog shows the message with nothing imported, a second window is refused."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.ui.app import launch
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme

from ..conftest import collection_fingerprint
from ..gui.support import (
    folder_listing,
    offscreen_dialog_warning,
    open_import,
    open_message_box,
    open_window,
    press,
    run_import,
)
from .support import DISK_FULL, READ_ONLY, fail_opened_collections, failing_writes

pytestmark = offscreen_dialog_warning  # message boxes and the import dialog


@pytest.fixture
def window(app: App, qtbot) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()


@pytest.fixture
def revealed(window: MainWindow, qtbot) -> MainWindow:  # noqa: ANN001 - qtbot
    """Studying Calcinosis, the first card's answer shown."""
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    press(qtbot, Qt.Key.Key_Space)
    assert window.reviewer.revealed
    return window


def close_box(qtbot, box: QMessageBox) -> None:  # noqa: ANN001 - qtbot
    box.accept()
    qtbot.waitUntil(lambda: not box.isVisible())


def test_an_answer_on_a_full_disk_is_told_and_the_card_stays_to_answer_again(
    revealed: MainWindow,
    app: App,
    qtbot,
    collection_path: Path,  # noqa: ANN001 - qtbot
) -> None:
    reviewer = revealed.reviewer
    card = reviewer.shown_card
    assert card is not None
    before = collection_fingerprint(collection_path)

    with failing_writes(app.collection, DISK_FULL, 2):
        qtbot.keyClick(reviewer, Qt.Key.Key_3)
        box = open_message_box(qtbot, reviewer)

    assert box.text() == f"{collection_path}: the disk is full; the last change was not saved"
    assert collection_fingerprint(collection_path) == before
    assert reviewer.shown_card is card and reviewer.revealed  # the same card, its answer still shown
    close_box(qtbot, box)

    qtbot.keyClick(reviewer, Qt.Key.Key_3)  # there is room again: the same answer is saved
    assert [(e.card_id, e.rating) for e in app.collection.reviews.log()] == [(card.id, Rating.GOOD)]
    assert reviewer.shown_card is not None and reviewer.shown_card.id != card.id


def test_an_undo_on_a_read_only_disk_is_told_and_the_answer_stays(
    revealed: MainWindow,
    app: App,
    qtbot,
    collection_path: Path,  # noqa: ANN001 - qtbot
) -> None:
    reviewer = revealed.reviewer
    qtbot.keyClick(reviewer, Qt.Key.Key_3)
    assert app.collection.reviews.log_count() == 1
    before = collection_fingerprint(collection_path)

    with failing_writes(app.collection, READ_ONLY):
        qtbot.keyClick(reviewer, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        box = open_message_box(qtbot, reviewer)

    assert box.text() == f"{collection_path}: the folder or file is read-only; the last change was not saved"
    assert collection_fingerprint(collection_path) == before
    assert reviewer.session is not None and reviewer.session.can_undo
    close_box(qtbot, box)


def test_an_import_on_a_full_disk_shows_the_message_and_imports_nothing(
    window: MainWindow, app: App, qtbot, tmp_path: Path, collection_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001 - qtbot
    source = tmp_path / "capitals.csv"
    source.write_text("".join(f"Capital of country {i}?,City {i}\n" for i in range(200)), encoding="utf-8")
    before = collection_fingerprint(collection_path)
    media_before = folder_listing(app.media_dir)
    dialog = open_import(window, qtbot, source)
    jobs = fail_opened_collections(monkeypatch, DISK_FULL, nth=2)

    assert run_import(qtbot, dialog) == "failed"

    assert [job.failed for job in jobs] == [1]
    assert dialog.message_label.text() == f"{collection_path}: the disk is full; nothing was imported"
    assert dialog.message_label.isVisible() and dialog.import_button.isEnabled()  # it can be tried again
    assert collection_fingerprint(collection_path) == before
    assert folder_listing(app.media_dir) == media_before
    assert app.find_deck("capitals") is None
    dialog.reject()


def test_a_second_window_on_the_same_collection_is_refused(
    app: App, collection_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(launch, "show_startup_error", lambda message, headline: shown.append((message, headline)))
    before = collection_fingerprint(collection_path)

    assert launch.run_gui(collection_path) == launch.EXIT_CANNOT_OPEN == 2

    message = f"{collection_path} is already open in another studyapp window (process {os.getpid()})"
    assert shown == [(message, launch.ALREADY_OPEN)]
    assert capsys.readouterr().err == f"studyapp: {message}\n"
    assert collection_fingerprint(collection_path) == before
    install_theme(QApplication.instance(), LIGHT)


def test_adding_a_card_on_a_full_disk_is_told_in_the_dialog_and_adds_nothing(
    window: MainWindow,
    app: App,
    qtbot,  # noqa: ANN001
) -> None:
    press(qtbot, Qt.Key.Key_A)
    dialog = window.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    qtbot.keyClicks(dialog.editor.front, "Written on a full disk?")
    qtbot.keyClicks(dialog.editor.back, "No")
    before = collection_fingerprint(app.path)
    with failing_writes(app.collection, DISK_FULL):
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.status.text() == f"Not added: {app.path}: the disk is full; the last change was not saved."
    assert dialog.editor.front.toPlainText() == "Written on a full disk?"  # kept, to try again
    assert collection_fingerprint(app.path) == before
    dialog.reject()


def test_settings_on_a_read_only_disk_are_told_and_the_dialog_stays(
    window: MainWindow,
    app: App,
    qtbot,  # noqa: ANN001
) -> None:
    dialog = window.show_settings()
    qtbot.waitExposed(dialog)
    dialog.font_size.setValue(30)
    before = collection_fingerprint(app.path)
    with failing_writes(app.collection, READ_ONLY):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        box = open_message_box(qtbot, dialog)
    assert "read-only" in box.informativeText() + box.text()
    close_box(qtbot, box)
    assert dialog.isVisible() and collection_fingerprint(app.path) == before
    dialog.reject()


def test_the_window_closes_on_a_full_disk_losing_only_its_size(
    window: MainWindow,
    app: App,
    capsys: pytest.CaptureFixture[str],
) -> None:
    window.resize(700, 500)
    with failing_writes(app.collection, DISK_FULL, nth=1):
        window.close()
    assert not window.isVisible()
    assert "the disk is full" in capsys.readouterr().err
