"""The card: question, and after reveal a divider and the answer, centred in a comfortable column.

The reviewer shows a card's ``CardFaces`` (safe HTML from ``studyapp.core.render``); plain text given to
``show_question``/``show_answer`` is escaped first, so markup in a card is shown, never run. Links are
not followed inside the view; a click on an http(s) link hands the address to ``link_opener`` (the
system browser by default; tests replace it).

Images load from the collection's media folder only: ``loadResource`` accepts a plain file name that
resolves inside that folder and refuses everything else (http, file:, data:, paths that climb out),
and the document asks the view alone, so nothing is ever fetched from elsewhere. Images wider than
the text column are scaled down to fit it.

A card is laid out within a budget (``studyapp.core.face_budget``), so that any card is shown in well
under 100 ms whatever it holds: a card cut to it has a bar below the text saying so, with "Show all",
which lays out more of it (bounded as well; past that the bar says how much is not shown).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QImage, QImageReader, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QWidget

from studyapp.core.face_budget import FIRST_VIEW, SHOW_ALL, Budget
from studyapp.core.model import Card
from studyapp.core.render import CardFaces, answer_for, card_faces, text_to_html
from studyapp.services.media.media import is_safe_name
from studyapp.ui.app.style import theme_for
from studyapp.ui.review.card_images import fit_images

MAX_READING_WIDTH = 720
TEXT_PIXEL_SIZE = 20
SIDE_PADDING = 32
VERTICAL_PADDING = 28
SHORT_ANSWER = 140  # characters: a short one-paragraph answer is centred like the question
OPENABLE_SCHEMES = ("http", "https")
IMAGE_RESOURCE = QTextDocument.ResourceType.ImageResource.value
_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"<(p|li|tr|div|h\d|pre|blockquote)\b", re.IGNORECASE)
_BLOCK_START = re.compile(r"\s*<(p|div|ul|ol|dl|table|h\d|pre|blockquote|hr)\b", re.IGNORECASE)


class MediaOnlyDocument(QTextDocument):
    """A document that loads resources through ``loader`` only.

    QTextDocument's own ``loadResource`` falls back to ``data:`` URLs and local files when the view
    returns nothing, and Qt's image handler then tries the image's name as a file path (relative to
    the working folder). So a refused image is answered with a blank pixel: nothing else is read.
    """

    def __init__(self, loader: Callable[[int, QUrl], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        self._blank.fill(Qt.GlobalColor.transparent)

    def loadResource(self, type_: int, name: QUrl) -> object:
        loaded = self._loader(type_, name)
        return self._blank if loaded is None and int(type_) == IMAGE_RESOURCE else loaded


def as_blocks(face_html: str) -> str:
    """Face HTML with its inline content in a paragraph, so that every face has the same spacing."""
    return face_html if _BLOCK_START.match(face_html) else f"<p>{face_html}</p>"


def is_short(answer_html: str) -> bool:
    """A short, one-paragraph answer (centred like the question)."""
    text = html.unescape(_TAG.sub("", answer_html))
    return len(text.strip()) <= SHORT_ANSWER and len(_BLOCK.findall(answer_html)) <= 1


class CutBar(QFrame):
    """Below a card cut to its budget: what is not shown, and "Show all" while more can be laid out."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("CardCutBar")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setObjectName("ShowAllButton")
        self.show_all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the reviewer
        self.show_all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SIDE_PADDING, 8, SIDE_PADDING, 8)  # ``place`` lines it up with the text
        layout.setSpacing(16)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_all_button)

    def place(self, left: int, bottom: int, width: int, side: int) -> int:
        """Put the bar across ``width`` above ``bottom``, its content in the text's column; its height."""
        layout = self.layout()
        layout.setContentsMargins(side, 8, side, 8)
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1  # the label wraps
        if height <= 0:
            height = layout.totalSizeHint().height()
        self.setGeometry(left, bottom - height, width, height)
        return height

    def set_state(self, expandable: bool, card: Card | None) -> None:
        theme = theme_for(self.palette())
        self.setStyleSheet(
            f"QFrame#CardCutBar {{ background: {theme.surface_alt}; border-top: 1px solid {theme.border}; }}"
            f"QFrame#CardCutBar QLabel {{ color: {theme.muted}; font-size: 13px; }}"
        )
        size = f" ({len(card.front) + len(card.back):,} characters)" if card is not None else ""
        if expandable:
            self.label.setText(f"This card is long{size}: only its first part is shown.")
        else:
            self.label.setText(f"This card is very long{size}: its first part is shown. The note keeps all of it.")
        self.show_all_button.setVisible(expandable)


class CardView(QTextBrowser):
    def __init__(self, media_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardView")
        self.media_dir = media_dir
        self.setDocument(MediaOnlyDocument(self.loadResource, self))
        self.document().setUndoRedoEnabled(False)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAcceptDrops(False)  # files dropped on the window go to the import dialog
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the reviewer, not the text
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        font = QFont(self.font())
        font.setPixelSize(TEXT_PIXEL_SIZE)
        self.setFont(font)
        self.link_opener: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.anchorClicked.connect(self.open_link)
        self._question = ""
        self._answer: str | None = None
        self._centring = False
        self._applied_stylesheet = ""
        self._card: Card | None = None  # the card shown with ``show_card``, for "Show all"
        self._revealed = False
        self._showing_all = False
        self._faces_of: tuple[Card, Budget, CardFaces, bool] | None = None  # bool: with the answer
        self.cut_bar = CutBar(self)
        self.cut_bar.show_all_button.clicked.connect(self.show_all)
        self.cut_bar.hide()

    # -- content -----------------------------------------------------------------------------------

    def show_card(self, card: Card, revealed: bool) -> None:
        """A card as the reviewer shows it, within the first view's budget ("Show all" lays out more)."""
        # The reveal (or an edit) keeps "Show all"; the next card, or the same card asked again, does not.
        same = self._card is not None and self._card.id == card.id and (revealed or not self._revealed)
        self._card, self._revealed = card, revealed
        self._showing_all = self._showing_all and same
        self._show(self._faces(card, SHOW_ALL if self._showing_all else FIRST_VIEW, revealed), revealed)

    def _faces(self, card: Card, budget: Budget, revealed: bool) -> CardFaces:
        """The faces of ``card``: the question's alone until the reveal, which adds the answer to them
        (cards are immutable, so what was built for the question is used again)."""
        cached = self._faces_of
        if cached is None or cached[0] is not card or cached[1] is not budget:
            cached = (card, budget, card_faces(card, budget, with_answer=revealed), revealed)
        elif revealed and not cached[3]:
            cached = (card, budget, answer_for(cached[2], card, budget), True)
        self._faces_of = cached
        return cached[2]

    def show_all(self) -> None:
        """More of a card cut to the first view's budget: up to ``SHOW_ALL``."""
        if self._card is None or self._showing_all:
            return
        self._showing_all = True
        self._show(self._faces(self._card, SHOW_ALL, self._revealed), self._revealed)

    def show_faces(self, faces: CardFaces, revealed: bool) -> None:
        """Faces as given: the question, or after the reveal the question and the answer."""
        self._card, self._showing_all = None, False
        self._show(faces, revealed)

    def _show(self, faces: CardFaces, revealed: bool) -> None:
        if revealed:
            self._question, self._answer = faces.revealed_question, faces.answer
        else:
            self._question, self._answer = faces.question, None
        self._set_cut(faces.cut)
        self._render()

    def show_question(self, front: str) -> None:
        """Plain text as a question (escaped)."""
        self._card, self._showing_all = None, False
        self._question, self._answer = text_to_html(front), None
        self._set_cut(False)
        self._render()

    def show_answer(self, front: str, back: str) -> None:
        """Plain text as a question and its answer (escaped)."""
        self._card, self._showing_all = None, False
        self._question, self._answer = text_to_html(front), text_to_html(back)
        self._set_cut(False)
        self._render()

    def _set_cut(self, cut: bool) -> None:
        """The bar below a card that is not all shown; "Show all" while there is more to lay out."""
        if not cut:
            if self.cut_bar.isVisibleTo(self):
                self.cut_bar.hide()
                self.setViewportMargins(0, 0, 0, 0)
            return
        expandable = self._card is not None and not self._showing_all
        self.cut_bar.set_state(expandable, self._card)
        self.cut_bar.show()
        self._place_cut_bar()

    def _place_cut_bar(self) -> None:
        rect = self.contentsRect()
        side = max(SIDE_PADDING, (rect.width() - MAX_READING_WIDTH) // 2)
        height = self.cut_bar.place(rect.left(), rect.bottom() + 1, rect.width(), side)
        if self.viewportMargins().bottom() != height:
            self.setViewportMargins(0, 0, 0, height)

    @property
    def answer_shown(self) -> bool:
        return self._answer is not None

    @property
    def shown_html(self) -> str:
        """The HTML of the faces laid out now (the question, and the answer once revealed)."""
        return self._question + (self._answer or "")

    def _stylesheet(self) -> str:
        theme = theme_for(self.palette())
        return (
            f"body {{ color: {theme.text}; }}"
            f"p {{ margin-top: 0px; margin-bottom: 14px; line-height: 135%; }}"
            f".question {{ font-weight: 600; text-align: center; }}"
            f".answer {{ font-weight: 400; }}"
            f".centred {{ text-align: center; }}"
            f"a {{ color: {theme.link}; text-decoration: underline; }}"
            f".cloze {{ font-weight: 700; color: {theme.accent}; }}"
        )

    def _render(self) -> None:
        parts = [f'<div class="question">{as_blocks(self._question)}</div>']
        if self._answer:  # a cloze without extra text has no answer below a divider
            theme = theme_for(self.palette())
            answer_class = "answer centred" if is_short(self._answer) else "answer"
            parts.append(
                f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-top: 12px; margin-bottom: 22px;">'
                f'<tr><td style="background-color: {theme.border}; font-size: 1px;">&nbsp;</td></tr></table>'
            )
            parts.append(f'<div class="{answer_class}">{as_blocks(self._answer)}</div>')
        stylesheet = self._stylesheet()
        if stylesheet != self._applied_stylesheet:  # the same for every card until the theme changes
            self.document().setDefaultStyleSheet(stylesheet)
            self._applied_stylesheet = stylesheet
        self.setHtml("".join(parts))
        self._recentre()

    # -- media -------------------------------------------------------------------------------------

    def media_path(self, name: QUrl) -> Path | None:
        """The file in the media folder that ``name`` names, if it is a plain file name of a file there."""
        if self.media_dir is None or not name.isRelative() or name.host() or name.hasQuery() or name.hasFragment():
            return None
        file_name = name.path(QUrl.ComponentFormattingOption.FullyDecoded)
        if not is_safe_name(file_name) or "/" in file_name or "\\" in file_name:
            return None
        try:
            folder = self.media_dir.resolve(strict=True)
            path = (folder / file_name).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return path if path.parent == folder and path.is_file() else None

    def loadResource(self, type_: int, name: QUrl) -> object:
        """An image from the media folder; nothing else, from nowhere else."""
        if int(type_) != IMAGE_RESOURCE:
            return None
        path = self.media_path(name)
        if path is None:
            return None
        image = QImage(str(path))
        return None if image.isNull() else image

    def image_size(self, name: str) -> QSize | None:
        """An image's natural size, read from its header, or ``None`` if it is not a media image."""
        path = self.media_path(QUrl(name))
        size = QImageReader(str(path)).size() if path is not None else QSize()
        return size if size.isValid() and not size.isEmpty() else None

    # -- links -------------------------------------------------------------------------------------

    def open_link(self, url: QUrl) -> None:
        """Open a clicked link in the system browser; only web addresses are opened."""
        if url.scheme().lower() in OPENABLE_SCHEMES:
            self.link_opener(url)

    # -- layout ------------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.cut_bar.isVisibleTo(self):
            self._place_cut_bar()
        self._recentre()

    def column_width(self) -> int:
        """The width of the text column inside the side margins."""
        side = max(SIDE_PADDING, (self.viewport().width() - MAX_READING_WIDTH) // 2)
        return max(40, int(self.viewport().width() - 2 * side - 2 * self.document().documentMargin()))

    def _recentre(self) -> None:
        """Keep the text in a column of at most MAX_READING_WIDTH, a little above the middle."""
        if self._centring:
            return
        self._centring = True
        try:
            document = self.document()
            frame = document.rootFrame()
            form = frame.frameFormat()
            side = max(SIDE_PADDING, (self.viewport().width() - MAX_READING_WIDTH) // 2)
            margins = (form.leftMargin(), form.rightMargin(), form.topMargin(), form.bottomMargin())
            if margins != (side, side, VERTICAL_PADDING, VERTICAL_PADDING):
                form.setLeftMargin(side)
                form.setRightMargin(side)
                form.setTopMargin(VERTICAL_PADDING)
                form.setBottomMargin(VERTICAL_PADDING)
                frame.setFrameFormat(form)  # every change lays the whole document out again: one at most here
            fit_images(document, self.column_width(), self.image_size)
            content = document.size().height() - 2 * VERTICAL_PADDING
            spare = self.viewport().height() - content
            top = max(VERTICAL_PADDING, spare * 0.44)
            if top != VERTICAL_PADDING:  # a short card, cheap to lay out again
                form.setTopMargin(top)
                frame.setFrameFormat(form)
        finally:
            self._centring = False
