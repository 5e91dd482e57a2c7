"""The deck option "Even out days (load balancer)": shown from the preset, stored in its JSON when toggled."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from studyapp.services.app import App
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.decks.deck_options_dialog import DeckOptionsDialog

from .support import offscreen_dialog_warning

pytestmark = offscreen_dialog_warning


def stored_json(app: App, preset_id: int) -> dict:
    row = app.collection.db.execute("SELECT options FROM presets WHERE id = ?", [preset_id]).fetchone()
    return json.loads(row[0])


def open_dialog(app: App, deck_id: int, qtbot) -> DeckOptionsDialog:  # noqa: ANN001 - qtbot
    dialog = DeckOptionsDialog(app, deck_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_load_balancer_box_is_on_by_default_and_toggling_it_is_stored(app: App, calcinosis_id: int, qtbot) -> None:  # noqa: ANN001
    install_theme(QApplication.instance(), LIGHT)
    dialog = open_dialog(app, calcinosis_id, qtbot)
    try:
        box = dialog.load_balance
        assert box.text() == "Even out days (load balancer)" and box.toolTip() and box.isChecked()
        assert dialog.width() <= 1024 and dialog.height() <= 640
        preset_id = dialog.preset_id()
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        assert not box.isChecked()
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        assert not dialog.isVisible() and dialog.rescheduled is None  # nothing to reschedule: the replay is the same
    finally:
        dialog.runner.shutdown()
        dialog.fsrs.shutdown()
    assert stored_json(app, preset_id)["load_balance"] is False
    deck = app.find_deck("Calcinosis")
    assert deck is not None and deck.options.load_balance is False
    assert deck.options.scheduler_config().load_balance is False
    assert app.collection.schedule_changes.count() == 0
    again = open_dialog(app, calcinosis_id, qtbot)
    try:
        assert not again.load_balance.isChecked()
        qtbot.mouseClick(again.load_balance, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(again.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    finally:
        again.runner.shutdown()
        again.fsrs.shutdown()
    assert stored_json(app, preset_id)["load_balance"] is True


def test_the_upgrade_notice_shows_in_the_status_bar(app: App, window) -> None:  # noqa: ANN001 - MainWindow
    from studyapp.ui.app.launch import show_upgrade_notice

    show_upgrade_notice(window, app)  # nothing to say: the bar stays as it was
    assert window.statusBar().currentMessage() == ""
    app.upgrade_notice = "Scheduling rules updated: 3 cards kept their due date"
    show_upgrade_notice(window, app)
    assert window.statusBar().currentMessage() == app.upgrade_notice and window.statusBar().isVisible()
