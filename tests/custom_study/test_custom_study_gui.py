"""Custom study in the window: offered on the finished screen when today's limit holds cards back, the dialog driven
by keys and clicks, and the finished screen's words (answers and cards, undo only when there is one)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.decks.limit_extensions import EXTENSIONS_SETTING
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.decks.custom_study_dialog import CustomStudyDialog
from tests.conftest import collection_fingerprint
from tests.gui.support import offscreen_dialog_warning, open_window, press

pytestmark = offscreen_dialog_warning


@pytest.fixture
def window(app: App, qtbot) -> Iterator[MainWindow]:  # noqa: ANN001
    shown = open_window(app, qtbot)
    yield shown
    shown.close()


def _answer_all(window: MainWindow, qtbot, key: Qt.Key = Qt.Key.Key_4) -> int:  # noqa: ANN001
    answered = 0
    while window.stack.currentWidget() is window.reviewer:
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, key)
        answered += 1
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.summary)
    return answered


def _dialog(qtbot) -> CustomStudyDialog:  # noqa: ANN001
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CustomStudyDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CustomStudyDialog)
    return dialog


def test_the_finished_screen_offers_custom_study_and_more_new_cards_are_studied(
    window: MainWindow,
    app: App,
    qtbot,  # noqa: ANN001
    calcinosis_id: int,
) -> None:
    window.study(calcinosis_id)
    assert _answer_all(window, qtbot) == 20
    text = window.summary.text()
    assert "You studied 20 cards in" in text
    assert "Today's limit is reached: 9 new cards wait beyond it." in text
    assert "C for custom study" in text and "Ctrl+Z to undo the last answer" in text
    assert window.summary.custom_button.isVisible()

    press(qtbot, Qt.Key.Key_C)
    dialog = _dialog(qtbot)
    assert dialog.radios["new"].isChecked() and dialog.spins["new"].value() == 9
    assert dialog.notes["new"].text() == "9 new cards beyond today's limit"
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= 640 and dialog.sizeHint().height() <= min(600, screen.height())
    spin = dialog.spins["new"]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    assert spin.value() == 3
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Raise the limit and study"
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.reviewer)
    assert window.reviewer.session is not None and window.reviewer.session.counts().new == 3
    assert _answer_all(window, qtbot) == 3
    assert "6 new cards wait beyond it" in window.summary.text()
    assert app.collection.setting(EXTENSIONS_SETTING)["decks"][str(calcinosis_id)] == [3, 0]
    assert len(app.collection.reviews.log()) == 23


def test_answers_and_cards_are_told_apart_and_undo_is_offered_only_when_possible(
    window: MainWindow,
    app: App,
    qtbot,  # noqa: ANN001
    calcinosis_id: int,
) -> None:
    increase = app.collection.presets.get(app.collection.decks.get(calcinosis_id).preset_id)
    from dataclasses import replace

    app.collection.presets.update(increase.id, increase.name, replace(increase.options, new_per_day=2))
    window.study(calcinosis_id)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_1)  # Again: the card comes back in a minute (shown early: 20-minute learn-ahead)
    answered = 1 + _answer_all(window, qtbot)
    log = app.collection.reviews.log()
    assert len(log) == answered == 3 and len({entry.card_id for entry in log}) == 2
    assert "You studied 3 answers on 2 cards in" in window.summary.text()

    press(qtbot, Qt.Key.Key_Escape)
    window.study(calcinosis_id)  # nothing left: the finished screen at once, with no answer to undo
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.summary)
    text = window.summary.text()
    assert "nothing to study now" in text and "Ctrl+Z" not in text
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.summary
    assert len(app.collection.reviews.log()) == 3
    assert [entry.rating for entry in app.collection.reviews.log()][0] is Rating.AGAIN


def test_review_ahead_from_the_deck_menu_and_a_choice_that_gives_nothing(
    window: MainWindow,
    app: App,
    qtbot,  # noqa: ANN001
    calcinosis_id: int,
    collection_path,  # noqa: ANN001
) -> None:
    window.study(calcinosis_id)
    _answer_all(window, qtbot)
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    window.deck_list.select_deck(calcinosis_id)
    before = collection_fingerprint(collection_path)
    dialog = window.custom_study()
    assert isinstance(dialog, CustomStudyDialog)
    qtbot.mouseClick(dialog.radios["forgotten"], Qt.MouseButton.LeftButton)
    assert dialog.notes["forgotten"].text() == "0 cards answered Again then"
    qtbot.keyClick(dialog.radios["forgotten"], Qt.Key.Key_Return)  # Enter takes the dialog's default button
    assert dialog.isVisible() and dialog.problem.text().startswith("No card was answered Again in those days")
    assert collection_fingerprint(collection_path) == before  # nothing written

    assert dialog.spins["ahead"].text() == "1 day" and dialog.spins["review"].text() == "1 review"
    dialog.spins["ahead"].setValue(30)
    assert dialog.spins["ahead"].text() == "30 days"
    assert dialog.radios["ahead"].isChecked()
    assert dialog.notes["ahead"].text().startswith("20 cards due then")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.reviewer)
    session = window.reviewer.session
    assert session is not None and session.counts().review == 20
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    entry = app.collection.reviews.log()[-1]
    assert entry.before.due is not None and entry.reviewed_at < entry.before.due  # answered ahead, logged as such
