"""The image occlusion editor in the real window: masks drawn with the mouse, grouped, added; a pasted picture;
an occlusion note edited from the reviewer with its cards kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studyapp.core.ids import new_id
from studyapp.core.occlusion import ShapeKind, parse, rect
from studyapp.services.app import App
from studyapp.services.occlusion.editing import OcclusionDraft, add_occlusion_note
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.occlusion.canvas import OcclusionCanvas
from studyapp.ui.occlusion.occlusion_dialog import OcclusionDialog
from tests.gui.support import offscreen_dialog_warning

from .support import png_bytes

pytestmark = offscreen_dialog_warning
WIDTH, HEIGHT = 400, 250


def new_deck(app: App, name: str = "Anatomy") -> int:
    with app.collection.transaction():
        return app.collection.decks.create(new_id(app.rng), name, "", app.clock.now()).id


def at(canvas: OcclusionCanvas, x: float, y: float) -> QPoint:
    """The viewport point over image pixel (x, y)."""
    return canvas.mapFromScene(QPointF(x, y))


def drag(canvas: OcclusionCanvas, start: tuple[float, float], end: tuple[float, float]) -> None:
    viewport = canvas.viewport()
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(viewport, left, Qt.KeyboardModifier.NoModifier, at(canvas, *start))
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    QTest.mouseMove(viewport, at(canvas, *middle))
    QTest.mouseMove(viewport, at(canvas, *end))
    QTest.mouseRelease(viewport, left, Qt.KeyboardModifier.NoModifier, at(canvas, *end))


def click(canvas: OcclusionCanvas, x: float, y: float, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, modifier, at(canvas, x, y))


def open_editor(window: MainWindow, qtbot) -> OcclusionDialog:  # noqa: ANN001
    window.occlusion_action.trigger()
    dialog = window.findChild(OcclusionDialog)
    assert dialog is not None
    return shown(dialog, qtbot)


def shown(dialog: OcclusionDialog, qtbot) -> OcclusionDialog:  # noqa: ANN001
    """The dialog exposed and active, as the user has it (the keys on its picture are its own)."""
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_draw_two_rectangles_and_an_ellipse_group_two_and_add(window: MainWindow, app: App, qtbot,
                                                              tmp_path: Path) -> None:  # fmt: skip
    deck_id = new_deck(app)
    window.show_decks()
    window.deck_list.select_deck(deck_id)
    picture = tmp_path / "arm.png"
    picture.write_bytes(png_bytes(WIDTH, HEIGHT))
    dialog = open_editor(window, qtbot)
    assert not dialog.submit.isEnabled()
    dialog.choose_image = lambda _parent: picture
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    canvas = dialog.canvas
    assert canvas.image is not None and canvas.image.size().toTuple() == (WIDTH, HEIGHT)

    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_R)
    drag(canvas, (40, 25), (160, 100))
    drag(canvas, (200, 150), (360, 225))
    QTest.keyClick(canvas, Qt.Key.Key_E)
    drag(canvas, (240, 20), (340, 120))
    assert [item.ordinal for item in canvas.masks()] == [1, 2, 3]
    assert dialog.panel.cards.text() == "3 cards"

    QTest.keyClick(canvas, Qt.Key.Key_S)
    click(canvas, 100, 60)
    click(canvas, 290, 70, Qt.KeyboardModifier.ControlModifier)
    assert [item.ordinal for item in canvas.selected_masks()] == [1, 3]
    QTest.keyClick(canvas, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert [item.ordinal for item in canvas.masks()] == [1, 2, 1]
    assert dialog.panel.cards.text() == "2 cards"
    qtbot.keyClicks(dialog.panel.header, "Bones of the arm")
    qtbot.keyClicks(dialog.panel.tags, "anatomy arm")

    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert dialog.panel.status.text() == "Added (2 cards) to Anatomy."
    assert dialog.added_count == 1 and canvas.image is None and not canvas.masks()
    (note_id,) = [nid for nid, _front in app.collection.notes.fronts_in_deck(deck_id)]
    note = app.collection.notes.get(note_id)
    assert note is not None and note.tags == "anatomy arm" and note.fields[2] == "Bones of the arm"
    shapes = parse(note.fields[0]).shapes
    assert [(s.kind, s.ordinal, s.occlude_inactive) for s in shapes] == [
        (ShapeKind.RECT, 1, True), (ShapeKind.RECT, 2, True), (ShapeKind.ELLIPSE, 1, True),
    ]  # fmt: skip
    boxes = [tuple(round(v, 2) for v in shape.box()) for shape in shapes]
    assert boxes == [(0.1, 0.1, 0.3, 0.3), (0.5, 0.6, 0.4, 0.3), (0.6, 0.08, 0.25, 0.4)]
    assert sorted(app.collection.notes.card_ords([note_id])[note_id]) == [0, 1]
    assert (app.media_dir / note.fields[1].split('"')[1]).read_bytes() == picture.read_bytes()
    dialog.reject()


def test_a_pasted_screenshot_becomes_the_picture(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    deck_id = new_deck(app, "Screens")
    window.show_decks()
    window.deck_list.select_deck(deck_id)
    dialog = open_editor(window, qtbot)
    screenshot = QImage(320, 200, QImage.Format.Format_RGB32)
    screenshot.fill(Qt.GlobalColor.darkCyan)
    QGuiApplication.clipboard().setImage(screenshot)
    dialog.canvas.setFocus()
    QTest.keyClick(dialog.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.canvas.image is not None and dialog.canvas.image.size().toTuple() == (320, 200)
    drag(dialog.canvas, (20, 20), (120, 80))
    QTest.keyClick(dialog.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (note_id,) = [nid for nid, _front in app.collection.notes.fronts_in_deck(deck_id)]
    note = app.collection.notes.get(note_id)
    assert note is not None
    name = note.fields[1].split('"')[1]
    assert name.startswith("paste-") and name.endswith(".png")
    stored = QImage(str(app.media_dir / name))
    assert stored.size().toTuple() == (320, 200) and stored.pixelColor(5, 5) == screenshot.pixelColor(5, 5)
    dialog.reject()


def test_an_empty_clipboard_says_so(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    dialog = open_editor(window, qtbot)
    QGuiApplication.clipboard().clear()
    assert not dialog.paste_image()
    assert dialog.panel.status.text() == "The clipboard holds no picture."
    dialog.reject()


@pytest.mark.usefixtures("window")
def test_e_on_an_occlusion_card_edits_its_masks_and_keeps_its_cards(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    deck_id = new_deck(app)
    shapes = (rect(1, 0.1, 0.1, 0.2, 0.2), rect(2, 0.5, 0.5, 0.2, 0.2), rect(3, 0.7, 0.1, 0.2, 0.2))
    made = add_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, deck_id,
                              png_bytes(WIDTH, HEIGHT), OcclusionDraft(shapes, header="Arm"))  # fmt: skip
    cards_before = set(made.added.card_ids)
    window.study(deck_id)
    studied = window.reviewer.session.current
    assert studied is not None
    window.edit_card(studied.id)
    dialog = window.findChild(OcclusionDialog)
    assert dialog is not None and dialog.windowTitle() == "Edit image occlusion"
    shown(dialog, qtbot)
    dialog.canvas.setFocus()
    canvas = dialog.canvas
    assert [item.ordinal for item in canvas.masks()] == [1, 2, 3]
    assert dialog.panel.header.toPlainText() == "Arm"
    click(canvas, 0.8 * WIDTH, 0.2 * HEIGHT)  # the third mask
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    QTest.keyClick(canvas, Qt.Key.Key_R)
    drag(canvas, (20, 200), (90, 240))
    assert [item.ordinal for item in canvas.masks()] == [1, 2, 4]  # never the number of a card the note has
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert "1 card (Cloze 3) no longer has content and was kept with its progress" in dialog.panel.status.text()
    ords = app.collection.notes.card_ords([made.added.note_id])[made.added.note_id]
    assert sorted(ords) == [0, 1, 2, 3]
    note = app.collection.notes.get(made.added.note_id)
    assert note is not None
    assert [s.ordinal for s in parse(note.fields[0]).shapes] == [1, 2, 4]
    assert note.fields[0].startswith(
        "{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2:oi=1}}<br>"
        "{{c2::image-occlusion:rect:left=.5:top=.5:width=.2:height=.2:oi=1}}<br>"
    )  # the unmoved masks exactly as they were
    kept = [card_id for card_id in cards_before if app.collection.reviews.card(card_id) is not None]
    assert len(kept) == 3
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)  # read: Save again closes
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_add_with_an_image_occlusion_type_opens_the_editor(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    deck_id = new_deck(app)
    made = add_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, deck_id, png_bytes(),
                              OcclusionDraft((rect(1, 0.1, 0.1, 0.2, 0.2),)))  # fmt: skip
    notetype_id = app.collection.notes.get(made.added.note_id).notetype_id  # type: ignore[union-attr]
    window.show_decks()
    window.deck_list.select_deck(deck_id)
    add = window.add_cards()
    qtbot.waitExposed(add)
    assert not add.occlusion.isVisible()
    add.notetype.setCurrentIndex(add.notetype.findData(str(notetype_id)))
    assert add.occlusion.isVisible() and "Image Occlusion…" in add.hint.text()
    qtbot.mouseClick(add.occlusion, Qt.MouseButton.LeftButton)
    dialog = add.findChild(OcclusionDialog)
    assert dialog is not None and dialog.panel.deck_id() == deck_id
    shown(dialog, qtbot)
    picture = QImage(200, 100, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.white)
    QGuiApplication.clipboard().setImage(picture)
    dialog.canvas.setFocus()
    QTest.keyClick(dialog.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    drag(dialog.canvas, (10, 10), (60, 40))
    with qtbot.waitSignal(add.added):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert add.added_count == 1
    dialog.reject()
    add.reject()


def test_the_browser_opens_an_occlusion_note_s_masks(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    deck_id = new_deck(app)
    shapes = (rect(1, 0.1, 0.1, 0.2, 0.2), rect(2, 0.5, 0.5, 0.2, 0.2))
    made = add_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, deck_id,
                              png_bytes(WIDTH, HEIGHT), OcclusionDraft(shapes))  # fmt: skip
    browser = window.open_browser()
    qtbot.waitExposed(browser)
    browser.search_box.setText("deck:Anatomy")
    browser.search_box.returnPressed.emit()
    qtbot.waitUntil(lambda: browser.model.total == 2)
    browser.table.selectRow(0)
    pane = browser.editor
    assert pane.note_id == made.added.note_id and pane.masks.isVisible()
    dialog = pane.edit_masks()
    assert isinstance(dialog, OcclusionDialog)
    shown(dialog, qtbot)
    dialog.canvas.setFocus()
    click(dialog.canvas, 0.6 * WIDTH, 0.6 * HEIGHT)
    QTest.keyClick(dialog.canvas, Qt.Key.Key_Delete)
    with qtbot.waitSignal(pane.saved):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert "Cloze 2" in dialog.panel.status.text()  # its card is kept, and the editor says so
    assert pane.editor.front.toPlainText().count("image-occlusion") == 1  # the pane shows the saved note
    dialog.reject()
    browser.search_box.setText("deck:Calcinosis")  # a note of another type: no such button
    browser.search_box.returnPressed.emit()
    qtbot.waitUntil(lambda: browser.model.total == 29)
    browser.table.selectRow(0)
    assert pane.note_id is not None and pane.note_id != made.added.note_id and not pane.masks.isVisible()


def test_masks_move_and_resize_with_the_mouse_and_kept_shapes_go_back_as_they_came(app: App, qtbot) -> None:  # noqa: ANN001
    text = ("{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2}}<br>"
            "{{c2::image-occlusion:polygon:left=.6:top=.5:points=.6,.5 .9,.6 .7,.9:fill=#00ff00}}<br>"
            "{{c0::image-occlusion:text:left=.4:top=.7:text=label\\: A:scale=1.:fs=.1}}<br>")  # fmt: skip
    made = add_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, new_deck(app),
                              png_bytes(WIDTH, HEIGHT), OcclusionDraft(parse(text).shapes, hide_all=False))  # fmt: skip
    dialog = OcclusionDialog(app, note_id=made.added.note_id)
    qtbot.addWidget(dialog)
    dialog.show()
    shown(dialog, qtbot)
    canvas = dialog.canvas
    assert dialog.panel.cards.text() == "2 cards"  # the label is on every card, a card of none
    first = canvas.masks()[0]
    click(canvas, 60, 40)
    assert canvas.selected_masks() == [first]
    drag(canvas, (60, 40), (160, 90))  # moved by 100, 50 image pixels
    assert first.box().topLeft().toTuple() == pytest.approx((140, 75), abs=2)
    drag(canvas, (first.box().right(), first.box().bottom()), (300, 200))  # its corner handle
    assert first.box().getRect() == pytest.approx((140, 75, 160, 125), abs=2)
    dialog.panel.mode.setCurrentIndex(1)  # stays "hide one, guess one"
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    note = app.collection.notes.get(made.added.note_id)
    assert note is not None
    moved, rest = note.fields[0].split("<br>", 1)
    assert rest == text.split("<br>", 1)[1]  # the polygon (its fill) and the label, untouched, exactly as read
    (shape,) = parse(moved).shapes
    assert (shape.kind, shape.ordinal, shape.occlude_inactive) == (ShapeKind.RECT, 1, False)
    assert shape.box() == pytest.approx((0.35, 0.3, 0.4, 0.5), abs=0.005)
