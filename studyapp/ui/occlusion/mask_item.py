"""One mask of the occlusion canvas: a rectangle, an ellipse, or a kept shape (a polygon or text label of an
imported note), with its card number drawn in its middle and, when selected, a handle to resize it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

SELECT, RECTANGLE, ELLIPSE = "select", "rect", "ellipse"
DRAWN_KINDS = (RECTANGLE, ELLIPSE)
MIN_SIZE = 4.0  # image pixels: a click without a drag draws nothing
HANDLE = 9.0  # screen pixels: the resize handle at a selected mask's bottom-right corner
FILL = QColor(255, 235, 162, 210)  # Anki's inactive mask colour, a little see-through to place it
BORDER = QColor("#212121")
SELECTED = QColor("#1e88e5")


class MaskItem(QGraphicsItem):
    """One mask: ``kind`` rect, ellipse or a kept shape (polygon, text), its ``ordinal``, its box in the item."""

    def __init__(self, kind: str, ordinal: int, box: QRectF, source: object | None = None,
                 outline: QPolygonF | None = None) -> None:  # fmt: skip
        super().__init__()
        self.kind = kind
        self.ordinal = ordinal
        self.source = source  # the core shape this mask was loaded from (None: drawn here)
        self.moved = False  # moved or resized since loaded: its geometry is written anew
        self.text = ""  # a text label's text (kind "text")
        self._box = QRectF(0, 0, box.width(), box.height())
        self._outline = QPolygonF(outline.translated(-box.topLeft())) if outline is not None else None
        self.setPos(box.topLeft())
        self._resizing = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)
        self.setAcceptHoverEvents(True)

    @property
    def resizable(self) -> bool:
        return self.kind in DRAWN_KINDS

    def box(self) -> QRectF:
        """The mask's box in image pixels (before any rotation about its top-left corner)."""
        return QRectF(self.pos(), self._box.size())

    def outline(self) -> QPolygonF | None:
        """A kept polygon's points in image pixels."""
        return None if self._outline is None else self.mapToScene(self._outline)

    def set_box(self, scene_box: QRectF) -> None:
        self.prepareGeometryChange()
        box = scene_box.normalized()
        self.setPos(box.topLeft())
        self._box = QRectF(0, 0, box.width(), box.height())
        self.moved = True
        self.update()

    # -- painting ----------------------------------------------------------------------------------

    def _scale(self) -> float:
        views = self.scene().views() if self.scene() is not None else []
        return views[0].transform().m11() if views else 1.0

    def boundingRect(self) -> QRectF:
        pad = HANDLE / max(self._scale(), 0.01)
        return self._box.adjusted(-pad, -pad, pad, pad)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        if self.kind == ELLIPSE:
            path.addEllipse(self._box)
        elif self._outline is not None:
            path.addPolygon(self._outline)
        else:
            path.addRect(self._box)
        if self.isSelected() and self.resizable:
            path.addRect(self._handle_rect())
        return path

    def _handle_rect(self) -> QRectF:
        size = HANDLE / max(self._scale(), 0.01)
        corner = self._box.bottomRight()
        return QRectF(corner.x() - size / 2, corner.y() - size / 2, size, size)

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(SELECTED if self.isSelected() else BORDER)
        pen.setCosmetic(True)
        pen.setWidthF(2.0 if self.isSelected() else 1.0)
        if self.isSelected():
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(FILL))
        if self.kind == ELLIPSE:
            painter.drawEllipse(self._box)
        elif self._outline is not None:
            painter.drawPolygon(self._outline)
        elif self.kind == "text":
            painter.setBrush(QBrush(QColor("white")))
            painter.drawRect(self._box)
            font = QFont(painter.font())
            font.setPixelSize(max(1, round(self._box.height() * 0.8)))
            painter.setFont(font)
            painter.drawText(self._box, Qt.AlignmentFlag.AlignCenter, self.text)
            return
        else:
            painter.drawRect(self._box)
        # The ordinal and the handle at a fixed size on the screen, whatever the zoom.
        transform = painter.worldTransform()
        centre = transform.map(self._box.center())
        corner = transform.map(self._box.bottomRight())
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPixelSize(14)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#212121"))
        label = QRectF(centre.x() - 30, centre.y() - 11, 60, 22)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(self.ordinal))
        if self.isSelected() and self.resizable:
            painter.setPen(QPen(SELECTED, 1))
            painter.setBrush(QBrush(QColor("white")))
            painter.drawRect(QRectF(corner.x() - HANDLE / 2, corner.y() - HANDLE / 2, HANDLE, HANDLE))
        painter.restore()

    # -- moving and resizing -----------------------------------------------------------------------

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and self.scene() is not None:
            bounds = self.scene().sceneRect()
            box = self._box.translated(value)  # type: ignore[arg-type]
            x = min(max(box.left(), bounds.left()), bounds.right() - box.width())
            y = min(max(box.top(), bounds.top()), bounds.bottom() - box.height())
            self.moved = True
            return QPointF(x - self._box.left(), y - self._box.top())
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.prepareGeometryChange()  # the handle comes or goes
        return super().itemChange(change, value)

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        on_handle = self.isSelected() and self.resizable and self._handle_rect().contains(event.pos())
        self.setCursor(Qt.CursorShape.SizeFDiagCursor if on_handle else Qt.CursorShape.SizeAllCursor)
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._resizing = self.isSelected() and self.resizable and self._handle_rect().contains(event.pos())
        if self._resizing:
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if not self._resizing:
            super().mouseMoveEvent(event)
            return
        bounds = self.scene().sceneRect()
        corner = event.scenePos()
        corner = QPointF(min(max(corner.x(), bounds.left()), bounds.right()),
                         min(max(corner.y(), bounds.top()), bounds.bottom()))  # fmt: skip
        top_left = self.box().topLeft()
        width = max(corner.x() - top_left.x(), MIN_SIZE)
        height = max(corner.y() - top_left.y(), MIN_SIZE)
        self.set_box(QRectF(top_left.x(), top_left.y(), width, height))

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resizing:
            self._resizing = False
            scene = self.scene()
            if isinstance(scene, MaskScene):
                scene.masks_changed.emit()
            return
        super().mouseReleaseEvent(event)


class MaskScene(QGraphicsScene):
    masks_changed = Signal()
