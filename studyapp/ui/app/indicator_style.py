"""Fusion, with check boxes and radio buttons drawn from the theme so that they show in both themes.

Fusion outlines an unchecked box with the window colour made darker, which on the dark theme's near-black
window is all but invisible. Here the outline is the theme's ``muted`` grey blended toward the window
(``INDICATOR_OUTLINE_SHARE``), at least 3:1 against the window and the input surface (WCAG's contrast for a
control), the box is the input surface, and a checked box is the accent with a check mark in the accent's
text colour. Everything else is Fusion's.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

from studyapp.ui.app.style import Theme, mix, theme_for

INDICATOR_OUTLINE_SHARE = 0.8  # of the muted grey over the window: 3.3:1 (light) and 6:1 (dark)


def indicator_colours(theme: Theme) -> dict[str, str]:
    """The indicator's colours: outline, fill, and when on, accent fill and mark."""
    return {
        "outline": mix(theme.muted, theme.window, INDICATOR_OUTLINE_SHARE),
        "fill": theme.surface,
        "on": theme.accent,
        "mark": theme.accent_text,
        "disabled": theme.faint,
    }


class IndicatorStyle(QProxyStyle):
    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(  # noqa: N802 - Qt's name
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element in (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton):
            self._indicator(element is QStyle.PrimitiveElement.PE_IndicatorRadioButton, option, painter)
            return
        super().drawPrimitive(element, option, painter, widget)

    def _indicator(self, radio: bool, option: QStyleOption, painter: QPainter) -> None:
        colours = indicator_colours(theme_for(option.palette))
        state = option.state
        enabled = bool(state & QStyle.StateFlag.State_Enabled)
        on = bool(state & QStyle.StateFlag.State_On)
        partly = bool(state & QStyle.StateFlag.State_NoChange)
        side = min(option.rect.width(), option.rect.height()) - 1
        box = QRectF(option.rect.x() + 0.5, option.rect.y() + (option.rect.height() - side) / 2 + 0.5, side, side)
        filled = (on or partly) and enabled
        outline = QColor(colours["on"] if filled else colours["outline"] if enabled else colours["disabled"])
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(outline, 1.2))
        painter.setBrush(QColor(colours["on"] if filled else colours["fill"]))
        if radio:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 3, 3)
        mark = QColor(colours["mark"] if enabled else colours["disabled"])
        if radio and on:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(mark)
            painter.drawEllipse(box.center(), side * 0.2, side * 0.2)
        elif partly:
            painter.setPen(QPen(mark, max(1.5, side * 0.14), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(box.left() + side * 0.28, box.center().y()),
                             QPointF(box.right() - side * 0.28, box.center().y()))  # fmt: skip
        elif on:
            path = QPainterPath(QPointF(box.left() + side * 0.24, box.top() + side * 0.52))
            path.lineTo(box.left() + side * 0.43, box.top() + side * 0.70)
            path.lineTo(box.left() + side * 0.77, box.top() + side * 0.31)
            pen = QPen(mark, max(1.5, side * 0.14), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.restore()
