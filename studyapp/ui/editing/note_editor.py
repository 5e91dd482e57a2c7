"""The note editor: one labelled rich-text editor per field of the note's type, and a tags line.

Used by the Add dialog, the edit dialog (E while reviewing) and the browser. The fields are those of the
note type, by name and in its order (``set_field_names``); when the type changes, the text of a field
whose name the new type also has stays. The fields sit in a scroll area, so a type with ten fields still
fits a small window; the formatting bar and the tags stay in view. A cloze type gets the cloze helper:
Ctrl+Shift+C wraps the selection in the next ``{{cN::…}}``, Ctrl+Alt+Shift+C in the same number.
See ``rich_field`` for what a field gives back (plain text, or a small HTML fragment).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QTextListFormat
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.notes.notes import NoteText
from studyapp.ui.editing import field_media
from studyapp.ui.editing.rich_field import (  # noqa: F401 - re-exported for callers of the old module
    LINK_SCHEMES,
    RichField,
    ask_for_link,
    document_fragment,
    plain_to_fragment,
    valid_link,
)
from studyapp.ui.editing.tag_completer import TagCompleter
from studyapp.ui.review.sound_board import SoundBoard

_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
TWO_FIELDS = ("Front", "Back")


def _format_button(text: str, tip: str, slot: Callable[[], None] | None) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus and the selection
    button.setAutoRaise(True)
    if slot is not None:
        button.clicked.connect(lambda _checked=False: slot())
    return button


def ask_for_media_files(parent: QWidget) -> list[Path]:
    """Ask for images or sounds to insert (blocking); an empty list if cancelled."""
    names, _filter = QFileDialog.getOpenFileNames(parent, "Insert images or sounds", "", field_media.FILE_FILTER)
    return [Path(name) for name in names]


def _field_object_name(index: int) -> str:
    return ("FrontField", "BackField")[index] if index < 2 else f"Field{index + 1}"


class NoteEditor(QWidget):
    """The fields and tags of one note; ``note_fields()`` is what the notes service stores."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, field_names: tuple[str, ...] = TWO_FIELDS) -> None:
        super().__init__(parent)
        self.setObjectName("NoteEditor")
        self.fields: list[RichField] = []
        self.labels: list[QLabel] = []
        self._names: tuple[str, ...] = ()
        self._asker: Callable[[QWidget, str], str | None] | None = None
        self.media_dir: Path | None = None
        self.ask_media_files: Callable[[QWidget], list[Path]] = ask_for_media_files  # tests replace it
        self.sound_player: field_media.Player | None = None  # plays a sound file (else the editor's own player)
        self._sounds: SoundBoard | None = None  # the editor's own player, made with the first sound played
        self.tags = QLineEdit()
        self.tags.setObjectName("TagsField")
        self.tags.setPlaceholderText("tags, separated by spaces")
        self.tags.textEdited.connect(lambda _text: self.changed.emit())
        self.tag_completer = TagCompleter(self.tags)  # the owner gives it the collection's tags (set_source)
        self.tag_completer.completed.connect(lambda _tag: self.changed.emit())

        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.setSpacing(2)
        bold = _format_button("B", "Bold (Ctrl+B)", lambda: self._active.toggle_bold())
        bold.setStyleSheet("font-weight: bold;")
        italic = _format_button("I", "Italic (Ctrl+I)", lambda: self._active.toggle_italic())
        italic.setStyleSheet("font-style: italic;")
        underline = _format_button("U", "Underline (Ctrl+U)", lambda: self._active.toggle_underline())
        underline.setStyleSheet("text-decoration: underline;")
        bullets = _format_button(
            "• List", "Bulleted list (Ctrl+Shift+8)", lambda: self._active.toggle_list(QTextListFormat.Style.ListDisc)
        )
        numbers = _format_button(
            "1. List",
            "Numbered list (Ctrl+Shift+7)",
            lambda: self._active.toggle_list(QTextListFormat.Style.ListDecimal),
        )
        link = _format_button("Link", "Link (Ctrl+K)", lambda: self._active.add_link())
        self.cloze_button = _format_button(
            "[…] Cloze", "Make the selection a cloze deletion (Ctrl+Shift+C; Ctrl+Alt+Shift+C: the same number)",
            lambda: self.wrap_cloze(new_number=True),
        )  # fmt: skip
        self.cloze_button.setObjectName("ClozeButton")
        self.media_button = _format_button(
            "Attach…", "Insert images or sounds from files (F3); paste or drop them too", self.insert_media_files
        )
        self.media_button.setObjectName("MediaButton")
        self.maths_button = _format_button(
            "\u221ax Maths \u25be", "MathJax: wrap the selection (Ctrl+M, M / Ctrl+M, E)", None
        )
        self.maths_button.setObjectName("MathsButton")
        maths_menu = QMenu(self.maths_button)
        for label, keys, display in (("Inline \\(…\\)", "Ctrl+M, M", False), ("Display \\[…\\]", "Ctrl+M, E", True)):
            action = maths_menu.addAction(label)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, d=display: self.wrap_maths(display=d))
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=display: self.wrap_maths(display=d))
        self.maths_button.setMenu(maths_menu)
        self.maths_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.maths_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        attach_key = QShortcut(QKeySequence("F3"), self)
        attach_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        attach_key.activated.connect(self.insert_media_files)
        for button in (bold, italic, underline, bullets, numbers, link, self.cloze_button):
            toolbar.addWidget(button)
        toolbar.addWidget(self.maths_button)
        toolbar.addWidget(self.media_button)
        toolbar.addStretch(1)
        self.media_message = QLabel()
        self.media_message.setObjectName("MediaMessage")
        self.media_message.hide()
        self._cloze_keys = []
        for keys, new_number in (("Ctrl+Shift+C", True), ("Ctrl+Alt+Shift+C", False)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=new_number: self.wrap_cloze(new_number=n))
            self._cloze_keys.append(shortcut)
        self.set_cloze(False)

        self._inner = QWidget()
        self._inner.setObjectName("FieldsPanel")
        self._form = QFormLayout(self._inner)
        self._form.setContentsMargins(0, 0, 4, 0)
        self._form.setVerticalSpacing(8)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("FieldsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._inner)

        tags_row = QFormLayout()
        tags_row.setContentsMargins(0, 0, 0, 0)
        self.tags_label = QLabel("Tags")
        tags_row.addRow(self.tags_label, self.tags)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(toolbar)
        layout.addWidget(self.media_message)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(tags_row)
        self.set_field_names(field_names)

    # -- the fields --------------------------------------------------------------------------------

    @property
    def front(self) -> RichField:
        """The first field."""
        return self.fields[0]

    @property
    def back(self) -> RichField:
        """The second field (the last one of a note type with a single field)."""
        return self.fields[1] if len(self.fields) > 1 else self.fields[-1]

    @property
    def field_names(self) -> tuple[str, ...]:
        return self._names

    def field(self, name: str) -> RichField:
        """The editor of the field called ``name``."""
        return self.fields[self._names.index(name)]

    def set_field_names(self, names: tuple[str, ...]) -> None:
        """Show an editor per name, in order. Text in a field whose name the new list also has stays."""
        names = tuple(names) or ("Text",)
        if names == self._names:
            return
        kept = {name: field.text() for name, field in zip(self._names, self.fields, strict=True)}
        for label, field in zip(self.labels, self.fields, strict=True):
            self._form.removeRow(field)  # deletes the label and the field
            del label
        self.fields, self.labels = [], []
        self._names = names
        height = 84 if len(names) <= 2 else 60
        for index, name in enumerate(names):
            field = RichField()
            field.setObjectName(_field_object_name(index))
            field.setAccessibleName(name)
            field.setMinimumHeight(height)
            field.preferred_height = height
            if self._asker is not None:
                field.ask_link = self._asker
            field.media_dir = self.media_dir
            field.media_message.connect(self._show_media_message)
            field.sound_clicked.connect(self.play_sound)
            text, is_html = kept.get(name, ("", False))
            field.set_text(text, is_html)  # carried over as it was: given back unchanged if not touched
            field.textChanged.connect(self.changed)
            field.cursorPositionChanged.connect(lambda f=field: self._remember(f))
            field.installEventFilter(self)
            label = QLabel(name)
            label.setObjectName("FieldLabel")
            label.setBuddy(field)
            label.setWordWrap(True)
            label.setMaximumWidth(160)
            self._form.addRow(label, field)
            label.show()  # now, not when the layout gets round to it: the caller may focus the field at once
            field.show()
            self.fields.append(field)
            self.labels.append(label)
        self._align_labels()
        self._active: RichField = self.fields[0]
        for before, after in zip([*self.fields], [*self.fields[1:], self.tags], strict=True):
            QWidget.setTabOrder(before, after)
        self.setFocusProxy(self.fields[0])

    def _align_labels(self) -> None:
        """The field names and "Tags" in one column (the tags line is outside the scrolling fields)."""
        width = max(label.fontMetrics().horizontalAdvance(label.text()) for label in [*self.labels, self.tags_label])
        width = min(width + 6, 160)
        for label in [*self.labels, self.tags_label]:
            label.setFixedWidth(width)

    def wanted_height(self) -> int:
        """How much taller than now the editor would like to be to show every field without scrolling."""
        return max(0, self._inner.sizeHint().height() - self.scroll.viewport().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A field that gets the focus (Tab, a click, a shortcut) is scrolled into view, and is the one formatted."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, RichField) and watched in self.fields:
            self._active = watched
            self.scroll.ensureWidgetVisible(watched, 0, 8)
        return super().eventFilter(watched, event)

    def set_placeholders(self, texts: dict[str, str]) -> None:
        for name, field in zip(self._names, self.fields, strict=True):
            field.setPlaceholderText(texts.get(name, ""))

    def _remember(self, field: RichField) -> None:
        self._active = field

    # -- content -----------------------------------------------------------------------------------

    def set_values(self, values: tuple[str, ...], tags: tuple[str, ...], html: bool) -> None:
        """Show a note: its fields (missing ones empty), its tags, HTML or plain text."""
        for index, field in enumerate(self.fields):
            field.set_text(values[index] if index < len(values) else "", html)
        self.tags.setText(" ".join(tags))

    def set_note(self, front: str, back: str, tags: tuple[str, ...], html: bool) -> None:
        """A two-field note (front and back)."""
        self.set_values((front, back), tags, html)

    def note_tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.tags.text().replace(",", " ").split()))

    def note_fields(self) -> tuple[tuple[str, ...], bool]:
        """Every field in order, and whether they are HTML: if any field is, all are (plain text escaped)."""
        texts = [field.text() for field in self.fields]
        is_html = any(flag for _text, flag in texts)
        if not is_html:
            return tuple(text for text, _flag in texts), False
        return tuple(text if flag else plain_to_fragment(text) for text, flag in texts), True

    def note_text(self) -> NoteText:
        """The first two fields as front and back (the two-field form of the notes service)."""
        values, is_html = self.note_fields()
        back = values[1] if len(values) > 1 else ""
        return NoteText(values[0], back, self.note_tags(), is_html, False)

    def clear_fields(self) -> None:
        """Empty every field for the next note (tags stay: the next card usually shares them)."""
        for field in self.fields:
            field.set_text("", False)
        self.media_message.hide()
        self.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_link_asker(self, asker: Callable[[QWidget, str], str | None]) -> None:
        self._asker = asker
        for field in self.fields:
            field.ask_link = asker

    # -- media ---------------------------------------------------------------------------------------

    def set_media_dir(self, media_dir: Path | None) -> None:
        """The collection's media folder: the fields show images from it and store what is pasted or dropped."""
        self.media_dir = media_dir
        for field in self.fields:
            field.media_dir = media_dir

    def insert_media_files(self) -> None:
        """Ask for images or sounds and insert them where the cursor is in the field being edited."""
        paths = self.ask_media_files(self)
        if paths:
            self._active.insert_files(paths)

    def _show_media_message(self, text: str, problem: bool) -> None:
        self.media_message.setStyleSheet("color: #c0392b;" if problem else "color: #2e7d32;")
        self.media_message.setText(text)
        self.media_message.setToolTip(text)
        self.media_message.show()

    def _own_player(self) -> field_media.Player:
        """The editor's own player (the reviewer's kind: its own thread, problems as one line here)."""
        if self._sounds is None:
            self._sounds = SoundBoard(self.media_dir, self)
            self._sounds.problem.connect(lambda line: self._show_media_message(line, True))
        sounds = self._sounds
        return lambda path: sounds.player.play([path])

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        if self._sounds is not None:  # a sound stops with the editor that played it
            self._sounds.close()
            self._sounds = None
        super().hideEvent(event)

    def play_sound(self, name: str) -> None:
        """Play the sound ``name`` of the media folder with ``sound_player``; one line if it cannot be."""
        path = field_media.media_path(self.media_dir, name)
        if path is None:
            self._show_media_message(f"{name}: not in the media folder", True)
        else:
            try:
                (self.sound_player or self._own_player())(path)
            except Exception as error:  # noqa: BLE001 - a sound that will not play never stops the editing
                self._show_media_message(f"{name}: cannot be played ({error})", True)

    # -- MathJax -----------------------------------------------------------------------------------

    def wrap_maths(self, display: bool = False) -> None:
        """Wrap the selection of the field being edited in MathJax's ``\\(…\\)``, or ``\\[…\\]`` for display."""
        opening, closing = ("\\[", "\\]") if display else ("\\(", "\\)")
        field = self._active
        cursor = field.textCursor()
        selected = cursor.selectedText()
        cursor.insertText(f"{opening}{selected}{closing}")
        if not selected:
            cursor.movePosition(cursor.MoveOperation.Left, n=2)
        field.setTextCursor(cursor)
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the cloze helper --------------------------------------------------------------------------

    def set_cloze(self, enabled: bool) -> None:
        """Show the cloze helper (button and keys) for a cloze note type."""
        self.cloze_button.setVisible(enabled)
        for shortcut in self._cloze_keys:
            shortcut.setEnabled(enabled)

    def wrap_cloze(self, new_number: bool = True) -> None:
        """Wrap the selection of the field being edited in ``{{cN::…}}``: the next number, or the last one."""
        used = [int(n) for field in self.fields for n in _CLOZE_NUMBER.findall(field.toPlainText())]
        highest = max(used, default=0)
        number = highest + 1 if new_number or not highest else highest
        field = self._active
        cursor = field.textCursor()
        selected = cursor.selectedText()
        cursor.insertText(f"{{{{c{number}::{selected}}}}}")
        if not selected:
            cursor.movePosition(cursor.MoveOperation.Left, n=2)
            field.setTextCursor(cursor)
        field.setFocus(Qt.FocusReason.OtherFocusReason)
