"""What an import did: new, updated, unchanged and skipped notes, why each skipped one was left out, the note
types it added and what it imported but not exactly as written (warnings, with their counts)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QGridLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from studyapp.services.importing.importing import ImportSummary
from studyapp.ui.app.time_wording import plural

_FIGURES = (("new", "New"), ("updated", "Updated"), ("unchanged", "Unchanged"), ("skipped", "Skipped"))
_MAX_LISTED = 1000
_VISIBLE_SKIPS = 8


class ImportSummaryView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportSummary")
        self.title_label = QLabel()
        self.title_label.setObjectName("ImportResultTitle")
        self.title_label.setWordWrap(True)
        self.line_label = QLabel()
        self.line_label.setObjectName("ImportResultText")
        self.line_label.setWordWrap(True)
        self.notetypes_label = QLabel()  # the note types the import added
        self.notetypes_label.setObjectName("ImportResultText")
        self.notetypes_label.setWordWrap(True)
        self.notetypes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notetypes_label.hide()
        self.warnings_label = QLabel()  # imported but not as written (bytes replaced, columns left out...)
        self.warnings_label.setObjectName("InlineMessage")
        self.warnings_label.setProperty("kind", "info")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings_label.hide()
        self.summary_line = ""
        self.figures: dict[str, QLabel] = {}
        figures = QGridLayout()
        figures.setHorizontalSpacing(12)
        for column, (key, caption) in enumerate(_FIGURES):
            tile = QFrame()
            tile.setObjectName("FigureTile")
            tile_layout = QVBoxLayout(tile)
            tile_layout.setContentsMargins(16, 12, 16, 12)
            tile_layout.setSpacing(2)
            number = QLabel("0")
            number.setObjectName("FigureNumber")
            number.setProperty("figure", key)
            text = QLabel(caption)
            text.setObjectName("FigureCaption")
            for label in (number, text):
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                tile_layout.addWidget(label)
            self.figures[key] = number
            figures.addWidget(tile, 0, column)
        self.skipped_heading = QLabel("Not imported")
        self.skipped_heading.setObjectName("SectionHeading")
        self.skipped_list = QListWidget()
        self.skipped_list.setObjectName("SkippedList")
        self.skipped_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.skipped_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.line_label)
        layout.addWidget(self.notetypes_label)
        layout.addWidget(self.warnings_label)
        layout.addSpacing(4)
        layout.addLayout(figures)
        layout.addSpacing(4)
        layout.addWidget(self.skipped_heading)
        layout.addWidget(self.skipped_list)
        layout.addStretch(1)

    def show_summary(self, summary: ImportSummary) -> None:
        self.title_label.setText(f"Imported into “{summary.deck}”")
        self.summary_line = str(summary)
        self.line_label.setText(self._sentence(summary))
        self.warnings_label.setText("\n".join(f"Warning: {warning}" for warning in summary.warnings))
        self.warnings_label.setVisible(bool(summary.warnings))
        added = summary.details.get("note types added", "")
        self.notetypes_label.setText(f"Note types added: {added}" if added else "")
        self.notetypes_label.setVisible(bool(added))
        counts = {
            "new": summary.new,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "skipped": len(summary.skipped),
        }
        for key, number in self.figures.items():
            number.setText(str(counts[key]))
            number.setProperty("zero", counts[key] == 0)
            number.style().unpolish(number)
            number.style().polish(number)
        self.skipped_list.clear()
        for skip in summary.skipped[:_MAX_LISTED]:
            self.skipped_list.addItem(f"{skip.place} — {skip.reason}")
        if len(summary.skipped) > _MAX_LISTED:
            self.skipped_list.addItem(f"… and {len(summary.skipped) - _MAX_LISTED} more")
        has_skips = bool(summary.skipped)
        self.skipped_heading.setVisible(has_skips)
        self.skipped_list.setVisible(has_skips)
        rows = min(self.skipped_list.count(), _VISIBLE_SKIPS)
        row_height = self.skipped_list.sizeHintForRow(0) if rows else 0
        self.skipped_list.setFixedHeight(rows * row_height + 2 * self.skipped_list.frameWidth() + 12)

    @staticmethod
    def _sentence(summary: ImportSummary) -> str:
        imported = summary.new + summary.updated
        text = (
            f"{plural(imported, 'note')} added or updated" if summary.updated else f"{plural(imported, 'note')} added"
        )
        if summary.unchanged:
            text += f", {summary.unchanged} already up to date"
        if summary.media:
            text += f", {plural(summary.media, 'media file')} stored"
        text += "."
        if summary.details.get("decks"):  # a package whose cards are not all in the deck of the title
            text += f" Cards: {summary.details['decks']}."
        if summary.details.get("history"):
            text += f" History in the file: {summary.details['history']}."
        return text

    def skipped_reasons(self) -> list[str]:
        return [self.skipped_list.item(row).text() for row in range(self.skipped_list.count())]

    def text(self) -> str:
        """Everything the page says, as plain text."""
        lines = [self.title_label.text(), self.summary_line, self.line_label.text()]
        lines += [self.notetypes_label.text()] if self.notetypes_label.text() else []
        lines += [self.warnings_label.text()] if self.warnings_label.text() else []
        lines += [f"{caption} {self.figures[key].text()}" for key, caption in _FIGURES]
        return "\n".join(lines + self.skipped_reasons())
