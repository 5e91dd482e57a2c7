"""The browser shows each note's sort field and its cards' rendered sides, sorts by the sort field, and finds
notes by a field's name from its search box."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind, join_fields
from studyapp.services.app import App
from studyapp.services.notes.search import SortKey, search_card_ids
from studyapp.storage.notes.notes_store import NewCard, NewNote
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.browser.columns import COLUMNS

from ..conftest import T0
from ..gui import support

pytestmark = support.offscreen_dialog_warning

VOCAB = NoteType(
    id=601,
    name="Vocabulary",
    kind=NotetypeKind.STANDARD,
    fields=tuple(FieldDef(n) for n in ("Word", "Meaning", "Example")),
    templates=(CardTemplate("Card 1", "<b>{{Word}}</b>", "{{FrontSide}}<hr id=answer>{{Meaning}}: {{Example}}"),),
    sort_field=2,
)
WORDS = [("Hund", "dog", "Zebra: der Hund bellt."), ("Katze", "cat", "Alle Katzen schlafen."), ("Maus", "mouse", "")]


@pytest.fixture
def window(app: App, calcinosis_id: int, qtbot) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    with app.collection.transaction():
        app.collection.notetypes.add(VOCAB, T0)
        app.collection.notes.add(
            [NewNote(700 + i, f"v{i}", calcinosis_id, w, m, "", "basic", 1, 0, 0, join_fields([e]), VOCAB.id)
             for i, (w, m, e) in enumerate(WORDS)],
            [NewCard(800 + i, 700 + i, calcinosis_id, 0, 900 + i) for i in range(len(WORDS))],
        )  # fmt: skip
    install_theme(QApplication.instance(), LIGHT)
    shown = support.open_window(app, qtbot)
    yield shown
    shown.close()


def column(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


def test_sort_field_and_rendered_sides_in_the_table_and_a_field_search(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    support.press(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    browser = window.browser
    assert browser is not None
    qtbot.waitExposed(browser)
    qtbot.keyClicks(browser.search_box, "word:_* -meaning:mouse")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: browser.model.rowCount() == 2)
    model = browser.model
    text = [[model.data(model.index(row, column(key))) for key in ("sort_field", "question", "answer", "notetype")]
            for row in range(model.rowCount())]  # fmt: skip
    assert text == [
        ["Zebra: der Hund bellt.", "Hund", "dog: Zebra: der Hund bellt.", "Vocabulary"],
        ["Alle Katzen schlafen.", "Katze", "cat: Alle Katzen schlafen.", "Vocabulary"],
    ]
    header = browser.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(column("sort_field")) + 20, 5))  # fmt: skip
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    expected = ["Alle Katzen schlafen.", "Zebra: der Hund bellt."]
    assert [model.data(model.index(row, column("sort_field"))) for row in range(2)] == (
        expected[::-1] if descending else expected
    )
    every = search_card_ids(app.collection, app.clock, "", SortKey.SORT_FIELD, descending)
    browser.search_box.clear()
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.total == len(every))
    assert [model.card_id(row) for row in range(model.rowCount())] == every[: model.rowCount()]
