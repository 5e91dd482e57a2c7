"""The choices of the import dialog: how to read the file, which note type, where the notes go.

Every choice starts as detected by the preview. A choice the user makes is kept ("forced") and sent
with the next preview; a change that alters how the file is read asks for a new preview (``reread``).
What each column becomes is chosen under the column names in the preview table; the ``NotetypeChooser``
keeps it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from studyapp.core.deck_names import DeckNameError, clean_name
from studyapp.core.drafts import DuplicatePolicy, ImportOptions
from studyapp.services.importing.import_preview import ImportPreview
from studyapp.ui.importing.column_mapping import Target
from studyapp.ui.importing.import_choices import (
    AUTO,
    CARD_SEPARATORS,
    DELIMITERS,
    ENCODINGS,
    FORMATS,
    HTML_CHOICES,
    HTML_FROM,
    PACKAGE_FORMATS,
    POLICIES,
    TERM_SEPARATORS,
    TEXT_FORMATS,
    codec_name,
    make_combo,
    select_data,
)
from studyapp.ui.importing.notetype_chooser import NotetypeChooser


class ImportOptionsPanel(QWidget):
    reread = Signal()  # a choice changed how the file is read: preview it again
    changed = Signal()  # any choice changed

    def __init__(
        self, deck_names: list[str], targets: list[Target] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ImportOptions")
        self.deck_names = list(deck_names)
        self.forced: dict[str, object] = {}
        self.preview: ImportPreview | None = None
        self._detected_deck = ""
        self._deck_chosen = False  # the user typed or picked a deck: previews no longer rename it

        self.format_combo = make_combo(((AUTO, "Auto-detect"), *FORMATS), "FormatCombo")
        self.delimiter_combo = make_combo(((AUTO, "Auto"), *DELIMITERS), "DelimiterCombo")
        self.encoding_combo = make_combo(((AUTO, "Auto"), *((name, name) for name in ENCODINGS)), "EncodingCombo")
        self.header_check = QCheckBox("First row holds column names")
        self.html_combo = make_combo(HTML_CHOICES, "HtmlCombo")
        self.html_combo.setToolTip("HTML: tags such as <b> and <br> format the text (cleaned of anything unsafe)")
        self.html_state = QLabel()
        self.html_state.setObjectName("DeckState")
        self.term_combo = self._separator_combo(TERM_SEPARATORS, "TermSeparator")
        self.card_combo = self._separator_combo(CARD_SEPARATORS, "CardSeparator")
        self.separator_state = QLabel()
        self.separator_state.setObjectName("DeckState")
        self.notetype = NotetypeChooser(list(targets or ()))
        self.deck_combo = make_combo(tuple((name, name) for name in self.deck_names), "DeckCombo")
        self.deck_combo.setEditable(True)
        self.deck_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.deck_combo.setMinimumWidth(280)
        self.deck_combo.lineEdit().setPlaceholderText("Deck name")
        self.deck_combo.setCurrentIndex(-1)
        self.deck_state = QLabel()
        self.deck_state.setObjectName("DeckState")
        self.policy_combo = make_combo(POLICIES, "PolicyCombo")
        self.policy_combo.setMinimumWidth(280)
        self.history_check = QCheckBox("Import review history")
        self.history_check.setToolTip("Bring the package's past reviews along, so the cards keep their schedule")

        self.format_combo.activated.connect(self._format_chosen)
        self.delimiter_combo.activated.connect(self._delimiter_chosen)
        self.encoding_combo.activated.connect(self._encoding_chosen)
        self.header_check.clicked.connect(self._header_chosen)
        self.html_combo.activated.connect(self._html_chosen)
        for combo in (self.term_combo, self.card_combo):
            combo.activated.connect(lambda _index: self._separators_chosen())
            combo.lineEdit().editingFinished.connect(self._separators_chosen)
        self.notetype.changed.connect(self.changed.emit)
        self.notetype.reread.connect(self._mapping_reset)
        self.deck_combo.editTextChanged.connect(self._deck_edited)
        self.deck_combo.lineEdit().textEdited.connect(self._deck_touched)
        self.deck_combo.activated.connect(self._deck_touched)
        self.policy_combo.activated.connect(lambda _index: self.changed.emit())
        self.history_check.clicked.connect(lambda _checked: self.changed.emit())
        self._build()
        self.show_no_preview()

    def _build(self) -> None:
        """A form: labels in the first column, each row's choices beside them."""
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        delimiter_label, encoding_label = QLabel("Delimiter"), QLabel("Encoding")
        self.delimiter_label = delimiter_label
        delimiter_label.setBuddy(self.delimiter_combo)
        encoding_label.setBuddy(self.encoding_combo)
        self._row(
            grid,
            0,
            "Format",
            self.format_combo,
            delimiter_label,
            self.delimiter_combo,
            encoding_label,
            self.encoding_combo,
        )
        html_label = QLabel("Fields are")
        html_label.setBuddy(self.html_combo)
        self.header_label = self._row(
            grid, 1, "", self.header_check, html_label, self.html_combo, self.html_state, stretch_last=True
        )
        self.header_row = grid.itemAtPosition(1, 1).widget()
        card_label = QLabel("between cards")
        card_label.setBuddy(self.card_combo)
        self.separators_label = self._row(
            grid,
            2,
            "Term | definition",
            self.term_combo,
            card_label,
            self.card_combo,
            self.separator_state,
            stretch_last=True,
        )
        self.separators_row = grid.itemAtPosition(2, 1).widget()
        self.notetype_label = self._row(grid, 3, "Note type", self.notetype)
        self.notetype_row = grid.itemAtPosition(3, 1).widget()
        self._row(grid, 4, "Import into", self.deck_combo, self.deck_state, stretch_last=True)
        self._row(grid, 5, "Existing notes", self.policy_combo, self.history_check, stretch_last=True)
        grid.setColumnStretch(1, 1)

    @staticmethod
    def _separator_combo(names: tuple[str, ...], name: str) -> QComboBox:
        combo = make_combo(tuple((value, value) for value in names), name)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setMinimumWidth(130)
        combo.setToolTip("Quizlet's separator: tab, comma, newline, semicolon, or the text itself (e.g. /////)")
        return combo

    @staticmethod
    def _row(grid: QGridLayout, row: int, text: str, *widgets: QWidget, stretch_last: bool = False) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widgets[0])
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        for widget in widgets:
            is_combo = isinstance(widget, QComboBox)
            if isinstance(widget, QLabel) and line.count():
                line.addSpacing(8)
            line.addWidget(widget, 1 if is_combo and not stretch_last else 0)
        if stretch_last:
            line.addStretch(1)
        grid.addWidget(label, row, 0)
        grid.addWidget(holder, row, 1)
        return label

    # -- from the preview --------------------------------------------------------------------------

    def show_preview(self, preview: ImportPreview) -> None:
        """Show what the preview detected, keeping the user's own choices."""
        self.preview = preview
        for widget in (self.format_combo, self.delimiter_combo, self.encoding_combo, self.header_check):
            widget.blockSignals(True)
        for widget in (self.html_combo, self.term_combo, self.card_combo):
            widget.blockSignals(True)
        select_data(self.format_combo, preview.format)
        select_data(
            self.delimiter_combo,
            (preview.delimiter if preview.format == "csv" else None) or self.forced.get("delimiter", AUTO),
        )
        self._fill_encodings(preview.encoding)
        self.header_check.setChecked(bool(preview.has_header))
        select_data(self.html_combo, "html" if preview.html else "plain")
        self._show_state(self.html_state, HTML_FROM.get(preview.html_from or "detected", ""), preview.html_from)
        if preview.separators is not None:
            self.term_combo.setEditText(preview.separators[0])
            self.card_combo.setEditText(preview.separators[1])
            chosen = "delimiter" in self.forced or "card_separator" in self.forced
            self._show_state(self.separator_state, "your choice" if chosen else "detected", "chosen" if chosen else "")
        for widget in (self.format_combo, self.delimiter_combo, self.encoding_combo, self.header_check):
            widget.blockSignals(False)
        for widget in (self.html_combo, self.term_combo, self.card_combo):
            widget.blockSignals(False)
        self.notetype.show_preview(preview)
        if not self._deck_chosen:
            self.deck_combo.setEditText(preview.deck_name)
        self._detected_deck = preview.deck_name
        self._enable_for(preview.format)

    def _fill_encodings(self, detected: str | None) -> None:
        combo = self.encoding_combo
        combo.clear()
        combo.addItem("Auto", AUTO)
        if detected is None and self.preview is not None and self.preview.format in PACKAGE_FORMATS:
            combo.setItemText(0, "—")  # a package is not text
            return
        names = list(ENCODINGS)
        if detected and codec_name(detected) not in {codec_name(name) for name in names}:
            names.insert(0, detected)
        forced = self.forced.get("encoding")
        for name in names:
            is_detected = detected is not None and forced is None and codec_name(name) == codec_name(detected)
            combo.addItem(f"{name} (detected)" if is_detected else name, name)
            if detected is not None and codec_name(name) == codec_name(str(forced or detected)):
                combo.setCurrentIndex(combo.count() - 1)

    @staticmethod
    def _show_state(label: QLabel, text: str, why: str | None) -> None:
        label.setText(text)
        label.setProperty("new", why == "chosen")
        label.style().unpolish(label)
        label.style().polish(label)

    def show_no_preview(self) -> None:
        """The file could not be read with these choices: keep only what may help to read it."""
        self.preview = None
        self._enable_for(str(self.forced.get("format", AUTO)))

    def _enable_for(self, kind: str) -> None:
        mappable = self.preview is not None and self.preview.mappable
        for widget in (self.header_row, self.header_label):
            widget.setVisible(kind == "csv")
        for widget in (self.notetype_row, self.notetype_label):
            widget.setVisible(kind == "csv" and mappable)
        for widget in (self.separators_row, self.separators_label):  # shown when reading fails too: to fix it
            widget.setVisible(kind == "quizlet")
        self.history_check.setVisible(kind in PACKAGE_FORMATS)
        self.delimiter_combo.setEnabled(kind in ("csv", AUTO))
        self.delimiter_combo.setVisible(kind != "quizlet")
        self.delimiter_label.setVisible(kind != "quizlet")
        self.encoding_combo.setEnabled(kind in (*TEXT_FORMATS, AUTO))
        self._deck_edited(self.deck_combo.currentText())

    # -- the user's choices ------------------------------------------------------------------------

    def _force(self, **values: object) -> None:
        for key, value in values.items():
            if value is None or value == AUTO:
                self.forced.pop(key, None)
            else:
                self.forced[key] = value
        self.reread.emit()
        self.changed.emit()

    def _format_chosen(self, _index: int) -> None:
        kind = self.format_combo.currentData()
        self._enable_for(kind)
        self.notetype.reset()
        self._force(format=kind, delimiter=None, card_separator=None, has_header=None, html=None)

    def _delimiter_chosen(self, _index: int) -> None:
        self.notetype.reset()
        self._force(delimiter=self.delimiter_combo.currentData())

    def _encoding_chosen(self, _index: int) -> None:
        self._force(encoding=self.encoding_combo.currentData())

    def _header_chosen(self, checked: bool) -> None:
        self.notetype.reset()
        self._force(has_header=checked)

    def _html_chosen(self, _index: int) -> None:
        self._force(html=self.html_combo.currentData() == "html")

    def _separators_chosen(self) -> None:
        """A Quizlet separator typed or picked: read the file with both (as Quizlet's, whatever it looks like)."""
        term, card = self.term_combo.currentText(), self.card_combo.currentText()
        shown = self.preview.separators if self.preview is not None else None
        if not term or not card or (term, card) == shown:
            return
        if shown is None and (self.forced.get("delimiter"), self.forced.get("card_separator")) == (term, card):
            return  # already tried
        self._force(format="quizlet", delimiter=term, card_separator=card)

    def _mapping_reset(self) -> None:
        self.reread.emit()

    def choose_column(self, column: int, choice: str) -> None:
        """A column's combo under its name in the preview: what the column becomes."""
        self.notetype.choose_column(column, choice)

    def _deck_touched(self, *_args: object) -> None:
        self._deck_chosen = True

    def _deck_edited(self, text: str) -> None:
        name = text.strip()
        if not name:
            self.deck_state.setText("")
        elif name in self.deck_names:
            self.deck_state.setText("existing deck")
        else:
            self.deck_state.setText("new deck")
        self.deck_state.setVisible(bool(name))
        self.deck_state.setProperty("new", name not in self.deck_names)
        self.deck_state.style().unpolish(self.deck_state)
        self.deck_state.style().polish(self.deck_state)
        self.changed.emit()

    # -- the resulting options ---------------------------------------------------------------------

    def read_options(self) -> ImportOptions:
        """How to read the file: the user's choices, the rest left to detection."""
        return ImportOptions(**{**self.forced, **self.notetype.forced()})  # type: ignore[arg-type]

    def deck_name(self) -> str:
        return self.deck_combo.currentText().strip()

    def import_options(self) -> ImportOptions:
        options = self.read_options()
        name = self.deck_name()
        kind = self.preview.format if self.preview is not None else None
        return replace(
            options,
            format=options.format or kind,
            deck_name=name if name and name != self._detected_deck else None,
            include_history=kind in PACKAGE_FORMATS and self.history_check.isChecked(),
        )

    def policy(self) -> DuplicatePolicy:
        return DuplicatePolicy(self.policy_combo.currentData())

    def problem(self) -> str | None:
        """Why the import cannot start with these choices, or ``None``."""
        if not self.deck_name():
            return "Name the deck to import into."
        try:  # a bad name says why at once; the name stays in the box to be corrected
            clean_name(self.deck_name())
        except DeckNameError as error:
            return str(error)
        if self.preview is not None and self.preview.mappable:
            return self.notetype.problem()
        return None

    def set_busy(self, busy: bool) -> None:
        """While importing, nothing can be changed."""
        self.setEnabled(not busy)
