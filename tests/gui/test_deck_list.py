"""The deck list of the real main window: counts, selection, Enter to study, Escape back, import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow

from .support import offscreen_dialog_warning, press

# The offscreen platform cannot pass a dialog's size limits to a window system, and says so.


def row_texts(window: MainWindow, row: int = 0) -> list[str]:
    item = window.deck_list.table.topLevelItem(row)
    return [item.text(column) for column in range(item.columnCount())]


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
def test_ctrl_i_imports_a_file_and_the_list_shows_the_new_deck_chosen(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    source = tmp_path / "small-deck.txt"
    source.write_text("What is two plus two?\n\nFour.\n\nWhat colour is the sky?\n\nBlue.\n", encoding="utf-8")
    window.choose_import_file = lambda parent: source
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)

    dialog = window.import_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.preview_ready):
        pass
    assert dialog.options_panel.format_combo.currentText() == "Q&A text"
    with qtbot.waitSignal(dialog.import_finished):
        press(qtbot, Qt.Key.Key_Return)
    assert "Small deck: 2 new, 0 updated, 0 unchanged" in dialog.summary_view.text()
    press(qtbot, Qt.Key.Key_Return)  # Close
    assert app.find_deck("Small deck") is not None
    assert row_texts(window, 1) == ["Small deck", "2", "0", "0", "2"]
    assert window.deck_list.table.currentItem().text(0) == "Small deck"


def test_cancelling_the_file_chooser_imports_nothing(window: MainWindow, app: App) -> None:
    window.choose_import_file = lambda parent: None
    window.import_action.trigger()
    assert window.import_dialog is None
    assert not any(box.isVisible() for box in window.findChildren(QMessageBox))
    assert len(app.collection.decks.all()) == 1
