"""The note type a delimited file goes into, and what each of its columns becomes (``ColumnMapping``).

Until the user chooses, both are what the preview detected: a new type made from the columns for a file of
more than two columns, Basic for two, the file's own ``#notetype:`` or note type column. Once the user chooses
a note type or a column's place, the mapping is theirs and goes with every later preview and the import.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from studyapp.core.drafts import ColumnMap
from studyapp.services.importing.import_preview import ImportPreview
from studyapp.ui.app.time_wording import plural
from studyapp.ui.importing.column_mapping import (
    ROWS_TYPE,
    ColumnMapping,
    Target,
    mapping_from_file,
    new_type,
)

_FILE_PREFIX = "file:"
_SHOWN_CHARS = 48  # the fields beside the note type: the rest in the tooltip


class NotetypeChooser(QWidget):
    changed = Signal()  # the note type or a column's place changed (no new preview needed)
    reread = Signal()  # back to what the file says: preview again

    def __init__(self, targets: list[Target], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.targets = list(targets)  # the collection's note types (and stock types it has not got yet)
        self.mapping: ColumnMapping | None = None
        self.user_mapped = False
        # Arrow keys on a combo pass through its items one by one: each choice of the same column starts again
        # from the mapping before that column was first changed, so passing "Front" on the way takes nothing.
        self._base: tuple[int, ColumnMapping] | None = None
        self._preview: ImportPreview | None = None
        self._offered: dict[str, Target] = {}
        self.combo = QComboBox()
        self.combo.setObjectName("NotetypeCombo")
        self.combo.setMinimumWidth(280)
        self.combo.setToolTip("The note type the rows become notes of; the combos under the columns say which field")
        self.combo.activated.connect(self._target_chosen)
        self.state = QLabel()
        self.state.setObjectName("DeckState")
        self.state.setWordWrap(False)
        self.state.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(16)
        line.addWidget(self.combo)
        line.addWidget(self.state)
        line.addStretch(1)

    # -- from the preview --------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the user's mapping (the columns changed: another delimiter, header row or format)."""
        self.user_mapped = False
        self.mapping = None
        self._base = None

    def show_preview(self, preview: ImportPreview) -> None:
        self._preview = preview
        self._base = None
        width = len(preview.column_names)
        if not preview.mappable:
            self.mapping = None
        elif not self.user_mapped or self.mapping is None or len(self.mapping.choices) != width:
            self.user_mapped = False
            self.mapping = mapping_from_file(
                width,
                preview.columns or ColumnMap(),
                preview.column_fields,
                self._file_target(preview),
                preview.notetype_column,
            )
        self._fill()

    def _file_target(self, preview: ImportPreview) -> Target:
        """The note type the preview plans for every row."""
        if preview.notetype_column is not None and preview.notetype is None:
            return Target(ROWS_TYPE, None, preview.field_names)
        if preview.notetype is not None and preview.columns is not None and preview.columns.fields:
            if preview.notetype_from_columns:
                return new_type(len(preview.column_names))
            for target in self.targets:
                if target.name == preview.notetype and target.fields == preview.field_names:
                    return target
            return Target(_FILE_PREFIX + preview.notetype, preview.notetype, preview.field_names)
        basic = next((target for target in self.targets if target.name == "Basic"), None)
        return basic or Target("stock:basic", "Basic", ("Front", "Back"))

    def _fill(self) -> None:
        combo = self.combo
        combo.clear()
        self._offered = {}
        preview = self._preview
        if self.mapping is None or preview is None:
            return
        current = self.mapping.target
        offered: list[tuple[Target, str]] = []
        if preview.notetype_column is not None:
            offered.append((Target(ROWS_TYPE, None, current.fields), "Each row’s own (the note type column)"))
        if current.key.startswith(_FILE_PREFIX):
            offered.append((current, f"{current.name} (new, as the file names it)"))
        offered.append((new_type(len(preview.column_names)), "New type from the columns"))
        offered += [(target, target.name or "") for target in self.targets]
        for target, label in offered:
            self._offered[target.key] = current if target.key == current.key else target
            combo.addItem(label, target.key)
        if combo.count() > 2:
            combo.insertSeparator(combo.count() - len(self.targets))
        combo.setCurrentIndex(max(0, combo.findData(current.key)))
        self._show_state()

    def _show_state(self) -> None:
        mapping = self.mapping
        if mapping is None:
            self.state.setText("")
            return
        if mapping.target.per_row:
            text = "each row names its note type; the other columns fill its fields in order"
        elif mapping.target.from_columns:
            names = mapping.new_field_names()
            text = f"new · {plural(len(names), 'field')}: " + ", ".join(names) if names else "new"
        else:
            text = plural(len(mapping.target.fields), "field") + ": " + ", ".join(mapping.target.fields)
        self.state.setText(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1].rstrip() + "…")
        self.state.setToolTip(text)
        self.state.setProperty("new", mapping.target.from_columns or mapping.target.key.startswith(_FILE_PREFIX))
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)

    # -- the user's choices ------------------------------------------------------------------------

    def _target_chosen(self, _index: int) -> None:
        target = self._offered.get(str(self.combo.currentData()))
        if target is None or self.mapping is None or target.key == self.mapping.target.key:
            return
        if target.per_row:  # back to the file's own note types: read it as the file says
            self.reset()
            self.reread.emit()
            self.changed.emit()
            return
        self.mapping = self.mapping.retarget(target)
        self.user_mapped, self._base = True, None
        self._show_state()
        self.changed.emit()

    def choose_column(self, column: int, choice: str) -> None:
        if self.mapping is None:
            return
        if self._base is None or self._base[0] != column:
            self._base = (column, self.mapping)
        chosen = self._base[1].choose(column, choice)
        if chosen is not self.mapping:
            self.mapping, self.user_mapped = chosen, True
            self._show_state()
        self.changed.emit()

    # -- what the import is told -------------------------------------------------------------------

    def forced(self) -> dict[str, object]:
        """The options the user's mapping sets (none until they map something)."""
        if not self.user_mapped or self.mapping is None:
            return {}
        return {"columns": self.mapping.column_map(), "notetype": self.mapping.target.name}

    def problem(self) -> str | None:
        return self.mapping.problem() if self.mapping is not None else None
