"""The choices of the import dialog: how to read the file, which column is what, where the notes go.

Every choice starts as detected by the preview. A choice the user makes is kept ("forced") and sent
with the next preview; a change that alters how the file is read asks for a new preview (``reread``).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from studyapp.core.drafts import ColumnMap, DuplicatePolicy, ImportOptions
from studyapp.services.importing.import_preview import ImportPreview
from studyapp.ui.importing.import_choices import (
    AUTO,
    DELIMITERS,
    ENCODINGS,
    FORMATS,
    NO_COLUMN,
    NONE_LABEL,
    PACKAGE_FORMATS,
    POLICIES,
    ROLES,
    TEXT_FORMATS,
    codec_name,
    make_combo,
    select_data,
)


class ImportOptionsPanel(QWidget):
    reread = Signal()  # a choice changed how the file is read: preview it again
    changed = Signal()  # any choice changed

    def __init__(self, deck_names: list[str], parent: QWidget | None = None) -> None:
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
        self.column_combos = {role: make_combo((), f"{role.title()}Column") for role in ROLES}
        self.deck_combo = make_combo(tuple((name, name) for name in self.deck_names), "DeckCombo")
        self.deck_combo.setEditable(True)
        self.deck_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.deck_combo.setMinimumWidth(340)
        self.deck_combo.lineEdit().setPlaceholderText("Deck name")
        self.deck_combo.setCurrentIndex(-1)
        self.deck_state = QLabel()
        self.deck_state.setObjectName("DeckState")
        self.policy_combo = make_combo(POLICIES, "PolicyCombo")
        self.policy_combo.setMinimumWidth(340)
        self.history_check = QCheckBox("Import review history")
        self.history_check.setToolTip("Bring the package's past reviews along, so the cards keep their schedule")

        self.format_combo.activated.connect(self._format_chosen)
        self.delimiter_combo.activated.connect(self._delimiter_chosen)
        self.encoding_combo.activated.connect(self._encoding_chosen)
        self.header_check.clicked.connect(self._header_chosen)
        for combo in self.column_combos.values():
            combo.activated.connect(self._columns_chosen)
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
        grid.addWidget(self.header_check, 1, 1)
        column_parts: list[QWidget] = []
        for role, combo in self.column_combos.items():
            label = QLabel(role.title())
            label.setBuddy(combo)
            column_parts += [label, combo]
        self.columns_label = self._row(grid, 2, "Columns", *column_parts)
        self.columns_row = grid.itemAtPosition(2, 1).widget()
        self._row(grid, 3, "Import into", self.deck_combo, self.deck_state, stretch_last=True)
        self._row(grid, 4, "Existing notes", self.policy_combo, self.history_check, stretch_last=True)
        grid.setColumnStretch(1, 1)

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
        select_data(self.format_combo, preview.format)
        select_data(
            self.delimiter_combo,
            (preview.delimiter if preview.format == "csv" else None) or self.forced.get("delimiter", AUTO),
        )
        self._fill_encodings(preview.encoding)
        self.header_check.setChecked(bool(preview.has_header))
        for widget in (self.format_combo, self.delimiter_combo, self.encoding_combo, self.header_check):
            widget.blockSignals(False)
        self._fill_columns(preview)
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

    def _fill_columns(self, preview: ImportPreview) -> None:
        columns = preview.columns or ColumnMap()
        for role, combo in self.column_combos.items():
            combo.blockSignals(True)
            combo.clear()
            if role in ("tags", "deck"):
                combo.addItem(NONE_LABEL, NO_COLUMN)
            for index, name in enumerate(preview.column_names):
                combo.addItem(name, index)
            index = getattr(columns, role)
            select_data(combo, NO_COLUMN if index is None else index)
            combo.blockSignals(False)
        self.columns_row.setVisible(preview.mappable)
        self.columns_label.setVisible(preview.mappable)

    def show_no_preview(self) -> None:
        """The file could not be read with these choices: keep only what may help to read it."""
        self.preview = None
        self.columns_row.setVisible(False)
        self.columns_label.setVisible(False)
        self._enable_for(str(self.forced.get("format", AUTO)))

    def _enable_for(self, kind: str) -> None:
        self.header_check.setEnabled(kind == "csv")
        self.header_check.setVisible(kind == "csv")
        self.history_check.setVisible(kind in PACKAGE_FORMATS)
        self.delimiter_combo.setEnabled(kind in ("csv", "quizlet", AUTO))
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
        self._force(format=kind, delimiter=None, has_header=None, columns=None)

    def _delimiter_chosen(self, _index: int) -> None:
        self._force(delimiter=self.delimiter_combo.currentData(), columns=None)

    def _encoding_chosen(self, _index: int) -> None:
        self._force(encoding=self.encoding_combo.currentData())

    def _header_chosen(self, checked: bool) -> None:
        self._force(has_header=checked, columns=None)

    def _columns_chosen(self, _index: int) -> None:
        base = (self.preview.columns if self.preview is not None else None) or ColumnMap()
        chosen = {role: combo.currentData() for role, combo in self.column_combos.items()}
        chosen = {role: None if index == NO_COLUMN else index for role, index in chosen.items()}
        self.forced["columns"] = replace(base, **chosen)
        self.changed.emit()

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
        return ImportOptions(**self.forced)  # type: ignore[arg-type]

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

    def columns(self) -> ColumnMap | None:
        chosen = self.forced.get("columns")
        return chosen if isinstance(chosen, ColumnMap) else (self.preview.columns if self.preview else None)

    def problem(self) -> str | None:
        """Why the import cannot start with these choices, or ``None``."""
        if not self.deck_name():
            return "Name the deck to import into."
        columns = self.columns()
        if self.preview is not None and self.preview.mappable and columns is not None and columns.front == columns.back:
            return "The front and the back are the same column."
        return None

    def set_busy(self, busy: bool) -> None:
        """While importing, nothing can be changed."""
        self.setEnabled(not busy)
