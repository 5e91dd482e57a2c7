"""The card: question, and after reveal a divider and the answer, centred in a comfortable column.

Card text is plain text turned into safe HTML by ``text_to_html``: markup in a card is shown, never
run. Links are not followed inside the view; a click on an http(s) link hands the address to
``link_opener`` (the system browser by default; tests replace it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QResizeEvent
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from studyapp.core.render import text_to_html
from studyapp.ui.style import theme_for

MAX_READING_WIDTH = 720
TEXT_PIXEL_SIZE = 20
SIDE_PADDING = 32
VERTICAL_PADDING = 28
SHORT_ANSWER = 140  # characters: a short one-paragraph answer is centred like the question
OPENABLE_SCHEMES = ("http", "https")


class CardView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardView")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
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
        self._front = ""
        self._back: str | None = None
        self._centring = False

    # -- content -----------------------------------------------------------------------------------

    def show_question(self, front: str) -> None:
        self._front, self._back = front, None
        self._render()

    def show_answer(self, front: str, back: str) -> None:
        self._front, self._back = front, back
        self._render()

    @property
    def answer_shown(self) -> bool:
        return self._back is not None

    def _stylesheet(self) -> str:
        theme = theme_for(self.palette())
        return (
            f"body {{ color: {theme.text}; }}"
            f"p {{ margin-top: 0px; margin-bottom: 14px; line-height: 135%; }}"
            f".question {{ font-weight: 600; text-align: center; }}"
            f".answer {{ font-weight: 400; }}"
            f".centred {{ text-align: center; }}"
            f"a {{ color: {theme.link}; text-decoration: underline; }}"
        )

    def _render(self) -> None:
        parts = [f'<div class="question">{text_to_html(self._front)}</div>']
        if self._back is not None:
            theme = theme_for(self.palette())
            short = len(self._back) <= SHORT_ANSWER and "\n\n" not in self._back.strip()
            answer_class = "answer centred" if short else "answer"
            parts.append(
                f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-top: 6px; margin-bottom: 22px;">'
                f'<tr><td style="background-color: {theme.border}; font-size: 1px;">&nbsp;</td></tr></table>'
            )
            parts.append(f'<div class="{answer_class}">{text_to_html(self._back)}</div>')
        self.document().setDefaultStyleSheet(self._stylesheet())
        self.setHtml("".join(parts))
        self._recentre()

    # -- links -------------------------------------------------------------------------------------

    def open_link(self, url: QUrl) -> None:
        """Open a clicked link in the system browser; only web addresses are opened."""
        if url.scheme().lower() in OPENABLE_SCHEMES:
            self.link_opener(url)

    # -- layout ------------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._recentre()

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
            form.setLeftMargin(side)
            form.setRightMargin(side)
            form.setTopMargin(0)
            form.setBottomMargin(0)
            frame.setFrameFormat(form)
            content = document.size().height()
            spare = self.viewport().height() - content
            form.setTopMargin(max(VERTICAL_PADDING, spare * 0.44))
            form.setBottomMargin(VERTICAL_PADDING)
            frame.setFrameFormat(form)
        finally:
            self._centring = False
