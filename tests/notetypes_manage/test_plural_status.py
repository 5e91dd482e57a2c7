"""The note type manager's status line counts in words: "1 note rewritten", "2 notes rewritten", "1 new card"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.services.notetypes.manage import ConfirmationNeeded, NotetypeError
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from tests.gui.support import offscreen_dialog_warning, open_window

from .helpers import add_notes, five_field_type, manager
from .test_window import answer_prompt, open_manager

pytestmark = offscreen_dialog_warning

ROWS = [("Hund", "dog", "", "", ""), ("Katze", "cat", "", "", "")]


@pytest.fixture(params=[1, 2])
def notes(request: pytest.FixtureRequest, app: App) -> int:
    add_notes(app, five_field_type(app), ROWS[: request.param])
    return int(request.param)


@pytest.fixture
def window(app: App, notes: int, qtbot) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()


def test_moving_a_field_and_adding_a_template_say_how_many(window: MainWindow, notes: int, qtbot) -> None:  # noqa: ANN001
    manager = open_manager(window, qtbot)
    page = manager.fields_page
    page.field_list.setCurrentRow(0)
    qtbot.mouseClick(page.down_button, Qt.MouseButton.LeftButton)
    rewritten = "1 note" if notes == 1 else "2 notes"
    qtbot.waitUntil(lambda: manager.status.text() == f'Moved "Word" to place 2 ({rewritten} rewritten)')

    manager.tabs.setCurrentWidget(manager.templates_page)
    qtbot.mouseClick(manager.templates_page.add_button, Qt.MouseButton.LeftButton)
    answer_prompt(qtbot, manager, "Extra")
    added = "1 new card" if notes == 1 else "2 new cards"
    qtbot.waitUntil(lambda: manager.status.text().startswith('Added the card template "Extra"'))
    assert manager.status.text() == f'Added the card template "Extra": {added}'


@pytest.mark.parametrize("n", [1, 2])
def test_the_services_questions_agree_with_their_count(n: int, app: App) -> None:
    notetype = five_field_type(app)
    add_notes(app, notetype, [(f"w{i}", "m", "", "example", "") for i in range(n)])
    with pytest.raises(ConfirmationNeeded) as asked:
        manager(app).remove_field(notetype.id, 3)
    notes, verb, pronoun = ("1 note", "has", "it") if n == 1 else ("2 notes", "have", "them")
    assert str(asked.value) == f'{notes} of "Vocab" {verb} text in "Example": it would be deleted'
    with pytest.raises(NotetypeError) as refused:
        manager(app).remove(notetype.id)
    assert str(refused.value) == f'"Vocab" is used by {notes}: delete or move {pronoun} first'
