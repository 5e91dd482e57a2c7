"""Decks in the window: the tree with summed counts, F2 rename, Delete (asked) and Ctrl+Z, deck options, settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.settings_dialog import SettingsDialog
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.decks.deck_options_dialog import DeckOptionsDialog

from .support import offscreen_dialog_warning, open_window, press

pytestmark = offscreen_dialog_warning


@pytest.fixture
def decks(app: App) -> dict[str, int]:
    ids = {}
    for name, count in {"A": 2, "A::B": 3, "A::C": 4, "D::E": 5}.items():
        ids[name] = create_deck(app.collection, app.rng, app.clock, name).id
        for number in range(count):
            add_note(app.collection, app.rng, app.clock, ids[name], NoteText(f"{name} {number}", "back"))
    return ids


@pytest.fixture
def shown(app: App, decks: dict[str, int], qtbot) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    window = open_window(app, qtbot)
    yield window
    window.close()


def texts(window: MainWindow, name: str) -> list[str]:
    item = window.deck_list.item_named(name)
    assert item is not None, name
    return [item.text(column) for column in range(5)]


def choose(window: MainWindow, name: str) -> None:
    window.deck_list.table.setCurrentItem(window.deck_list.item_named(name))
    window.deck_list.focus_table()


def test_the_tree_shows_children_with_summed_counts(shown: MainWindow) -> None:
    table = shown.deck_list.table
    assert [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())] == ["A", "Calcinosis", "D"]
    a = shown.deck_list.item_named("A")
    assert [a.child(i).text(0) for i in range(a.childCount())] == ["B", "C"]
    assert texts(shown, "A") == ["A", "9", "0", "0", "9"]
    assert texts(shown, "D") == ["D", "5", "0", "0", "5"]  # only implied by D::E
    assert texts(shown, "D::E") == ["E", "5", "0", "0", "5"]


def test_collapsing_is_remembered(shown: MainWindow, app: App) -> None:
    shown.deck_list.item_named("A").setExpanded(False)
    assert app.setting("gui.collapsed_decks") == ["A"]
    shown.show_decks()
    assert not shown.deck_list.item_named("A").isExpanded()


def test_f2_renames_with_the_children(shown: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    choose(shown, "A")
    press(qtbot, Qt.Key.Key_F2)
    dialog = shown.deck_actions.dialog
    assert dialog is not None and dialog.textValue() == "A"
    dialog.setTextValue("Z")
    dialog.accept()
    assert {"Z", "Z::B", "Z::C"} <= {deck.name for deck in app.decks()}
    assert shown.deck_list.table.current_name() == "Z"


def test_delete_asks_then_ctrl_z_restores(shown: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    choose(shown, "A")
    press(qtbot, Qt.Key.Key_Delete)
    box = shown.deck_actions.dialog
    assert isinstance(box, QMessageBox) and "2 subdecks, with 9 cards" in box.text()
    assert app.find_deck("A::B") is not None  # nothing happens before the answer
    box.button(QMessageBox.StandardButton.Yes).click()
    assert app.find_deck("A") is None and app.find_deck("A::B") is None
    assert shown.deck_list.item_named("A") is None
    shown.deck_list.focus_table()
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert app.find_deck("A::C") is not None
    assert texts(shown, "A") == ["A", "9", "0", "0", "9"]


def test_options_change_the_new_count(shown: MainWindow, app: App, decks: dict[str, int], qtbot) -> None:  # noqa: ANN001
    choose(shown, "A::C")
    press(qtbot, Qt.Key.Key_O)
    dialog = shown.deck_actions.dialog
    assert isinstance(dialog, DeckOptionsDialog) and dialog.deck.id == decks["A::C"]
    assert dialog.usage.text().startswith("Used by 5 decks")
    dialog.save_as_new_preset().accept()  # its own preset, so that the other decks keep theirs
    assert dialog.preset.currentText() == "A::C options"
    dialog.new_per_day.setValue(1)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert app.collection.decks.get(decks["A::C"]).options.new_per_day == 1
    assert texts(shown, "A::C")[1] == "1"
    assert texts(shown, "A::B")[1] == "3"
    assert texts(shown, "A")[1] == "6"


def test_invalid_steps_show_an_error_and_save_nothing(shown: MainWindow, app: App, decks: dict[str, int]) -> None:
    dialog = shown.deck_actions.options(decks["A"])
    dialog.learning_steps.setText("1m banana")
    dialog.new_per_day.setValue(3)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible()
    assert dialog.error.isVisibleTo(dialog) and "'banana' is not a step" in dialog.error.text()
    assert app.collection.decks.get(decks["A"]).options.new_per_day == 20


def test_settings_change_the_font_size_and_the_rollover_hour(shown: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    press(qtbot, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = next(d for d in shown.findChildren(SettingsDialog) if d.isVisible())
    assert dialog.shortcuts.rowCount() > 5
    dialog.font_size.setValue(30)
    dialog.rollover.setValue(13)  # the clock says 12:00 UTC: the study day now started yesterday at 13:00
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert app.setting("gui.card_font_size") == 30 and app.setting("rollover_hour") == 13
    assert shown.reviewer.card_view.font().pixelSize() == 30
    assert shown.reviewer.card_view.document().defaultFont().pixelSize() == 30
    again = open_window(app, qtbot)  # applied at start-up too
    assert again.reviewer.card_view.font().pixelSize() == 30
    again.close()
