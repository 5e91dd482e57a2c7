"""Tools → Image Occlusion…: open or paste a picture, draw masks over it, and add it as cards.

The canvas takes most of the dialog; beside it, the mode ("hide all, guess one" or "hide one, guess
one"), the header and back-extra texts, the deck and the tags. Each mask is a card, numbered on the
picture; Group (Ctrl+G) makes the selected masks one card, Ungroup (Ctrl+Shift+G) gives them a card
each. Keys on the picture: R rectangle, E ellipse, S select, Delete removes the selected masks, Ctrl+V
pastes a picture, Ctrl+wheel zooms and Fit shows it whole. Add (Ctrl+Enter) adds the note and starts
the next one; opened on a note (E while studying one), the same dialog saves it instead, keeping the
cards of the masks kept (see ``services.occlusion.editing``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.app import App, StorageError
from studyapp.services.occlusion.editing import (
    OcclusionDraft,
    OcclusionError,
    add_occlusion_note,
    open_occlusion_note,
    update_occlusion_note,
)
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.editing.add_dialog import submit_shortcuts
from studyapp.ui.occlusion.canvas import ELLIPSE, RECTANGLE, SELECT, OcclusionCanvas
from studyapp.ui.occlusion.shapes_bridge import canvas_shapes, load_shapes
from studyapp.ui.occlusion.side_panel import SidePanel

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp);;All files (*)"
START_HINT = "Open a picture (Ctrl+O) or paste one (Ctrl+V), then drag on it to draw a mask."
DRAW_HINT = "Drag to draw a mask: each number is a card. Select masks and Group (Ctrl+G) to hide them together."
SELECT_HINT = "Click a mask to select it (Ctrl+click for more), drag to move it, its corner to resize; R and E draw."


def choose_image(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Open a picture", "", IMAGE_FILTER)
    return Path(name) if name else None


def png_of(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


class OcclusionDialog(QDialog):
    added = Signal(object)  # the new note's id
    saved = Signal(object)  # the edited StoredNote

    def __init__(self, app: App, deck_id: int | None = None, note_id: int | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.app = app
        self.note_id = note_id
        self.setObjectName("OcclusionDialog")
        self.setWindowTitle("Image Occlusion" if note_id is None else "Edit image occlusion")
        self.choose_image: Callable[[QWidget], Path | None] = choose_image  # tests replace it
        self.image_source: bytes | Path | None = None
        self.added_count = 0
        self._dirty = False  # changed since the last save

        self.canvas = OcclusionCanvas()
        self.canvas.changed.connect(self._canvas_changed)
        self.panel = SidePanel(app, deck_id, editing=note_id is not None)
        self.panel.changed.connect(self._mark_dirty)
        self.hint = QLabel(START_HINT)
        self.hint.setObjectName("KeyHint")
        self.hint.setWordWrap(True)

        tools = QHBoxLayout()
        tools.setSpacing(4)
        self.open_button = self._button("Open…", "Open a picture file (Ctrl+O)", self.open_image)
        self.paste_button = self._button("Paste", "Paste a picture or a screenshot (Ctrl+V)", self.paste_image)
        self.tool_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        for tool, text, tip in ((SELECT, "Select", "Select, move and resize masks (S)"),
                                (RECTANGLE, "Rectangle", "Draw rectangles (R)"),
                                (ELLIPSE, "Ellipse", "Draw ellipses (E)")):  # fmt: skip
            button = self._button(text, tip, lambda _checked=False, t=tool: self.set_tool(t))
            button.setCheckable(True)
            group.addButton(button)
            self.tool_buttons[tool] = button
        self.group_button = self._button("Group", "One card for the selected masks (Ctrl+G)", self.group)
        self.ungroup_button = self._button("Ungroup", "A card for each selected mask (Ctrl+Shift+G)", self.ungroup)
        self.delete_button = self._button("Delete", "Remove the selected masks (Delete)", self.canvas.delete_selected)
        self.fit_button = self._button("Fit", "Show the whole picture (Ctrl+wheel zooms)", self.fit)
        for widget in (self.open_button, self.paste_button, None, *self.tool_buttons.values(), None,
                       self.group_button, self.ungroup_button, self.delete_button, None, self.fit_button):  # fmt: skip
            if widget is None:
                tools.addSpacing(10)
            else:
                tools.addWidget(widget)
        tools.addStretch(1)
        if note_id is not None:  # the picture of a note stays its picture
            self.open_button.hide()
            self.paste_button.hide()

        self.submit = QPushButton("Add" if note_id is None else "Save")
        self.submit.setObjectName("OcclusionSubmit")
        self.submit.setToolTip(("Add these cards" if note_id is None else "Save the note") + " (Ctrl+Enter)")
        self.submit.setAutoDefault(False)
        self.submit.clicked.connect(self.accept_note)
        close = QPushButton("Close" if note_id is None else "Cancel")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.panel.buttons.addWidget(self.submit)
        self.panel.buttons.addWidget(close)
        submit_shortcuts(self, self.accept_note)

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addLayout(tools)
        left.addWidget(self.canvas, 1)
        left.addWidget(self.hint)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        layout.addLayout(left, 1)
        layout.addWidget(self.panel)
        self._shortcuts()
        remember_geometry(self, app, "occlusion", (980, 590))  # where it was last, within the screen
        if note_id is not None:
            self._load(note_id)
        self.set_tool(RECTANGLE if note_id is None else SELECT)
        self._canvas_changed()
        self._dirty = False

    def _button(self, text: str, tip: str, slot: Callable[..., object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(False)
        button.clicked.connect(slot)
        return button

    def _shortcuts(self) -> None:
        keys: tuple[tuple[QKeySequence | str, Callable[[], object]], ...] = (
            (QKeySequence.StandardKey.Paste, self.paste_image),
            ("R", lambda: self.set_tool(RECTANGLE)),
            ("E", lambda: self.set_tool(ELLIPSE)),
            ("S", lambda: self.set_tool(SELECT)),
            ("Ctrl+G", self.group),
            ("Ctrl+Shift+G", self.ungroup),
        )
        for key, slot in keys:  # on the picture only: in a text field these keys type and paste text
            shortcut = QShortcut(QKeySequence(key), self.canvas)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        opening = QShortcut(QKeySequence.StandardKey.Open, self)
        opening.activated.connect(self.open_image)

    # -- the picture -------------------------------------------------------------------------------

    def open_image(self) -> bool:
        if self.note_id is not None:
            return False
        path = self.choose_image(self)
        if path is None:
            return False
        image = QImage(str(path))
        if image.isNull():
            self.panel.show_status(f"{path.name}: not a picture studyapp can show.", error=True)
            return False
        self._set_image(image, path)
        return True

    def paste_image(self) -> bool:
        if self.note_id is not None:
            return False
        clipboard = QGuiApplication.clipboard()
        data = clipboard.mimeData()
        image = clipboard.image()
        if not image.isNull():
            self._set_image(image, png_of(image))
            return True
        if data is not None and data.hasUrls():
            for url in data.urls():
                if url.isLocalFile():
                    path = Path(url.toLocalFile())
                    picture = QImage(str(path))
                    if not picture.isNull():
                        self._set_image(picture, path)
                        return True
        self.panel.show_status("The clipboard holds no picture.", error=True)
        return False

    def _set_image(self, image: QImage, source: bytes | Path) -> None:
        self.image_source = source
        self.canvas.set_image(image)
        self.set_tool(RECTANGLE)
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)
        self.panel.show_status("")

    def _load(self, note_id: int) -> None:
        try:
            opened = open_occlusion_note(self.app.collection, self.app.media_dir, note_id)
        except (OcclusionError, StorageError) as error:
            self.panel.show_status(f"Cannot edit: {error}.", error=True)
            self.submit.setEnabled(False)
            return
        image = QImage(str(opened.image_path))
        if image.isNull():
            self.panel.show_status(f"Cannot edit: {opened.image_name} is not a picture studyapp can show.", error=True)
            self.submit.setEnabled(False)
            return
        self.canvas.set_image(image)
        load_shapes(self.canvas, opened.draft.shapes)
        # A new mask never takes the number of a card the note has (its progress is another mask's).
        self.canvas.highest_ordinal = max([self.canvas.highest_ordinal, *opened.card_numbers])
        self.panel.set_draft(opened.draft)
        if opened.problems:
            count = len(opened.problems)
            self.panel.show_status(
                f"{count} occlusion{'s' if count != 1 else ''} cannot be drawn here and "
                f"{'are' if count != 1 else 'is'} left out if you save: {opened.problems[0]}",
                error=True,
            )

    # -- tools -------------------------------------------------------------------------------------

    def set_tool(self, tool: str) -> None:
        self.canvas.set_tool(tool)
        self.tool_buttons[tool].setChecked(True)
        if self.canvas.has_image():
            self.hint.setText(SELECT_HINT if tool == SELECT else DRAW_HINT)

    def group(self) -> None:
        self.canvas.group_selected()

    def ungroup(self) -> None:
        self.canvas.ungroup_selected()

    def fit(self) -> None:
        self.canvas.auto_fit = True
        self.canvas.fit()

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _canvas_changed(self) -> None:
        self._dirty = True
        has_image = self.canvas.has_image()
        selected = self.canvas.selected_masks() if has_image else []
        for button in (*self.tool_buttons.values(), self.fit_button):
            button.setEnabled(has_image)
        self.group_button.setEnabled(len({item.ordinal for item in selected if item.ordinal > 0}) > 1)
        self.ungroup_button.setEnabled(bool(selected))
        self.delete_button.setEnabled(bool(selected))
        cards = len(self.canvas.ordinals())
        self.submit.setEnabled(has_image and cards > 0)
        self.hint.setText(START_HINT if not has_image else SELECT_HINT if self.canvas.tool == SELECT else DRAW_HINT)
        self.panel.set_card_count(cards if has_image else None)

    # -- saving ------------------------------------------------------------------------------------

    def draft(self) -> OcclusionDraft:
        return self.panel.draft(canvas_shapes(self.canvas))

    def accept_note(self) -> None:
        if self.note_id is None:
            self._add()
        else:
            self._save()

    def _add(self) -> None:
        deck_id = self.panel.deck_id()
        if self.image_source is None or deck_id is None:
            self.panel.show_status("Open or paste a picture first." if deck_id else "There is no deck to add to.",
                                   error=True)  # fmt: skip
            return
        try:
            made = add_occlusion_note(self.app.collection, self.app.rng, self.app.clock, self.app.media_dir,
                                      deck_id, self.image_source, self.draft())  # fmt: skip
        except (OcclusionError, StorageError) as error:
            self.panel.show_status(f"Not added: {error}.", error=True)
            return
        self.added_count += 1
        cards = len(made.added.card_ids)
        self.image_source = None
        self.canvas.clear_image()
        self.panel.clear_texts()
        self._canvas_changed()
        self.panel.show_status(f"Added ({cards} card{'s' if cards != 1 else ''}) to {self.panel.deck_name()}.")
        self.added.emit(made.added.note_id)

    def _save(self) -> None:
        assert self.note_id is not None
        if not self._dirty and self.panel.status_saved():
            self.accept()  # saved already; the line about the cards has been read
            return
        try:
            edited = update_occlusion_note(self.app.collection, self.app.rng, self.app.clock, self.app.media_dir,
                                           self.note_id, self.draft())  # fmt: skip
        except (OcclusionError, StorageError) as error:
            self.panel.show_status(f"Not saved: {error}.", error=True)
            return
        self.saved.emit(edited.note)
        self._dirty = False
        if edited.kept_ords:
            self.panel.show_status(f"Saved: {edited.summary()}.", saved=True)
            return
        self.accept()
