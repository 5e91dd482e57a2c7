"""Multiple choice lays the card out at its natural height with the four options right below it.

In the other modes the card view takes all the height between the header and the footer (a short card
is placed a little above the middle). With options, that squeezed the card into a small scroll box above
options far below it; here, while options are shown, the view is held to the height of its text (the
document's height at the top margin), the options follow it, and the space left over goes below them. A
card taller than the window still scrolls, with the options kept in view. The card, the options and the
space below them share one ground (``CardArea``).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QSizeF, Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

UNLIMITED = 16777215  # QWIDGETSIZE_MAX


class NaturalHeight(QObject):
    """While ``held``, keeps ``view`` to its text's height in ``layout``; the stretch at ``spare`` takes the rest."""

    def __init__(self, view: QTextBrowser, layout: QBoxLayout, spare: int, padding: int) -> None:
        super().__init__(view)
        self._view, self._layout, self._spare, self._padding = view, layout, spare, padding
        self.held = False
        view.document().documentLayout().documentSizeChanged.connect(self._fit)

    def hold(self, held: bool) -> None:
        if held == self.held:
            return
        self.held = held
        self._layout.setStretchFactor(self._view, 0 if held else 1)
        self._layout.setStretch(self._spare, 1 if held else 0)
        if held:
            self._fit()
        else:
            self._view.setMaximumHeight(UNLIMITED)

    def natural_height(self) -> int:
        """The view's height that shows its whole text with the top margin at ``padding``."""
        document = self._view.document()
        text = document.size().height() - document.rootFrame().frameFormat().topMargin() + self._padding
        chrome = 2 * self._view.frameWidth() + self._view.viewportMargins().bottom()  # the cut bar, if shown
        return math.ceil(text) + chrome

    def _fit(self, _size: QSizeF | None = None) -> None:
        if self.held:
            height = self.natural_height()
            if self._view.maximumHeight() != height:
                self._view.setMaximumHeight(height)


def centred(panel: QWidget) -> QHBoxLayout:
    """``panel`` centred at its maximum width; wrapped text keeps its height."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(panel, 100)
    row.addStretch(1)
    return row


def card_area(view: QTextBrowser, options: QWidget, padding: int) -> tuple[QWidget, NaturalHeight]:
    """The card with the options right below it, on the card's ground; and the hold on the card's height."""
    area = QWidget()
    area.setObjectName("CardArea")
    area.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    layout = QVBoxLayout(area)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(view, 1)
    layout.addLayout(centred(options))
    layout.addStretch(0)
    return area, NaturalHeight(view, layout, layout.count() - 1, padding)
