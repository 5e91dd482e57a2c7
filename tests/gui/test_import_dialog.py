"""The import dialog in the real window: drop a file, see how it will be read, change it, import it off the UI
thread, cancel it. What matters is checked in the collection, after the worker has finished."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThread, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studyapp.core.drafts import DuplicatePolicy
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.importing.import_dialog import CANCELLED_MESSAGE

from .support import (
    choose,
    database_fingerprint,
    folder_listing,
    offscreen_dialog_warning,
    open_import,
    press,
    run_import,
    wait_for_preview,
)

pytestmark = offscreen_dialog_warning

TIMES_CSV = "Front,Back,Tags\nMeeting at 9:00,Room 3,Parent::Child\nLunch at 12:30,Canteen,Parent::Child other\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def notes_of(app: App, deck_name: str) -> list[tuple[str, str]]:
    deck = app.find_deck(deck_name)
    assert deck is not None
    return sorted((note.front, note.back) for note in app.collection.notes.in_decks([deck.id]))


def drag_events(paths: list[Path]) -> tuple[QDragEnterEvent, QDropEvent, QMimeData]:
    """A drag entering the window and its drop; the events do not own the data, so it is returned too."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    action, button, modifier = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(200, 200), action, mime, button, modifier)
    drop = QDropEvent(QPointF(200, 200), action, mime, button, modifier)
    return enter, drop, mime


def test_dropping_a_csv_on_the_window_opens_the_import_dialog(window: MainWindow, qtbot, tmp_path: Path) -> None:
    source = write(tmp_path, "times.csv", TIMES_CSV)
    enter, drop, _data = drag_events([source])
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()

    dialog = wait_for_preview(qtbot, window.import_dialog)
    assert dialog.isVisible() and dialog.path == source
    assert "times.csv" in dialog.title_label.text()
    dialog.reject()
    assert window.import_dialog is None


def test_a_file_no_importer_reads_is_not_taken_by_a_drop(window: MainWindow, tmp_path: Path) -> None:
    enter, drop, _data = drag_events([write(tmp_path, "notes.pdf", "%PDF-1.4")])
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()
    QApplication.sendEvent(window, drop)
    assert window.import_dialog is None


def test_the_dialog_shows_the_detected_delimiter_and_the_first_rows(window: MainWindow, qtbot, tmp_path: Path) -> None:
    dialog = open_import(window, qtbot, write(tmp_path, "times.csv", TIMES_CSV))
    panel = dialog.options_panel
    assert panel.format_combo.currentText() == "CSV / TSV"
    assert panel.delimiter_combo.currentText() == "Comma"  # not the colon of 9:00 or of Parent::Child
    assert panel.encoding_combo.currentText() == "utf-8 (detected)"
    assert panel.header_check.isChecked()
    assert panel.notetype_row.isVisible() and panel.notetype.combo.currentText() == "Basic"
    assert [combo.currentText() for combo in dialog.table.mapping_header.combos] == ["Front", "Back", "Tags"]
    assert panel.deck_combo.currentText() == "Times" and panel.deck_state.text() == "new deck"
    assert dialog.table.preview_model.text().splitlines() == [
        "Front → Front\tBack → Back\tTags → Tags",
        "Meeting at 9:00\tRoom 3\tParent::Child",
        "Lunch at 12:30\tCanteen\tParent::Child other",
    ]
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()
    assert panel.policy() is DuplicatePolicy.UPDATE
    assert not panel.history_check.isVisible()


def test_a_cp1252_file_shows_its_encoding(window: MainWindow, qtbot, tmp_path: Path) -> None:
    source = write(tmp_path, "french.csv", "Café,crème brûlée\nNaïve,résumé\n", encoding="cp1252")
    dialog = open_import(window, qtbot, source)
    assert dialog.options_panel.encoding_combo.currentData() == "cp1252"
    assert dialog.options_panel.encoding_combo.currentText() == "cp1252 (detected)"
    assert "Café\tcrème brûlée" in dialog.table.preview_model.text()


def test_a_new_delimiter_previews_again_and_imports_with_it(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    source = write(tmp_path, "prices.csv", "Bread;1,50;food\nMilk;0,99;food\nTea;3,20;drink\n")
    dialog = open_import(window, qtbot, source)
    panel = dialog.options_panel
    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        choose(qtbot, panel.delimiter_combo, ",")
    assert dialog.table.preview_model.columnCount() == 2
    assert dialog.table.preview_model.text().splitlines()[1] == "Bread;1\t50;food"

    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        choose(qtbot, panel.delimiter_combo, ";")
    assert dialog.table.preview_model.text().splitlines()[1] == "Bread\t1,50\tfood"
    assert run_import(qtbot, dialog) == "imported"
    assert notes_of(app, "Prices") == [("Bread", "1,50"), ("Milk", "0,99"), ("Tea", "3,20")]


def test_swapping_front_and_back_imports_swapped_cards(window: MainWindow, app: App, qtbot, tmp_path: Path) -> None:
    dialog = open_import(window, qtbot, write(tmp_path, "times.csv", TIMES_CSV))
    choose(qtbot, dialog.table.mapping_header.combos[1], "field:0")  # the other column takes Back in exchange
    assert [combo.currentText() for combo in dialog.table.mapping_header.combos] == ["Back", "Front", "Tags"]
    assert dialog.table.preview_model.text().splitlines()[0] == "Front → Back\tBack → Front\tTags → Tags"
    assert run_import(qtbot, dialog) == "imported"
    assert notes_of(app, "Times") == [("Canteen", "Lunch at 12:30"), ("Room 3", "Meeting at 9:00")]


def test_a_note_type_s_first_field_needs_a_column(window: MainWindow, qtbot, tmp_path: Path) -> None:
    dialog = open_import(window, qtbot, write(tmp_path, "times.csv", TIMES_CSV))
    choose(qtbot, dialog.table.mapping_header.combos[0], "ignore")
    assert not dialog.import_button.isEnabled()
    assert dialog.message_label.text() == "Choose the column for the first field, “Front”: a note needs it."


def test_notes_go_into_an_existing_deck_when_it_is_chosen(
    window: MainWindow, app: App, qtbot, tmp_path: Path, calcinosis_id: int
) -> None:
    dialog = open_import(window, qtbot, write(tmp_path, "times.csv", TIMES_CSV))
    panel = dialog.options_panel
    choose(qtbot, panel.deck_combo, "Calcinosis")
    assert panel.deck_state.text() == "existing deck"
    assert run_import(qtbot, dialog) == "imported"
    assert app.find_deck("Times") is None
    assert ("Meeting at 9:00", "Room 3") in notes_of(app, "Calcinosis")
    press(qtbot, Qt.Key.Key_Return)  # Close
    row = window.deck_list.table.currentItem()
    assert [row.text(c) for c in range(5)] == ["Calcinosis", "20", "0", "0", "31"]


def test_a_typed_name_makes_a_new_deck(window: MainWindow, app: App, qtbot, tmp_path: Path) -> None:
    dialog = open_import(window, qtbot, write(tmp_path, "times.csv", TIMES_CSV))
    combo = dialog.options_panel.deck_combo
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "Daily plan")
    assert dialog.options_panel.deck_state.text() == "new deck"
    assert run_import(qtbot, dialog) == "imported"  # Enter in the deck name imports
    assert notes_of(app, "Daily plan") == [("Lunch at 12:30", "Canteen"), ("Meeting at 9:00", "Room 3")]


def test_keep_on_a_changed_reimport_keeps_the_old_text_and_lists_a_skip(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    source = write(tmp_path, "times.csv", TIMES_CSV)
    app.import_file(source)
    write(tmp_path, "times.csv", TIMES_CSV.replace("Room 3", "Room 4"))
    dialog = open_import(window, qtbot, source)
    choose(qtbot, dialog.options_panel.policy_combo, DuplicatePolicy.KEEP)
    assert run_import(qtbot, dialog) == "imported"

    assert ("Meeting at 9:00", "Room 3") in notes_of(app, "Times")
    assert dialog.summary is not None and (dialog.summary.new, dialog.summary.unchanged) == (0, 1)
    assert dialog.summary_view.figures["skipped"].text() == "1"
    assert dialog.summary_view.skipped_reasons() == [
        "line 2 — already in the collection with other text (kept as it was)"
    ]


def test_the_import_runs_on_a_worker_and_the_deck_list_shows_the_new_deck(
    window: MainWindow, app: App, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: set[int] = set()
    real_job = app.import_job

    def spying_job(path, options=None, policy=DuplicatePolicy.UPDATE, on_progress=None):  # noqa: ANN001, ANN202
        def report(stage: str, done: int, total: int) -> None:
            threads.add(threading.get_ident())
            on_progress(stage, done, total)

        return real_job(path, options, policy, report)

    monkeypatch.setattr(app, "import_job", spying_job)
    source = write(tmp_path, "capitals.csv", "".join(f"Capital {i}?,City {i}\n" for i in range(30)))
    dialog = open_import(window, qtbot, source)
    stages: list[str] = []
    dialog.progressed.connect(lambda stage, done, total: stages.append(stage))

    assert run_import(qtbot, dialog) == "imported"
    assert threads and threading.get_ident() not in threads
    assert stages[0] == "Reading" and stages[-1] == "Saving"
    assert dialog.summary_view.figures["new"].text() == "30"
    assert "Capitals: 30 new, 0 updated, 0 unchanged" in dialog.summary_view.text()
    assert dialog.close_button.isVisible() and dialog.close_button.isDefault()

    press(qtbot, Qt.Key.Key_Return)  # Close
    assert window.import_dialog is None
    table = window.deck_list.table
    row = table.currentItem()
    assert [row.text(c) for c in range(5)] == ["Capitals", "20", "0", "0", "30"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    counts = {deck.name: (deck.new, deck.total) for deck in app.deck_counts()}
    assert counts["Capitals"] == (20, 30)


@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    return write(tmp_path, "big.csv", "".join(f"Question {i}?,Answer {i}\n" for i in range(20_000)))


def test_cancel_during_a_large_import_changes_nothing(
    window: MainWindow, app: App, qtbot, big_csv: Path, collection_path: Path
) -> None:
    before = database_fingerprint(collection_path)
    media_before = folder_listing(app.media_dir)
    dialog = open_import(window, qtbot, big_csv)
    cancelled: list[str] = []

    def cancel_once(stage: str, done: int, total: int) -> None:
        if not cancelled:
            cancelled.append(stage)
            assert dialog.progress_row.isVisible() and dialog.progress_row.stage_label.text() in ("Reading…", "Saving…")
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progressed.connect(cancel_once)
    assert run_import(qtbot, dialog) == "cancelled"

    assert cancelled
    assert database_fingerprint(collection_path) == before
    assert folder_listing(app.media_dir) == media_before
    assert app.find_deck("Big") is None
    assert dialog.message_label.text() == CANCELLED_MESSAGE and dialog.message_label.isVisible()
    assert dialog.import_button.isEnabled()  # it can be tried again
    assert not any(thread.isRunning() for thread in dialog.findChildren(QThread))


def test_closing_the_dialog_while_importing_cancels_and_waits(
    window: MainWindow, app: App, qtbot, big_csv: Path, collection_path: Path
) -> None:
    before = database_fingerprint(collection_path)
    dialog = open_import(window, qtbot, big_csv)
    threads: list[QThread] = []

    def close_on_first_report(stage: str, done: int, total: int) -> None:
        if not threads:
            threads.extend(dialog.findChildren(QThread))
            dialog.close()  # the window's close button

    dialog.progressed.connect(close_on_first_report)
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)

    assert threads and not any(thread.isRunning() for thread in threads)  # waited for, before the dialog went
    assert window.import_dialog is None
    assert database_fingerprint(collection_path) == before


def test_escape_cancels_a_running_import_and_a_second_escape_closes(
    window: MainWindow, app: App, qtbot, big_csv: Path, collection_path: Path
) -> None:
    before = database_fingerprint(collection_path)
    dialog = open_import(window, qtbot, big_csv)
    escaped: list[bool] = []

    def escape_once(stage: str, done: int, total: int) -> None:
        if not escaped:
            escaped.append(True)
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            assert dialog.isVisible()

    dialog.progressed.connect(escape_once)
    assert run_import(qtbot, dialog) == "cancelled"
    assert database_fingerprint(collection_path) == before
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.import_dialog is None


def test_a_binary_file_shows_a_one_line_error_and_cannot_be_imported(
    window: MainWindow, app: App, qtbot, tmp_path: Path, collection_path: Path
) -> None:
    before = database_fingerprint(collection_path)
    source = tmp_path / "broken.csv"
    source.write_bytes(bytes(range(256)) * 16)
    dialog = open_import(window, qtbot, source)

    assert dialog.message_label.isVisible()
    assert dialog.message_label.text() == "broken.csv: is a binary file, not text"
    assert dialog.message_label.property("kind") == "error"
    assert not dialog.import_button.isEnabled()
    assert dialog.table.preview_model.rowCount() == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter does nothing
    assert dialog.isVisible() and not dialog.running
    dialog.reject()
    assert database_fingerprint(collection_path) == before


def test_a_wrong_encoding_is_reported_and_auto_reads_it_again(window: MainWindow, qtbot, tmp_path: Path) -> None:
    source = write(tmp_path, "french.csv", "Café,crème brûlée\nNaïve,résumé\n", encoding="cp1252")
    dialog = open_import(window, qtbot, source)
    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        choose(qtbot, dialog.options_panel.encoding_combo, "utf-16")
    assert dialog.message_label.text().startswith("french.csv: line ")
    assert "utf-16" in dialog.message_label.text() and not dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        choose(qtbot, dialog.options_panel.encoding_combo, "")
    assert dialog.import_button.isEnabled()
    assert dialog.options_panel.encoding_combo.currentText() == "cp1252 (detected)"


def test_a_text_without_questions_says_why_in_one_line(window: MainWindow, qtbot, tmp_path: Path) -> None:
    dialog = open_import(window, qtbot, write(tmp_path, "notes.txt", "No questions here.\n"))
    assert dialog.message_label.text().startswith("notes.txt: ")
    assert "no questions found" in dialog.message_label.text()
    assert not dialog.import_button.isEnabled()


def test_a_file_that_breaks_after_the_preview_fails_in_one_line_and_changes_nothing(
    window: MainWindow, app: App, qtbot, tmp_path: Path, collection_path: Path
) -> None:
    before = database_fingerprint(collection_path)
    source = write(tmp_path, "times.csv", TIMES_CSV)
    dialog = open_import(window, qtbot, source)
    source.write_bytes(bytes(range(256)) * 16)  # replaced on disk meanwhile
    assert run_import(qtbot, dialog) == "failed"
    assert dialog.message_label.text() == "times.csv: is a binary file, not text"
    assert dialog.message_label.property("kind") == "error"
    assert database_fingerprint(collection_path) == before


def test_closing_the_main_window_during_an_import_stops_it_first(
    window: MainWindow, app: App, qtbot, big_csv: Path, collection_path: Path
) -> None:
    before = database_fingerprint(collection_path, ignore=("settings",))  # the window saves its size there
    dialog = open_import(window, qtbot, big_csv)
    threads: list[QThread] = []

    def quit_on_first_report(stage: str, done: int, total: int) -> None:
        if not threads:
            threads.extend(dialog.findChildren(QThread))
            window.close()

    dialog.progressed.connect(quit_on_first_report)
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    assert threads and not any(thread.isRunning() for thread in threads)
    assert not window.isVisible()
    assert database_fingerprint(collection_path, ignore=("settings",)) == before
