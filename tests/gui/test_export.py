"""File → Export deck…: the chosen deck to .csv, .apkg or .txt where the user says, with a message."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from studyapp.services.app import App
from studyapp.ui.app.dialogs import export_file_name
from studyapp.ui.app.main_window import MainWindow

from .support import offscreen_dialog_warning, open_message_box, press

pytestmark = offscreen_dialog_warning


class Chooser:
    """Stands in for the save dialog: answers with ``path`` and remembers which deck it was asked about."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.asked: list[str] = []

    def __call__(self, parent: object, deck_name: str) -> Path | None:
        self.asked.append(deck_name)
        return self.path


@pytest.mark.parametrize("name", ["calcinosis.csv", "calcinosis.apkg", "calcinosis.txt"])
def test_ctrl_e_exports_the_chosen_deck(window: MainWindow, qtbot, tmp_path: Path, name: str) -> None:
    chooser = Chooser(tmp_path / name)
    window.choose_export_path = chooser
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    box = open_message_box(qtbot, window)
    assert box.icon() == QMessageBox.Icon.Information
    assert box.text() == f"Exported 29 notes of “Calcinosis” to {name}."
    box.accept()
    assert chooser.asked == ["Calcinosis"]
    written = tmp_path / name
    assert written.stat().st_size > 0
    if name.endswith(".apkg"):
        assert zipfile.is_zipfile(written)
    else:
        assert "What causes calcinosis?" in written.read_text(encoding="utf-8")


def test_the_exported_csv_imports_back_as_the_very_same_notes(window: MainWindow, app: App, tmp_path: Path) -> None:
    window.choose_export_path = Chooser(tmp_path / "copy.csv")
    window.export_action.trigger()
    summary = app.import_file(tmp_path / "copy.csv")
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 29)  # same identities, same text


def test_a_file_that_cannot_be_written_gives_a_one_line_warning(window: MainWindow, qtbot, tmp_path: Path) -> None:
    window.choose_export_path = Chooser(tmp_path / "no such folder" / "calcinosis.csv")
    window.export_action.trigger()
    box = open_message_box(qtbot, window)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "calcinosis.csv" in box.text() and "cannot be written" in box.text()
    assert "\n" not in box.text()
    box.accept()


def test_cancelling_the_save_dialog_writes_nothing(window: MainWindow, tmp_path: Path) -> None:
    window.choose_export_path = Chooser(None)
    assert window.export_deck() is None
    assert not any(box.isVisible() for box in window.findChildren(QMessageBox))
    assert list(tmp_path.glob("*.csv")) == []


def test_while_studying_the_deck_being_studied_is_exported(window: MainWindow, qtbot, tmp_path: Path) -> None:
    chooser = Chooser(tmp_path / "studying.csv")
    window.choose_export_path = chooser
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    box = window.export_deck()
    assert chooser.asked == ["Calcinosis"] and "29 notes" in box.text()
    box.accept()


def test_with_no_deck_chosen_the_user_is_asked_which(window: MainWindow, qtbot, tmp_path: Path) -> None:
    window.deck_list.table.setCurrentItem(None)
    asked: list[list[str]] = []
    window.choose_export_deck = lambda parent, names: asked.append(names) or "Calcinosis"
    window.choose_export_path = Chooser(tmp_path / "asked.apkg")
    box = window.export_deck()
    assert asked == [["Calcinosis"]] and "29 notes" in box.text()
    box.accept()


def test_export_file_names_are_safe() -> None:
    assert export_file_name("Medicine::Cardiology") == "Medicine - Cardiology.apkg"
    assert export_file_name('a/b:c*"d"', ".csv") == "a_b_c__d_.csv"
