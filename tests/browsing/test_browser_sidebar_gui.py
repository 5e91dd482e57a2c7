"""The browser's sidebar, driven with the mouse: a click searches for the item, Ctrl+click adds it ("and"),
Shift+click offers it as an alternative ("or"); saving, renaming and deleting a search; a bad query keeps
the rows. Every check is on the search box, the rows, or what the collection stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem

from studyapp.services.app import App
from studyapp.services.browsing.sidebar import SAVED_SEARCHES_SETTING
from studyapp.services.notes.search import search_card_ids
from studyapp.ui.browser.browser_window import BrowserWindow

from ..gui import support
from .conftest import Made

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
pytestmark = support.offscreen_dialog_warning


@pytest.fixture
def browser(app: App, made: Made, qtbot) -> Iterator[BrowserWindow]:  # noqa: ANN001 - qtbot
    window = support.open_window(app, qtbot)
    support.press(qtbot, Qt.Key.Key_B, CTRL)
    shown = window.browser
    assert shown is not None
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    yield shown
    shown.close()
    window.close()


def click(qtbot, browser: BrowserWindow, item: QTreeWidgetItem | None, modifier=Qt.KeyboardModifier.NoModifier):  # noqa: ANN001, ANN201
    assert item is not None
    sidebar = browser.sidebar
    parent = item.parent()
    while parent is not None:
        parent.setExpanded(True)
        parent = parent.parent()
    sidebar.scrollToItem(item)
    rect = sidebar.visualItemRect(item)
    assert rect.isValid() and sidebar.viewport().rect().contains(rect.center())
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def rows(browser: BrowserWindow) -> list[int]:
    return [browser.model.card_id(row) for row in range(browser.model.total)]


def expected(app: App, query: str) -> list[int]:
    return search_card_ids(app.collection, app.clock, query)


def test_clicks_search_and_combine(browser: BrowserWindow, app: App, made: Made, qtbot) -> None:  # noqa: ANN001
    sidebar = browser.sidebar
    click(qtbot, browser, sidebar.find("Decks", "Calcinosis", "Organs"))
    assert browser.search_box.text() == 'deck:"Calcinosis::Organs"'
    assert len(rows(browser)) == 4 and set(rows(browser)) == set(expected(app, 'deck:"Calcinosis::Organs"'))

    click(qtbot, browser, sidebar.find("Tags", "anatomy", "heart"), CTRL)  # and
    assert browser.search_box.text() == 'deck:"Calcinosis::Organs" tag:anatomy::heart'
    heart = {row[0] for row in app.collection.db.execute(
        "SELECT c.id FROM cards c JOIN notes n ON n.id = c.note_id WHERE n.tags LIKE '%anatomy::heart%'")}  # fmt: skip
    assert set(rows(browser)) == heart and len(heart) == 3

    click(qtbot, browser, sidebar.find("Tags", "Pathology"), SHIFT)  # or
    assert browser.search_box.text() == 'deck:"Calcinosis::Organs" tag:anatomy::heart or tag:Pathology'
    assert len(rows(browser)) == 3 + 3  # the cloze note's three deletions

    click(qtbot, browser, sidebar.find("Note types", "Basic (and reversed card)", "Card 2"))  # a plain click replaces
    assert browser.search_box.text() == 'note:"Basic (and reversed card)" card:"Card 2"'
    ((card_id,),) = app.collection.db.execute(
        "SELECT id FROM cards WHERE note_id = ? AND ord = 1", [made.reversed_note]
    )
    assert rows(browser) == [card_id]

    click(qtbot, browser, sidebar.find("Decks"))  # a heading folds its section, and searches nothing
    assert not sidebar.find("Decks").isExpanded() and rows(browser) == [card_id]


def test_save_rename_and_delete_a_search(browser: BrowserWindow, app: App, qtbot) -> None:  # noqa: ANN001
    sidebar = browser.sidebar
    asked: list[str] = []
    answers = iter(["", "Heart cards", None])

    def answer(_parent, _title, label, text):  # noqa: ANN001, ANN202
        asked.append(f"{label} [{text}]")
        return next(answers)

    sidebar.ask_name = answer
    browser.search_box.setText("tag:anatomy::heart")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    click(qtbot, browser, sidebar.find("Saved searches", "Save current search…"))
    # An empty name is refused with one line, and the question comes back.
    assert asked == ["Save “tag:anatomy::heart” as: []", "Save “tag:anatomy::heart” as: []"]
    assert app.collection.setting(SAVED_SEARCHES_SETTING) == [["Heart cards", "tag:anatomy::heart"]]
    assert sidebar.find("Saved searches", "Heart cards") is not None

    browser.search_box.setText("is:new")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    click(qtbot, browser, sidebar.find("Saved searches", "Heart cards"))
    assert browser.search_box.text() == "tag:anatomy::heart" and len(rows(browser)) == 3

    answers = iter(["Heart"])
    menu = sidebar.menu_for(sidebar.find("Saved searches", "Heart cards"))
    next(a for a in menu.actions() if a.text() == "Rename…").trigger()
    assert app.collection.setting(SAVED_SEARCHES_SETTING) == [["Heart", "tag:anatomy::heart"]]
    menu = sidebar.menu_for(sidebar.find("Saved searches", "Heart"))
    next(a for a in menu.actions() if a.text() == "Delete").trigger()
    assert app.collection.setting(SAVED_SEARCHES_SETTING) == []
    assert sidebar.find("Saved searches", "Heart") is None


def test_a_taken_name_keeps_the_typed_name_and_says_why(browser: BrowserWindow, app: App, qtbot) -> None:  # noqa: ANN001
    sidebar = browser.sidebar
    browser.search_box.setText("is:new")
    answers = iter(["New", "new", None])
    asked: list[str] = []
    sidebar.ask_name = lambda _p, _t, _label, text: (asked.append(text), next(answers))[1]
    sidebar.save_current()
    browser.search_box.setText("is:due")
    sidebar.save_current()
    assert asked == ["", "", "new"]  # asked again with what was typed
    assert browser.error_label.isVisible() and 'already a saved search called "New"' in browser.error_label.text()
    assert app.collection.setting(SAVED_SEARCHES_SETTING) == [["New", "is:new"]]


def test_a_bad_query_keeps_the_rows_and_says_so(browser: BrowserWindow, app: App, qtbot) -> None:  # noqa: ANN001
    click(qtbot, browser, browser.sidebar.find("Tags", "anatomy"))
    before = rows(browser)
    assert len(before) == 4
    browser.search_box.setText("tag:anatomy (")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    assert browser.error_label.isVisible() and "never closed" in browser.error_label.text()
    assert "\n" not in browser.error_label.text()
    assert rows(browser) == before and browser.table.model().rowCount() == 4
    assert browser.table.visualRect(browser.model.index(3, 0)).isValid()  # still drawn under the message
    assert browser.search_box.text() == "tag:anatomy ("  # the query stays to be corrected
    click(qtbot, browser, browser.sidebar.find("Tags", "exam"), CTRL)  # a bad query is replaced, not joined
    assert browser.search_box.text() == "tag:exam" and not browser.error_label.isVisible()
