"""The note editor with a huge field: held (not laid out), kept exactly, emptied with Delete; a long run
wraps anywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption

from studyapp.ui.editing.long_field import EDITOR_CHARS, PREVIEW_CHARS
from studyapp.ui.editing.note_editor import NoteEditor
from tests.gui.support import offscreen_dialog_warning

from .hostile import BASE64, DATA_IMAGE, TOKEN


def editor(qtbot) -> NoteEditor:  # noqa: ANN001
    shown = NoteEditor()
    qtbot.addWidget(shown)
    shown.resize(700, 500)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.mark.parametrize(
    ("huge", "html"), [(TOKEN, False), (BASE64, False), (DATA_IMAGE, True)], ids=["token", "base64", "data image"]
)
@offscreen_dialog_warning
def test_a_huge_field_is_held_and_kept_exactly_while_another_is_edited(qtbot, huge: str, html: bool) -> None:  # noqa: ANN001
    shown = editor(qtbot)
    shown.set_note("Question", huge, ("tag",), html)
    back = shown.back
    assert back.held and back.isReadOnly()
    assert back.document().characterCount() < PREVIEW_CHARS + 400  # not laid out: its start and what it is
    assert f"{len(huge):,} characters" in back.toPlainText() and "Delete" in back.toPlainText()
    qtbot.mouseClick(shown.front.viewport(), Qt.MouseButton.LeftButton)
    shown.front.moveCursor(shown.front.textCursor().MoveOperation.End)
    qtbot.keyClicks(shown.front, " again")
    qtbot.keyClicks(back, "typed into it")  # refused: the field is held
    back.toggle_bold()  # a format on its notice changes nothing either
    values, is_html = shown.note_fields()
    assert values[1] == huge and is_html is html
    assert values[0] == "Question again"


@offscreen_dialog_warning
def test_delete_empties_a_held_field(qtbot) -> None:  # noqa: ANN001
    shown = editor(qtbot)
    changed = []
    shown.changed.connect(lambda: changed.append(True))
    shown.set_note("Question", TOKEN, (), False)
    back = shown.back
    back.setFocus()
    qtbot.keyClick(back, Qt.Key.Key_Delete)
    assert not back.held and not back.isReadOnly() and changed
    qtbot.keyClicks(back, "short now")
    assert shown.note_fields() == (("Question", "short now"), False)


@offscreen_dialog_warning
def test_a_field_with_a_long_run_under_the_limit_wraps_anywhere(qtbot) -> None:  # noqa: ANN001
    shown = editor(qtbot)
    run = "ACGT" * 10_000  # 40,000 characters: seconds to lay out between words, milliseconds anywhere
    assert len(run) < EDITOR_CHARS
    shown.set_note("A sequence", run, (), False)
    assert not shown.back.held
    assert shown.back.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    assert shown.front.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    assert shown.note_fields() == (("A sequence", run), False)


@offscreen_dialog_warning
def test_a_long_note_of_ordinary_text_stays_editable(qtbot) -> None:  # noqa: ANN001
    from studyapp.ui.editing.long_field import PROSE_CHARS

    prose = ("Lecture notes go on for pages, in words of ordinary length. " * 2000)[:120_000]
    assert EDITOR_CHARS < len(prose) < PROSE_CHARS
    shown = editor(qtbot)
    shown.set_note("Question", prose, (), False)
    back = shown.back
    assert not back.held and not back.isReadOnly()
    back.moveCursor(back.textCursor().MoveOperation.End)
    qtbot.keyClicks(back, " More.")
    assert shown.note_fields()[0][1] == prose + " More."
