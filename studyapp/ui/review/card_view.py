"""The card: question, and after reveal a divider and the answer, centred in a comfortable column.

The reviewer shows a card's ``CardFaces`` (safe HTML from ``studyapp.core.text.render``); plain text given to
``show_question``/``show_answer`` is escaped first, so markup in a card is shown, never run. Links are
not followed inside the view; a click on an http(s) link hands the address to ``link_opener`` (the
system browser by default; tests replace it).

Images load from the collection's media folder only: ``loadResource`` accepts a plain file name that
resolves inside that folder and refuses everything else (http, file:, data:, paths that climb out),
and the document asks the view alone, so nothing is ever fetched from elsewhere. Images wider than
the text column are scaled down to fit it; a picture is decoded once, at the size it is shown, and kept
(``picture_cache``), where the reviewer's worker may already have put it (``picture_prefetch``).

A card is laid out within a budget (``studyapp.core.text.face_budget``), so that any card is shown in well
under 100 ms whatever it holds: a card cut to it has a bar below the text saying so, with "Show all",
which lays out more of it (bounded as well; past that the bar says how much is not shown).

A card follows its note type's styling as far as ``card_look`` allows (alignment, text size, readable
colours). Where its template asks for a typed answer (``{{type:Field}}``) and the card is typed, the line
to type in (``type_input``) sits in the card where the marker is, and the comparison is shown there after
the check (``type_slot``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from studyapp.core.model import Card
from studyapp.core.occlusion.faces import SCHEME as OCCLUSION_SCHEME
from studyapp.core.text.face_budget import FIRST_VIEW, SHOW_ALL, Budget, break_long_runs
from studyapp.core.text.maths import SCHEME as MATH_SCHEME
from studyapp.core.text.render import CardFaces, answer_for, card_faces, notetype_of, text_to_html
from studyapp.core.text.sound_tags import SCHEME as SOUND_SCHEME
from studyapp.core.text.sound_tags import sound_index
from studyapp.ui.app.style import theme_for
from studyapp.ui.review.card_look import CardLook, card_look
from studyapp.ui.review.card_placement import question_top, revealed_top
from studyapp.ui.review.cut_bar import SIDE_PADDING, CutBar
from studyapp.ui.review.pictures.card_images import fit_images
from studyapp.ui.review.pictures.maths_images import MathStyle, math_image, style_for
from studyapp.ui.review.pictures.media_document import IMAGE_RESOURCE, MediaOnlyDocument, media_file_path
from studyapp.ui.review.pictures.occlusion_images import shared as occlusion_images
from studyapp.ui.review.pictures.picture_cache import shared as media_pictures
from studyapp.ui.review.quiz.type_slot import (
    SLOT_HEIGHT,
    SLOT_WIDTH,
    slot_rect,
    with_comparison,
    with_slot,
    without_markers,
)
from studyapp.ui.review.quiz.typed_answer import AnswerInput

MAX_READING_WIDTH = 720
TEXT_PIXEL_SIZE = 20
VERTICAL_PADDING = 28
SHORT_ANSWER = 140  # characters: a short one-paragraph answer is centred like the question
OPENABLE_SCHEMES = ("http", "https")
_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"<(p|li|tr|div|h\d|pre|blockquote)\b", re.IGNORECASE)
_BLOCK_START = re.compile(r"\s*<(p|div|ul|ol|dl|table|h\d|pre|blockquote|hr)\b", re.IGNORECASE)


def as_blocks(face_html: str) -> str:
    """Face HTML with its inline content in a paragraph, so that every face has the same spacing."""
    return face_html if _BLOCK_START.match(face_html) else f"<p>{face_html}</p>"


def is_short(answer_html: str) -> bool:
    """A short, one-paragraph answer (centred like the question)."""
    text = html.unescape(_TAG.sub("", answer_html))
    return len(text.strip()) <= SHORT_ANSWER and len(_BLOCK.findall(answer_html)) <= 1


class CardView(QTextBrowser):
    sound_requested = Signal(str)  # a play button was clicked: the media file it plays

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
        self.shown_faces: CardFaces | None = None  # the faces laid out now (their sounds), None for plain text
        self._typing = False  # the card is typed: its question's marker becomes the box
        self._comparison: str | None = None  # after the check: the comparison's HTML, for the marker's place
        self.type_slot_shown = False  # the box is in the card (else the reviewer shows it below)
        self.comparison_shown = False  # the comparison is in the card
        self._look = CardLook()
        self._applied_background: str | None = None
        self.type_input = AnswerInput(self.viewport())
        self.type_input.setFixedHeight(SLOT_HEIGHT)
        self.type_input.hide()
        self.verticalScrollBar().valueChanged.connect(self._place_type_input)
        self.cut_bar = CutBar(self)
        self.cut_bar.show_all_button.clicked.connect(self.show_all)
        self.cut_bar.hide()
        self._after_paint: Callable[[], object] | None = None
        self._asked_top: tuple[object, float] | None = None  # (whose, top margin) of the question shown alone

    # -- content -----------------------------------------------------------------------------------

    def show_card(self, card: Card, revealed: bool, typing: bool = False, comparison: str | None = None) -> None:
        """A card as the reviewer shows it, within the first view's budget ("Show all" lays out more).

        ``typing``: the card is typed (its template's marker holds the box); ``comparison``: after the
        check, the typed reply against the answer (HTML), shown where the marker was.
        """
        self._typing, self._comparison = typing, comparison
        theme = theme_for(self.palette())
        self._look = card_look(notetype_of(card).css, theme) if card.notetype is not None else CardLook()
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
        self._typing, self._comparison, self._look = False, None, CardLook()
        self._show(faces, revealed)

    def _show(self, faces: CardFaces, revealed: bool) -> None:
        self.type_slot_shown = self.comparison_shown = False
        self.shown_faces = faces
        if revealed:  # (the comparison's long runs can wrap: its answer is cut by ``match_answer`` too)
            comparison = None if self._comparison is None else break_long_runs(self._comparison)
            question, answer, placed = with_comparison(faces.revealed_question, faces.answer, comparison)
            self._question, self._answer, self.comparison_shown = question, answer, placed
        elif self._typing:
            self._question, self.type_slot_shown = with_slot(faces.question, min(SLOT_WIDTH, self.column_width()))
            self._answer = None
        else:
            self._question = without_markers(faces.question)
            self._answer = None
        self._set_cut(faces.cut)
        self._render()

    def show_question(self, front: str) -> None:
        """Plain text as a question (escaped)."""
        self._card, self._showing_all = None, False
        self._typing, self._comparison, self._look = False, None, CardLook()
        self.type_slot_shown = self.comparison_shown = False
        self.shown_faces = None
        self._question, self._answer = text_to_html(front), None
        self._set_cut(False)
        self._render()

    def show_answer(self, front: str, back: str) -> None:
        """Plain text as a question and its answer (escaped)."""
        self._card, self._showing_all = None, False
        self._typing, self._comparison, self._look = False, None, CardLook()
        self.type_slot_shown = self.comparison_shown = False
        self.shown_faces = None
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
            f".question {{ font-weight: 600; }}"
            f".answer {{ font-weight: 400; }}"
            f".centred {{ text-align: center; }}"
            f"a {{ color: {theme.link}; text-decoration: underline; }}"
            f"a.replay {{ color: {theme.accent}; text-decoration: none; font-size: 18px; }}"
            f".cloze {{ font-weight: 700; color: {theme.accent}; }}"
            f"td, th {{ padding: 3px 8px; }}"
            f"th {{ font-weight: 600; }}"
            f".template-error {{ color: {theme.again}; font-size: 14px; }}"
        )

    def _render(self) -> None:
        look = self._look
        style = f' style="{look.block_style()}"' if look.block_style() else ""
        question_class = "question" if look.align else "question centred"  # Qt: a class wins over style=""
        parts = [f'<div class="{question_class}"{style}>{as_blocks(self._question)}</div>']
        if self._answer:  # a cloze without extra text has no answer below a divider
            theme = theme_for(self.palette())
            answer_class = "answer centred" if is_short(self._answer) and not look.align else "answer"
            parts.append(
                f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-top: 12px; margin-bottom: 22px;">'
                f'<tr><td style="background-color: {theme.border}; font-size: 1px; padding: 0px;">&nbsp;</td></tr>'
                "</table>"
            )
            parts.append(f'<div class="{answer_class}"{style}>{as_blocks(self._answer)}</div>')
        if look.background != self._applied_background:  # the note type's ground (light theme only)
            ground = f"QTextBrowser#CardView {{ background: {look.background}; }}" if look.background else ""
            self.setStyleSheet(ground)
            self._applied_background = look.background
        stylesheet = self._stylesheet()
        if stylesheet != self._applied_stylesheet:  # the same for every card until the theme changes
            self.document().setDefaultStyleSheet(stylesheet)
            self._applied_stylesheet = stylesheet
        self.setHtml("".join(parts))
        self._recentre()

    # -- media -------------------------------------------------------------------------------------

    def media_path(self, name: QUrl) -> Path | None:
        """The file in the media folder that ``name`` names, if it is a plain file name of a file there."""
        return media_file_path(self.media_dir, name)

    def loadResource(self, type_: int, name: QUrl) -> object:
        """An image from the media folder, or a formula (``math:``); nothing else, from nowhere else."""
        if int(type_) != IMAGE_RESOURCE:
            return None
        if name.scheme() == MATH_SCHEME:
            return math_image(name.toString(QUrl.ComponentFormattingOption.FullyEncoded), self.math_style())
        if name.scheme() == OCCLUSION_SCHEME:  # an image occlusion card's picture with its masks
            url = name.toString(QUrl.ComponentFormattingOption.FullyEncoded)
            return occlusion_images().image(url, self.media_file, MAX_READING_WIDTH, self.devicePixelRatioF())
        path = self.media_path(name)
        if path is None:
            return None
        return media_pictures().picture(path, self.column_width(), self.devicePixelRatioF())

    def media_file(self, file_name: str) -> Path | None:
        """A media file by its plain name (``media_path`` refuses anything else)."""
        url = QUrl()
        url.setPath(file_name, QUrl.ParsingMode.DecodedMode)
        return self.media_path(url)

    def math_style(self) -> MathStyle:
        """How formulas look in this view now: the card's text colour and size, the screen's pixel ratio."""
        theme = theme_for(self.palette())
        color = self._look.color or theme.text
        return style_for(self.font(), color, theme.accent, self.devicePixelRatioF(), self._look.pixel_size)

    def image_size(self, name: str) -> QSize | None:
        """An image's natural size, read from its header, or ``None`` if it is not a media image."""
        if name.startswith(f"{OCCLUSION_SCHEME}:"):
            return occlusion_images().logical_size(name, self.media_file, MAX_READING_WIDTH)
        path = self.media_path(QUrl(name))
        return media_pictures().natural_size(path) if path is not None else None

    # -- links -------------------------------------------------------------------------------------

    def open_link(self, url: QUrl) -> None:
        """Open a clicked link in the system browser; only web addresses are opened. A play button
        (``sound:N``) asks for its sound (``sound_requested``)."""
        scheme = url.scheme().lower()
        if scheme == SOUND_SCHEME:
            index, faces = sound_index(url.path()), self.shown_faces
            if index is not None and faces is not None and index < len(faces.sounds):
                self.sound_requested.emit(faces.sounds[index])
            return
        if scheme in OPENABLE_SCHEMES:
            self.link_opener(url)

    # -- layout ------------------------------------------------------------------------------------

    def after_next_paint(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` from the event loop once the view has next been painted (replacing one asked
        before): work that must not delay the card's first paint."""
        self._after_paint = callback

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._after_paint is not None:
            callback, self._after_paint = self._after_paint, None
            QTimer.singleShot(0, self, callback)  # (dropped if the view is gone by then)

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
            height, whose = self.viewport().height(), self._card.id if self._card is not None else self._question
            if self._answer is None:
                top = question_top(height, content, VERTICAL_PADDING)
                self._asked_top = (whose, top)
            else:  # the question stays where it was before the reveal
                asked = self._asked_top[1] if self._asked_top is not None and self._asked_top[0] == whose else None
                top = revealed_top(height, content, asked, VERTICAL_PADDING)
            if top != VERTICAL_PADDING:  # a short card, cheap to lay out again
                form.setTopMargin(top)
                frame.setFrameFormat(form)
        finally:
            self._centring = False
        self._place_type_input()

    def _place_type_input(self) -> None:
        """The line to type in, over its slot in the card (hidden when the card has none)."""
        rect = slot_rect(self.document()) if self.type_slot_shown else None
        if rect is None:
            if self.type_input.isVisibleTo(self):
                self.type_input.hide()
            return
        rect.translate(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        self.type_input.setGeometry(rect)
        if not self.type_input.isVisibleTo(self):
            self.type_input.show()
