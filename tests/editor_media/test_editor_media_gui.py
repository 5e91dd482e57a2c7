"""Media in the real Add and Edit dialogs: a pasted screenshot, a dropped or chosen file, sound chips, the
cloze and MathJax helpers. What the field stores is Anki's form; the file is in the media folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.editing.add_dialog import AddDialog
from tests.gui.support import offscreen_dialog_warning, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
PASTED = re.compile(r'<img src="(paste-[0-9a-f]{16}\.png)">')


def open_add(window: MainWindow, qtbot) -> AddDialog:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_A)
    dialog = window.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    return dialog


def screenshot(width: int = 900, height: int = 500) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    for x in range(0, width, 50):
        for y in range(0, height, 50):
            image.setPixelColor(x, y, QColor("white"))
    return image


def add_and_get(dialog: AddDialog, app: App, qtbot) -> tuple[str, ...]:  # noqa: ANN001 - qtbot
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert added, dialog.status.text()
    note = app.collection.notes.get(added[0])
    assert note is not None and note.html
    return tuple(note.fields)


@offscreen_dialog_warning
def test_a_pasted_screenshot_is_stored_in_the_media_folder_and_the_field_refers_to_it(
    window: MainWindow, qtbot, app: App
) -> None:
    dialog = open_add(window, qtbot)
    qtbot.keyClicks(dialog.editor.front, "The valve: ")
    QGuiApplication.clipboard().setImage(screenshot())
    press(qtbot, Qt.Key.Key_V, CTRL)
    field = dialog.editor.front
    qtbot.waitUntil(lambda: len(field.shown_images()) == 1)
    [name] = field.shown_images()
    # shown, fitted to the field's width and to the preview height (the field is a field, not a picture frame)
    assert field.document().size().width() <= field.viewport().width()
    assert "Added paste-" in dialog.editor.media_message.text() and dialog.editor.media_message.isVisible()
    qtbot.keyClicks(dialog.editor.back, "Mitral")
    fields = add_and_get(dialog, app, qtbot)
    assert PASTED.fullmatch(fields[0].removeprefix("The valve: ")), fields[0]
    assert PASTED.search(fields[0]).group(1) == name
    stored = (app.media_dir / name).read_bytes()
    assert stored.startswith(b"\x89PNG") and name == f"paste-{hashlib.sha256(stored).hexdigest()[:16]}.png"
    assert QImage.fromData(stored).size() == screenshot().size()  # the screenshot itself, not the preview
    # the same screenshot again: the same file, no second one
    press(qtbot, Qt.Key.Key_V, CTRL)
    qtbot.keyClicks(dialog.editor.back, "again")
    assert PASTED.search(add_and_get(dialog, app, qtbot)[0]).group(1) == name
    assert sorted(p.name for p in app.media_dir.iterdir()) == [name]


@offscreen_dialog_warning
def test_files_copied_in_a_file_manager_and_pasted_become_an_image_and_a_sound(
    window: MainWindow, qtbot, app: App, tmp_path: Path
) -> None:
    picture, sound = tmp_path / "heart.png", tmp_path / "lub dub.mp3"
    screenshot(40, 30).save(str(picture))
    sound.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(200))
    dialog = open_add(window, qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture)), QUrl.fromLocalFile(str(sound))])
    QGuiApplication.clipboard().setMimeData(mime)
    press(qtbot, Qt.Key.Key_V, CTRL)
    qtbot.keyClicks(dialog.editor.back, "heart sounds")
    front = add_and_get(dialog, app, qtbot)[0]
    match = re.fullmatch(r'<img src="(paste-[0-9a-f]{16}\.png)">\[sound:(sound-[0-9a-f]{16}\.mp3)\]', front)
    assert match, front
    assert (app.media_dir / match.group(1)).read_bytes() == picture.read_bytes()
    assert (app.media_dir / match.group(2)).read_bytes() == sound.read_bytes()


@offscreen_dialog_warning
def test_a_dropped_file_goes_where_it_is_dropped_and_a_refused_one_says_why_in_one_line(
    window: MainWindow, qtbot, app: App, tmp_path: Path
) -> None:
    picture = tmp_path / "scan.jpg"
    screenshot(64, 48).save(str(picture), "JPG")
    (tmp_path / "notes.txt").write_text("not media")
    dialog = open_add(window, qtbot)
    field = dialog.editor.back
    qtbot.keyClicks(dialog.editor.front, "What is it?")

    def drop(paths: list[Path]) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
        at = field.viewport().rect().center()
        buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, buttons, keys)
        QApplication.sendEvent(field.viewport(), enter)
        assert enter.isAccepted()
        QApplication.sendEvent(field.viewport(), QDragMoveEvent(at, Qt.DropAction.CopyAction, mime, buttons, keys))
        dropped = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, buttons, keys)
        QApplication.sendEvent(field.viewport(), dropped)
        assert dropped.isAccepted()

    drop([tmp_path / "notes.txt"])
    assert dialog.editor.media_message.text() == "notes.txt: not an image or a sound studyapp knows (.txt)"
    assert field.toPlainText() == "" and not app.media_dir.exists()
    drop([picture])
    qtbot.waitUntil(lambda: len(field.shown_images()) == 1)
    back = add_and_get(dialog, app, qtbot)[1]
    [name] = re.findall(r'<img src="(paste-[0-9a-f]{16}\.jpg)">', back)
    assert back == f'<img src="{name}">' and (app.media_dir / name).read_bytes() == picture.read_bytes()


@offscreen_dialog_warning
def test_attach_inserts_chosen_files_and_the_edit_dialog_shows_the_notes_images_and_sound_chips(
    window: MainWindow, qtbot, app: App, tmp_path: Path
) -> None:
    picture, sound = tmp_path / "a.png", tmp_path / "a.ogg"
    screenshot(1600, 300).save(str(picture))
    sound.write_bytes(b"OggS\x00\x02" + bytes(22) + b"\x01vorbis" + bytes(30))
    dialog = open_add(window, qtbot)
    dialog.editor.ask_media_files = lambda _parent: [picture, sound]
    qtbot.keyClicks(dialog.editor.front, "Listen ")
    qtbot.mouseClick(dialog.editor.media_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.editor.back, "x")
    front = add_and_get(dialog, app, qtbot)[0]
    image, chip = re.fullmatch(r'Listen <img src="(paste-\w+\.png)">\[sound:(sound-\w+\.ogg)\]', front).groups()

    # the editor of that note (the browser's pane) shows the image fitted to the field, the sound as a chip
    from studyapp.ui.editing.note_editor import NoteEditor

    editor = NoteEditor()
    qtbot.addWidget(editor)
    editor.set_media_dir(app.media_dir)
    editor.resize(500, 300)
    editor.show()
    played: list[Path] = []
    editor.sound_player = played.append
    editor.set_values((front, "x"), (), True)
    field = editor.front
    qtbot.waitUntil(lambda: image in field.shown_images())
    assert field.document().size().width() <= field.viewport().width() + 1
    assert field.text() == (front, True)  # showing it changed nothing
    block = field.document().begin()
    formats = [r for r in block.layout().formats() if r.format.background().color().alpha() > 0]
    text = block.text()
    assert [text[r.start : r.start + r.length] for r in formats] == [f"[sound:{chip}]"]
    column = text.index("[sound:") + 3
    cursor = field.textCursor()
    cursor.setPosition(block.position() + column)
    point = field.cursorRect(cursor).center()
    qtbot.mouseClick(field.viewport(), Qt.MouseButton.LeftButton, CTRL, point)
    assert played == [app.media_dir / chip]
    assert field.text() == (front, True)


@offscreen_dialog_warning
def test_cloze_keys_number_from_the_whole_note_and_the_maths_menu_wraps_the_selection(
    window: MainWindow, qtbot, app: App
) -> None:
    dialog = open_add(window, qtbot)
    index = next(i for i, c in enumerate(dialog.choices) if c.notetype.is_cloze)
    dialog.notetype.setCurrentIndex(index)
    text, extra = dialog.editor.fields[0], dialog.editor.fields[1]
    assert dialog.editor.cloze_button.isVisible()
    text.setFocus()
    qtbot.keyClicks(text, "Lima Peru")
    text.selectAll()
    cursor = text.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(4, cursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    assert text.toPlainText() == "{{c1::Lima}} Peru"
    cursor = text.textCursor()
    cursor.setPosition(len("{{c1::Lima}} "))
    cursor.setPosition(len("{{c1::Lima}} Peru"), cursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    assert text.toPlainText() == "{{c1::Lima}} {{c2::Peru}}"
    extra.setFocus()
    qtbot.keyClicks(extra, "capital")
    extra.selectAll()
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT | ALT)  # the same number as the last, learned from every field
    assert extra.toPlainText() == "{{c2::capital}}"
    press(qtbot, Qt.Key.Key_End)
    qtbot.keyClicks(extra, " x^2")
    cursor = extra.textCursor()
    cursor.movePosition(cursor.MoveOperation.Left, cursor.MoveMode.KeepAnchor, 3)
    extra.setTextCursor(cursor)
    dialog.editor.maths_button.menu().actions()[0].trigger()
    assert extra.toPlainText() == "{{c2::capital}} \\(x^2\\)"
    dialog.editor.wrap_maths(display=True)
    assert extra.toPlainText() == "{{c2::capital}} \\(x^2\\)\\[\\]"
    qtbot.keyClicks(extra, "y")
    assert extra.toPlainText().endswith("\\[y\\]")


@offscreen_dialog_warning
def test_on_plain_basic_the_cloze_key_makes_a_cloze_note_as_its_hint_says(window: MainWindow, qtbot, app: App) -> None:
    dialog = open_add(window, qtbot)
    assert dialog.notetype.currentText() == "Basic" and dialog.editor.cloze_button.isVisible()
    qtbot.keyClicks(dialog.editor.front, "Lima")
    dialog.editor.front.selectAll()
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    assert dialog.editor.front.toPlainText() == "{{c1::Lima}}"
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    note = app.collection.notes.get(added[0])
    assert note is not None and note.kind.value == "cloze"


def test_paste_without_a_media_folder_and_text_with_a_picture_of_it(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from studyapp.ui.editing.note_editor import NoteEditor

    editor = NoteEditor()
    qtbot.addWidget(editor)
    mime = QMimeData()
    mime.setImageData(screenshot(20, 20))
    editor.front.insertFromMimeData(mime)
    assert editor.media_message.text() == "the pasted image: this editor has no media folder to keep it in"
    assert editor.front.toPlainText() == ""
    editor.set_media_dir(tmp_path / "m")
    word_processor = QMimeData()  # text copied from a word processor comes with a picture of itself
    word_processor.setImageData(screenshot(20, 20))
    word_processor.setText("the words themselves")
    editor.front.insertFromMimeData(word_processor)
    assert editor.front.toPlainText() == "the words themselves" and not (tmp_path / "m").exists()
    _ = QPoint  # noqa: F841


@offscreen_dialog_warning
def test_without_a_player_given_the_editor_plays_a_sound_with_its_own_and_stops_it_when_hidden(
    qtbot, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001 - qtbot, monkeypatch
    from studyapp.services.audio.player import SoundPlayer
    from studyapp.ui.editing.note_editor import NoteEditor
    from studyapp.ui.review import sound_board
    from tests.media.test_audio_player import RecordingSink, wait_for

    sinks: list[RecordingSink] = []

    def recording(report):  # noqa: ANN001, ANN202
        def sink() -> RecordingSink:
            sinks.append(RecordingSink())
            return sinks[-1]

        return SoundPlayer(report, sink_factory=sink)

    monkeypatch.setattr(sound_board, "SoundPlayer", recording)
    media = tmp_path / "collection.media"
    media.mkdir()
    (media / "word.mp3").write_bytes(b"ID3" + bytes(64))
    editor = NoteEditor()
    qtbot.addWidget(editor)
    editor.set_media_dir(media)
    editor.show()
    editor.set_values(("Listen [sound:word.mp3]", "x"), (), True)
    editor.play_sound("word.mp3")
    wait_for(lambda: bool(sinks) and sinks[0].started == ["word.mp3"])
    assert editor.media_message.isHidden()  # no "cannot be played" line
    editor.hide()  # the dialog closes: the sound stops and the player's thread ends
    assert sinks[0].closed and sinks[0].finished == []
    editor.play_sound("missing.mp3")
    assert "not in the media folder" in editor.media_message.text()
