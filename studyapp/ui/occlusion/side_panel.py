"""The column beside the occlusion canvas: mode, header, back extra, deck, tags, and what happened."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from studyapp.core.occlusion import Shape
from studyapp.services.app import App
from studyapp.services.occlusion.editing import OcclusionDraft
from studyapp.ui.editing.rich_field import RichField, plain_to_fragment

HIDE_ALL, HIDE_ONE = "Hide all, guess one", "Hide one, guess one"
MODE_TIPS = {
    HIDE_ALL: "Every mask is drawn on every card; the card's own masks are the ones to name",
    HIDE_ONE: "Only the card's own masks are drawn; the rest of the picture shows",
}
PANEL_WIDTH = 270


def _html(field: RichField) -> str:
    text, is_html = field.text()
    return text if is_html else plain_to_fragment(text)


class SidePanel(QWidget):
    changed = Signal()

    def __init__(self, app: App, deck_id: int | None, editing: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OcclusionPanel")
        self.setFixedWidth(PANEL_WIDTH)
        self.mode = QComboBox()
        self.mode.setObjectName("OcclusionMode")
        for text in (HIDE_ALL, HIDE_ONE):
            self.mode.addItem(text)
            self.mode.setItemData(self.mode.count() - 1, MODE_TIPS[text], Qt.ItemDataRole.ToolTipRole)
        self.mode.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.header = RichField()
        self.header.setObjectName("OcclusionHeader")
        self.back_extra = RichField()
        self.back_extra.setObjectName("OcclusionBackExtra")
        for field, tip in ((self.header, "Shown above the picture on both sides"),
                           (self.back_extra, "Shown below the picture on the answer")):  # fmt: skip
            field.setToolTip(tip)
            field.setFixedHeight(64)
            field.textChanged.connect(self.changed)
        self.deck = QComboBox()
        self.deck.setObjectName("DeckChoice")
        for deck in app.decks():
            self.deck.addItem(deck.name, deck.id)
        if deck_id is not None and self.deck.findData(deck_id) >= 0:
            self.deck.setCurrentIndex(self.deck.findData(deck_id))
        self.deck.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.deck.setMinimumContentsLength(10)
        self.tags = QLineEdit()
        self.tags.setObjectName("OcclusionTags")
        self.tags.setPlaceholderText("separated by spaces")
        self.tags.textEdited.connect(lambda _text: self.changed.emit())
        self.cards = QLabel()
        self.cards.setObjectName("OcclusionCards")
        self.status = QLabel()
        self.status.setObjectName("OcclusionStatus")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(4)
        form.addRow("&Mode", self.mode)
        form.addRow("&Header", self.header)
        form.addRow("&Back Extra", self.back_extra)
        if not editing:
            form.addRow("&Deck", self.deck)
        else:
            self.deck.hide()
        form.addRow("&Tags", self.tags)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.cards)
        layout.addWidget(self.status, 1)
        layout.addLayout(self.buttons)

    # -- what the note gets ------------------------------------------------------------------------

    def hide_all(self) -> bool:
        return self.mode.currentText() == HIDE_ALL

    def deck_id(self) -> int | None:
        data = self.deck.currentData()
        return int(data) if data is not None else None

    def deck_name(self) -> str:
        return self.deck.currentText()

    def draft(self, shapes: tuple[Shape, ...]) -> OcclusionDraft:
        return OcclusionDraft(shapes, self.hide_all(), _html(self.header), _html(self.back_extra),
                              tuple(self.tags.text().split()))  # fmt: skip

    def set_draft(self, draft: OcclusionDraft) -> None:
        self.mode.setCurrentText(HIDE_ALL if draft.hide_all else HIDE_ONE)
        self.header.set_text(draft.header, True)
        self.back_extra.set_text(draft.back_extra, True)
        self.tags.setText(" ".join(draft.tags))

    def clear_texts(self) -> None:
        """After an Add: the next note starts with empty texts (mode, deck and tags stay)."""
        self.header.set_text("", False)
        self.back_extra.set_text("", False)

    # -- what happened -----------------------------------------------------------------------------

    def set_card_count(self, cards: int | None) -> None:
        self.cards.setText("" if cards is None else f"{cards} card{'s' if cards != 1 else ''}")

    def show_status(self, text: str, error: bool = False, saved: bool = False) -> None:
        self.status.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")
        self.status.setText(text)
        self.status.setProperty("saved", saved)

    def status_saved(self) -> bool:
        return bool(self.status.property("saved"))
