"""The card templates of the chosen note type: question, answer and styling editors beside a live preview.

The preview is the reviewer's own card view showing a real note of the type (its first) through the formats
being typed, before they are saved; a type without notes shows each field's name in its place. Save stores the
template and the styling (adding the cards a changed question now makes); leaving the page, the type or the
window saves what was changed too, so no edit is lost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.model import Card, NoteKind
from studyapp.core.notetypes.model import NoteType
from studyapp.core.text.cloze import cloze_numbers
from studyapp.core.wording import plural
from studyapp.services.notetypes.manage import SampleNote
from studyapp.ui.review.card_view import CardView

if TYPE_CHECKING:
    from studyapp.ui.notetypes.manager_window import NotetypesWindow

PREVIEW_DELAY_MS = 150  # typing pauses this long before the preview is laid out again


def preview_card(notetype: NoteType, ord_: int, sample: SampleNote | None) -> Card:
    """A card of ``notetype`` (as edited) for template ``ord_``, holding the sample note (or the field names)."""
    if sample is not None:
        fields, tags, html, deck, note_id = sample.fields, sample.tags, sample.html, sample.deck_name, sample.note_id
    else:
        fields = tuple(f"({name})" for name in notetype.field_names)
        if notetype.is_cloze and fields:
            fields = ("{{c1::" + fields[0] + "}}", *fields[1:])
        tags, html, deck, note_id = (), False, "Deck", 0
    fields = (fields + ("",) * len(notetype.fields))[: max(len(notetype.fields), len(fields))]
    if notetype.is_cloze:
        numbers = sorted({n for value in fields for n in cloze_numbers(value)})
        ord_ = numbers[0] - 1 if numbers else 0
    kind = NoteKind.CLOZE if notetype.is_cloze else NoteKind.BASIC
    return Card(
        id=0,
        note_id=note_id,
        deck_id=0,
        front=fields[0] if fields else "",
        back=fields[1] if len(fields) > 1 else "",
        ord=ord_,
        kind=kind,
        html=html,
        fields=fields,
        notetype=notetype,
        tags=tags,
        deck_name=deck,
    )


class TemplatesPage(QWidget):
    def __init__(self, window: NotetypesWindow) -> None:
        super().__init__()
        self.window_ = window
        self.notetype: NoteType | None = None
        self.sample: SampleNote | None = None
        self._loading = False

        self.template_box = QComboBox()
        self.template_box.setObjectName("TemplateChoice")
        self.template_box.currentIndexChanged.connect(self._template_chosen)
        self.add_button = QPushButton("&Add")
        self.rename_button = QPushButton("Re&name…")
        self.remove_button = QPushButton("&Delete")
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.remove_button.clicked.connect(self.remove)
        top = QHBoxLayout()
        top.addWidget(QLabel("Card template:"))
        top.addWidget(self.template_box, 1)
        for button in (self.add_button, self.rename_button, self.remove_button):
            top.addWidget(button)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.question_edit = self._editor("QuestionFormat", mono)
        self.answer_edit = self._editor("AnswerFormat", mono)
        self.css_edit = self._editor("Styling", mono)
        self.editors = QTabWidget()
        self.editors.addTab(self.question_edit, "&Front template")
        self.editors.addTab(self.answer_edit, "&Back template")
        self.editors.addTab(self.css_edit, "&Styling")
        self.editors.currentChanged.connect(lambda index: self.show_answer(index == 1))
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.clicked.connect(self.revert)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        editing = QWidget()
        editing_layout = QVBoxLayout(editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.addWidget(self.editors, 1)
        editing_layout.addLayout(save_row)

        self.preview = CardView(window.app.media_dir)
        self.preview.setObjectName("TemplatePreview")
        self.preview.setMinimumWidth(220)
        self.side_box = QComboBox()
        self.side_box.addItems(["Front", "Back"])
        self.side_box.currentIndexChanged.connect(lambda _index: self.update_preview())
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        preview_top = QHBoxLayout()
        preview_top.addWidget(QLabel("Preview:"))
        preview_top.addWidget(self.side_box)
        preview_top.addWidget(self.preview_label, 1)
        previewing = QWidget()
        preview_layout = QVBoxLayout(previewing)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addLayout(preview_top)
        preview_layout.addWidget(self.preview, 1)

        splitter = QSplitter()
        splitter.addWidget(editing)
        splitter.addWidget(previewing)
        splitter.setSizes([380, 360])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)

    def _editor(self, name: str, font: QFont) -> QPlainTextEdit:
        editor = QPlainTextEdit()
        editor.setObjectName(name)
        editor.setFont(font)
        editor.setTabChangesFocus(True)
        editor.textChanged.connect(self._edited)
        return editor

    # -- what is shown -----------------------------------------------------------------------------

    @property
    def ord(self) -> int:
        return max(0, self.template_box.currentIndex())

    def set_notetype(self, notetype: NoteType | None) -> None:
        """Show the type's templates (the same one again when it is the type shown)."""
        same = self.notetype is not None and notetype is not None and notetype.id == self.notetype.id
        keep = self.ord if same else 0
        self.notetype = notetype
        self.sample = self.window_.manager.sample_note(notetype.id) if notetype is not None else None
        self._loading = True
        self.template_box.clear()
        if notetype is not None:
            self.template_box.addItems([t.name for t in notetype.templates])
            self.template_box.setCurrentIndex(min(keep, len(notetype.templates) - 1))
        self._loading = False
        self._load_editors()

    def _template_chosen(self, _index: int) -> None:
        if not self._loading:
            self._load_editors()

    def _load_editors(self) -> None:
        notetype = self.notetype
        self._loading = True
        template = notetype.templates[self.ord] if notetype is not None and notetype.templates else None
        self.question_edit.setPlainText(template.question if template is not None else "")
        self.answer_edit.setPlainText(template.answer if template is not None else "")
        self.css_edit.setPlainText(notetype.css if notetype is not None else "")
        self._loading = False
        cloze = notetype is not None and notetype.is_cloze
        for widget in (self.question_edit, self.answer_edit, self.css_edit, self.template_box):
            widget.setEnabled(notetype is not None)
        self.rename_button.setEnabled(template is not None)
        self.add_button.setEnabled(notetype is not None and not cloze)
        self.remove_button.setEnabled(notetype is not None and len(notetype.templates) > 1)
        if self.sample is not None:
            self.preview_label.setText(f"the first note of this type, in {self.sample.deck_name}")
        else:
            self.preview_label.setText("no notes of this type yet: the fields' names stand in")
        self._set_dirty()
        self.update_preview()

    def edited_notetype(self) -> NoteType | None:
        """The type as the editors have it now (not saved)."""
        notetype = self.notetype
        if notetype is None or not notetype.templates:
            return notetype
        templates = list(notetype.templates)
        templates[self.ord] = replace(
            templates[self.ord], question=self.question_edit.toPlainText(), answer=self.answer_edit.toPlainText()
        )
        return replace(notetype, templates=tuple(templates), css=self.css_edit.toPlainText())

    def is_dirty(self) -> bool:
        return self.notetype is not None and self.edited_notetype() != self.notetype

    def _set_dirty(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _edited(self) -> None:
        if self._loading:
            return
        self._set_dirty()
        self._timer.start()

    def show_answer(self, answer: bool) -> None:
        self.side_box.setCurrentIndex(1 if answer else 0)

    def update_preview(self) -> None:
        """Lay out the preview card from the editors' formats (the reviewer's card view, as it shows cards)."""
        self._timer.stop()
        notetype = self.edited_notetype()
        if notetype is None or not notetype.templates:
            self.preview.show_question("")
            return
        self.preview.show_card(preview_card(notetype, self.ord, self.sample), self.side_box.currentIndex() == 1)

    # -- changes -----------------------------------------------------------------------------------

    def save(self) -> None:
        notetype, edited = self.notetype, self.edited_notetype()
        if notetype is None or edited is None or edited == notetype:
            return
        ord_, window = self.ord, self.window_
        template = edited.templates[ord_] if edited.templates else None

        def store(_confirm: bool) -> object:
            if edited.css != notetype.css:
                window.manager.set_css(notetype.id, edited.css)
            if template is not None and template != notetype.templates[ord_]:
                return window.manager.edit_template(notetype.id, ord_, template.question, template.answer)
            return window.manager.get(notetype.id)

        def said(result: object) -> str:
            added = getattr(result, "cards_added", 0)
            return f'Saved "{template.name if template else notetype.name}"' + (
                f": {plural(added, 'new card')} for notes whose question now shows text" if added else ""
            )

        window.run(store, said)

    def save_if_changed(self) -> None:
        if self.is_dirty():
            self.save()

    def revert(self) -> None:
        self._load_editors()

    def add(self) -> None:
        notetype = self.notetype
        if notetype is None:
            return
        self.save_if_changed()
        window = self.window_

        def add(name: str) -> None:
            window.run(
                lambda _c: window.manager.add_template(notetype.id, name),
                lambda ch: f'Added the card template "{name.strip()}": {plural(ch.cards_added, "new card")}',
            )
            self.template_box.setCurrentIndex(self.template_box.count() - 1)

        taken = {t.name for t in notetype.templates}
        number = len(taken) + 1
        while f"Card {number}" in taken:
            number += 1
        window.ask_name("Add card template", "Name of the new card template:", f"Card {number}", add)

    def rename(self) -> None:
        notetype = self.notetype
        if notetype is None or not notetype.templates:
            return
        self.save_if_changed()
        ord_, window = self.ord, self.window_
        old = notetype.templates[ord_].name

        def rename(name: str) -> None:
            window.run(
                lambda _c: window.manager.rename_template(notetype.id, ord_, name),
                lambda ch: f'Renamed the card template "{old}" to "{ch.notetype.templates[ord_].name}"',
            )

        window.ask_name("Rename card template", f'New name of "{old}":', old, rename)

    def remove(self) -> None:
        notetype = self.notetype
        if notetype is None:
            return
        self.save_if_changed()
        ord_, window = self.ord, self.window_
        name = notetype.templates[ord_].name
        window.run(
            lambda confirm: window.manager.remove_template(notetype.id, ord_, confirm),
            lambda ch: f'Deleted the card template "{name}" and its {plural(ch.cards_removed, "card")}',
            title="Delete card template",
            yes="Delete template and cards",
        )
