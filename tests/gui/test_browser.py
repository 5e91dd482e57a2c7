"""The card browser, driven through its real widgets; every check is on what the collection stores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.services.notes.search import SortKey, search_card_ids
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.browser.browser_window import BrowserWindow
from studyapp.ui.browser.card_table_model import PAGE
from studyapp.ui.browser.columns import COLUMNS

from . import support

CTRL = Qt.KeyboardModifier.ControlModifier
BAD_QUERY = "(calcium"
# The browser is a window of its own: offscreen, Qt says it cannot pass on its size hints.
pytestmark = support.offscreen_dialog_warning


def open_browser(window: MainWindow, qtbot) -> BrowserWindow:  # noqa: ANN001 - qtbot
    """Ctrl+B from the main window, and the browser active."""
    support.press(qtbot, Qt.Key.Key_B, CTRL)
    browser = window.browser
    assert browser is not None
    qtbot.waitExposed(browser)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is browser)
    return browser


def select_rows(browser: BrowserWindow, rows: range) -> list[int]:
    browser.table.setFocus()
    browser.table.clearSelection()
    browser.table.selectRow(rows[0])
    for row in rows[1:]:
        browser.table.selectionModel().select(
            browser.model.index(row, 0),
            browser.table.selectionModel().SelectionFlag.Select | browser.table.selectionModel().SelectionFlag.Rows,
        )
    return browser.selected_card_ids()


def stored(app: App, column: str, card_ids: list[int]) -> list[object]:
    marks = ",".join("?" * len(card_ids))
    query = f"SELECT {column} FROM cards WHERE id IN ({marks}) ORDER BY id"
    return [row[0] for row in app.collection.db.execute(query, card_ids)]


def test_ctrl_b_opens_every_card_and_escape_closes(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    browser = open_browser(window, qtbot)
    assert browser.model.rowCount() == 29
    assert "29 cards" in browser.windowTitle()
    assert browser.model.data(browser.model.index(0, 0))
    support.press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.browser is None)


def test_rows_are_fetched_a_page_at_a_time(window: MainWindow, qtbot, app: App, tmp_path: Path) -> None:  # noqa: ANN001
    big = tmp_path / "big.csv"
    big.write_text("".join(f"question {i},answer {i}\n" for i in range(600)), encoding="utf-8")
    app.import_file(big, deck_name="Big")
    browser = open_browser(window, qtbot)
    model = browser.model
    assert model.total == 629
    assert model.rowCount() < model.total
    assert model.canFetchMore()
    before = model.rowCount()
    model.fetchMore()
    assert model.rowCount() == min(before + PAGE, model.total)


def test_suspend_change_deck_and_undo(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    browser = open_browser(window, qtbot)
    chosen = select_rows(browser, range(0, 3))
    assert len(chosen) == 3
    support.press(qtbot, Qt.Key.Key_J, CTRL)
    assert stored(app, "suspended", chosen) == [1, 1, 1]
    assert browser.model.data(browser.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    browser.ask_deck = lambda parent, names: "Moved"
    support.press(qtbot, Qt.Key.Key_D, CTRL)
    moved = app.find_deck("Moved")
    assert moved is not None
    assert stored(app, "deck_id", chosen) == [moved.id] * 3
    support.press(qtbot, Qt.Key.Key_Z, CTRL)
    assert app.find_deck("Moved") is None
    assert stored(app, "suspended", chosen) == [1, 1, 1]
    support.press(qtbot, Qt.Key.Key_Z, CTRL)
    assert stored(app, "suspended", chosen) == [0, 0, 0]


def test_delete_asks_and_undo_brings_the_notes_back(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    # The search index's own pages are laid out anew by the re-insert; its content is the notes' (checked below).
    ignore = ("settings", "notes_fts", "notes_fts_data", "notes_fts_idx", "notes_fts_docsize", "notes_fts_config")
    before = support.database_fingerprint(app.path, ignore=ignore)
    browser = open_browser(window, qtbot)
    select_rows(browser, range(0, 2))
    support.press(qtbot, Qt.Key.Key_Delete)
    box = support.open_message_box(qtbot, browser)
    box.button(box.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: browser.model.total == 27)
    assert app.collection.notes.count() == 27
    support.press(qtbot, Qt.Key.Key_Z, CTRL)
    assert browser.model.total == 29
    assert support.database_fingerprint(app.path, ignore=ignore) == before
    app.collection.db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")


def test_clicking_a_header_sorts(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    browser = open_browser(window, qtbot)
    header = browser.table.horizontalHeader()
    question = next(i for i, column in enumerate(COLUMNS) if column.sort is SortKey.QUESTION)
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(question) + 20, 5)
    )
    expected = search_card_ids(
        app.collection, app.clock, "", SortKey.QUESTION, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    )
    assert [browser.model.card_id(row) for row in range(browser.model.rowCount())] == expected
    assert expected != search_card_ids(app.collection, app.clock, "", SortKey.ADDED)


def test_a_bad_query_says_so_inline(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    browser = open_browser(window, qtbot)
    support.press(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is browser.search_box
    qtbot.keyClicks(browser.search_box, BAD_QUERY)
    support.press(qtbot, Qt.Key.Key_Return)
    assert browser.error_label.isVisible() and browser.error_label.text()
    assert browser.model.total == 29  # the last good result stays
    browser.search_box.clear()
    qtbot.keyClicks(browser.search_box, "calcium")
    support.press(qtbot, Qt.Key.Key_Return)
    assert not browser.error_label.isVisible()
    assert 0 < browser.model.total < 29


def test_the_editor_pane_saves_the_note(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    browser = open_browser(window, qtbot)
    (card_id,) = select_rows(browser, range(4, 5))
    field = browser.editor.editor.front
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "A new question")
    support.press(qtbot, Qt.Key.Key_S, CTRL)
    note = app.collection.notes.of_card(card_id)
    assert note is not None and note.front == "A new question"
    # Moving to another card saves too.
    field.setFocus()
    qtbot.keyClicks(field, "!")
    select_rows(browser, range(6, 7))
    note = app.collection.notes.of_card(card_id)
    assert note is not None and note.front == "A new question!"


def test_opening_the_browser_searches_once(window: MainWindow, qtbot, monkeypatch) -> None:  # noqa: ANN001
    """Turning sorting on made the view sort, and the model searched a second time (100,000 cards: 0.2 s)."""
    from studyapp.ui.browser import card_table_model

    calls: list[str] = []

    def counted(*args: object, **kwargs: object) -> list[int]:
        calls.append("search")
        return search_card_ids(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(card_table_model, "search_card_ids", counted)
    browser = open_browser(window, qtbot)
    assert calls == ["search"] and browser.model.total == 29
    browser.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # a new order: one search more
    assert calls == ["search", "search"]
