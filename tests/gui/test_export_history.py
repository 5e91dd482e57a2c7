"""The export dialog's "with history" checkbox: on by default, and what it says is what the package holds."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.decks.deck_export import HISTORY_LABEL, ExportChoice, export_choice, export_dialog

from .support import offscreen_dialog_warning, open_message_box

pytestmark = offscreen_dialog_warning


def package_log(path: Path, folder: Path) -> tuple[int, list[int]]:
    """Review-log rows and card types of an exported package."""
    with zipfile.ZipFile(path) as package:
        (folder / "c.anki2").write_bytes(package.read("collection.anki2"))
    db = sqlite3.connect(folder / "c.anki2")
    try:
        return db.execute("select count(*) from revlog").fetchone()[0], sorted(
            row[0] for row in db.execute("select type from cards")
        )
    finally:
        db.close()


def test_the_save_dialog_has_the_history_checkbox_on(qtbot, tmp_path: Path) -> None:  # noqa: ANN001 - qtbot
    dialog = export_dialog(None, "Medicine::Cardiology")
    qtbot.addWidget(dialog)
    box = dialog.findChild(QCheckBox, "with_history")
    assert box is not None and box.text() == HISTORY_LABEL and box.isChecked()
    dialog.selectFile(str(tmp_path / "cardio"))
    dialog.selectNameFilter("Anki package (*.apkg)")
    assert export_choice(dialog) == ExportChoice(tmp_path / "cardio.apkg", True)
    box.setChecked(False)
    assert export_choice(dialog) == ExportChoice(tmp_path / "cardio.apkg", False)


@pytest.mark.parametrize("with_history", [True, False])
def test_the_package_holds_the_history_only_when_asked(
    window: MainWindow,
    app: App,
    qtbot,
    tmp_path: Path,
    with_history: bool,  # noqa: ANN001 - qtbot
) -> None:
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    session = app.review_session(deck.id)
    assert session.next_card() is not None
    session.answer(Rating.GOOD, 3000)
    target = tmp_path / "calcinosis.apkg"
    window.choose_export_path = lambda parent, name: ExportChoice(target, with_history)
    window.export_action.trigger()
    box = open_message_box(qtbot, window)
    assert box.text().startswith("Exported 29 notes of “Calcinosis” to calcinosis.apkg.")
    assert ("With 1 review of history." in box.text()) == with_history
    box.accept()
    reviews, types = package_log(target, tmp_path)
    if with_history:
        assert reviews == 1 and types == [0] * 28 + [1]  # the answered card is learning (type 1) in Anki
    else:
        assert reviews == 0 and types == [0] * 29
