"""Tag completion in Add's tags line and in the browser's editor: the word under the cursor is completed from
the collection's tags (case ignored, tags already in the line left out), with Enter or a click."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studyapp.services.app import App
from studyapp.ui.editing.add_dialog import AddDialog
from studyapp.ui.editing.tag_completer import word_bounds

from .conftest import Made

# Offscreen, Qt says it cannot raise the completion popup nor let it grab the keyboard (and size hints).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


def offered(completer) -> list[str]:  # noqa: ANN001 - TagCompleter
    popup = completer.completer.popup()
    if not popup.isVisible():
        return []
    model = completer.completer.completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_word_bounds() -> None:
    assert word_bounds("ab cd ef", 4) == (3, 5)
    assert word_bounds("ab cd", 5) == (3, 5) and word_bounds("ab ", 3) == (3, 3) and word_bounds("", 0) == (0, 0)


def test_add_completes_the_word_being_typed_and_stores_it(app: App, made: Made, calcinosis_id: int, qtbot) -> None:  # noqa: ANN001
    dialog = AddDialog(app, calcinosis_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    editor = dialog.editor
    editor.fields[0].setFocus()
    qtbot.keyClicks(editor.fields[0], "Mitral valve?")
    editor.fields[1].setFocus()
    qtbot.keyClicks(editor.fields[1], "left heart")
    tags = editor.tags
    tags.setFocus()
    qtbot.keyClicks(tags, "ANA")
    completer = editor.tag_completer
    qtbot.waitUntil(lambda: completer.completer.popup().isVisible())
    assert offered(completer) == ["anatomy::heart", "anatomy::skin"]
    qtbot.keyClick(completer.completer.popup(), Qt.Key.Key_Return)  # the first, highlighted
    assert tags.text() == "anatomy::heart " and tags.cursorPosition() == len("anatomy::heart ")
    qtbot.keyClicks(tags, "a")
    qtbot.waitUntil(lambda: completer.completer.popup().isVisible())
    assert offered(completer) == ["anatomy::skin"]  # the tag already in the line is not offered again
    qtbot.keyClick(completer.completer.popup(), Qt.Key.Key_Escape)
    qtbot.keyClick(tags, Qt.Key.Key_Backspace)
    # Back into the first word: only that word is completed, the rest of the line kept.
    tags.setText("pat anatomy::heart")
    tags.setCursorPosition(3)
    qtbot.keyClicks(tags, "h")
    qtbot.waitUntil(lambda: completer.completer.popup().isVisible())
    assert offered(completer) == ["Pathology"]
    popup = completer.completer.popup()
    qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(popup.model().index(0, 0)).center()
    )
    assert tags.text() == "Pathology anatomy::heart"
    dialog.add()
    ((stored,),) = app.collection.db.execute("SELECT tags FROM notes WHERE front = 'Mitral valve?'")
    assert stored.split() == ["Pathology", "anatomy::heart"]
    dialog.close()


def test_a_full_match_or_no_match_shows_no_popup(app: App, made: Made, calcinosis_id: int, qtbot) -> None:  # noqa: ANN001
    dialog = AddDialog(app, calcinosis_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tags = dialog.editor.tags
    tags.setFocus()
    qtbot.keyClicks(tags, "zzz")
    assert not dialog.editor.tag_completer.completer.popup().isVisible()
    tags.clear()
    qtbot.keyClicks(tags, "exam")
    assert not dialog.editor.tag_completer.completer.popup().isVisible()
