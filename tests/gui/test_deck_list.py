"""The deck list of the real main window: counts, selection, Enter to study, Escape back, import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.services.app import App
from studyapp.ui.main_window import MainWindow

from .support import offscreen_dialog_warning, press

# The offscreen platform cannot pass a dialog's size limits to a window system, and says so.


def row_texts(window: MainWindow, row: int = 0) -> list[str]:
    item = window.deck_list.table.topLevelItem(row)
    return [item.text(column) for column in range(item.columnCount())]


def open_message_box(qtbot, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(lambda: any(box.isVisible() for box in window.findChildren(QMessageBox)))
    return next(box for box in window.findChildren(QMessageBox) if box.isVisible())


def test_start_shows_the_first_deck_chosen_with_its_counts(window: MainWindow, calcinosis_id: int) -> None:
    table = window.deck_list.table
    assert window.stack.currentWidget() is window.deck_list
    assert [table.headerItem().text(c) for c in range(5)] == ["Deck", "New", "Learning", "Due", "Total"]
    assert row_texts(window) == ["Calcinosis", "20", "0", "0", "29"]
    assert table.current_deck_id() == calcinosis_id
    assert table.currentItem().isSelected()
    assert QApplication.focusWidget() is table
    assert window.deck_list.description.isVisibleTo(window)
    assert window.deck_list.description.text().startswith("Calcinosis universalis is a rare")


def test_enter_studies_and_escape_comes_back_with_fresh_counts(window: MainWindow, app: App, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    assert "What causes calcinosis?" in window.reviewer.card_view.toPlainText()

    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    press(qtbot, Qt.Key.Key_Escape)

    assert window.stack.currentWidget() is window.deck_list
    assert row_texts(window) == ["Calcinosis", "19", "1", "0", "29"]
    counts = app.deck_counts()[0]
    assert (counts.new, counts.learning, counts.due) == (19, 1, 0)
    assert QApplication.focusWidget() is window.deck_list.table


def test_double_click_studies_the_deck(window: MainWindow, qtbot) -> None:
    table = window.deck_list.table
    centre = table.visualItemRect(table.topLevelItem(0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # the view wants a press first
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.stack.currentWidget() is window.reviewer


@offscreen_dialog_warning
def test_import_adds_the_deck_and_reports_what_was_imported(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    source = tmp_path / "small-deck.txt"
    source.write_text("What is two plus two?\n\nFour.\n\nWhat colour is the sky?\n\nBlue.\n", encoding="utf-8")
    window.choose_import_file = lambda parent: source
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)

    box = open_message_box(qtbot, window)
    assert box.text() == "Small deck: 2 new, 0 updated, 0 unchanged"
    box.accept()
    assert app.find_deck("Small deck") is not None
    names = [window.deck_list.table.topLevelItem(r).text(0) for r in range(window.deck_list.table.topLevelItemCount())]
    assert sorted(names) == ["Calcinosis", "Small deck"]


@offscreen_dialog_warning
def test_a_bad_import_file_shows_a_one_line_warning(window: MainWindow, app: App, qtbot, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("No questions here.\n", encoding="utf-8")
    window.choose_import_file = lambda parent: source
    window.import_action.trigger()

    box = open_message_box(qtbot, window)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "notes.txt" in box.text()
    assert "no questions found" in box.text()
    assert "\n" not in box.text()
    box.accept()
    assert [d.name for d in app.collection.decks.all()] == ["Calcinosis"]


def test_cancelling_the_file_chooser_imports_nothing(window: MainWindow, app: App) -> None:
    window.choose_import_file = lambda parent: None
    window.import_action.trigger()
    assert not any(box.isVisible() for box in window.findChildren(QMessageBox))
    assert len(app.collection.decks.all()) == 1
