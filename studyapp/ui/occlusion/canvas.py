"""The drawing surface of the image occlusion editor: the image, and masks drawn over it with the mouse.

A ``QGraphicsScene`` in image pixels: the image at (0, 0), each mask an item over it. The tool chooses
what a drag on the image does: Select (click, rubber band, move a mask by dragging it, resize the
selected one by its corner handle), Rectangle or Ellipse (draw a new mask). Each mask carries its
ordinal, the card it belongs to (masks sharing one are a group: one card hides them all), drawn as a
number in its middle. Masks stay on the image. Shapes the canvas cannot draw anew (an imported note's
polygons and text) are shown and can be moved, never resized; their other properties ride along in
``source`` (the core shape they came from), so an unchanged mask goes back exactly as it came.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsView,
    QWidget,
)

from studyapp.ui.occlusion.mask_item import DRAWN_KINDS, ELLIPSE, MIN_SIZE, RECTANGLE, SELECT, MaskItem, MaskScene

__all__ = ["ELLIPSE", "RECTANGLE", "SELECT", "MaskItem", "OcclusionCanvas"]


class OcclusionCanvas(QGraphicsView):
    """The image with its masks; ``changed`` when masks are added, moved, resized, grouped or removed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OcclusionCanvas")
        self._scene = MaskScene(self)
        self._scene.masks_changed.connect(self.changed)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(QBrush(QColor("#8a8a8a")))
        self.setMinimumSize(320, 240)
        self.image: QImage | None = None
        self._pixmap: QGraphicsPixmapItem | None = None
        self.tool = SELECT
        self.highest_ordinal = 0  # never lowered while the dialog is open: a new mask never takes an old card
        self.auto_fit = True
        self._drawing: MaskItem | None = None
        self._origin = QPointF()
        self._dragged = False
        self._highest_before = 0
        self.set_tool(SELECT)

    # -- the image and its masks -------------------------------------------------------------------

    def set_image(self, image: QImage) -> None:
        """Show ``image`` with no masks."""
        self._scene.clear()
        self.image = image
        self._pixmap = self._scene.addPixmap(QPixmap.fromImage(image))
        self._pixmap.setZValue(-1)
        self._pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.setSceneRect(QRectF(0, 0, image.width(), image.height()))
        self.highest_ordinal = 0
        self.auto_fit = True
        self.fit()
        self.changed.emit()

    def clear_image(self) -> None:
        """No picture and no masks (after a note was added)."""
        self._scene.clear()
        self.image = None
        self._pixmap = None
        self._scene.setSceneRect(QRectF(0, 0, 1, 1))
        self.highest_ordinal = 0
        self.changed.emit()

    def has_image(self) -> bool:
        return self.image is not None

    def add_mask(self, kind: str, ordinal: int, box: QRectF, source: object | None = None,
                 outline: QPolygonF | None = None) -> MaskItem:  # fmt: skip
        item = MaskItem(kind, ordinal, box, source, outline)
        item.setZValue(len(self.masks()))
        self._scene.addItem(item)
        item.moved = False
        self.highest_ordinal = max(self.highest_ordinal, ordinal)
        return item

    def masks(self) -> list[MaskItem]:
        """Every mask, in the order drawn."""
        found = [item for item in self._scene.items() if isinstance(item, MaskItem)]
        return sorted(found, key=lambda item: item.zValue())

    def selected_masks(self) -> list[MaskItem]:
        return [item for item in self.masks() if item.isSelected()]

    def ordinals(self) -> list[int]:
        """The card numbers the masks make (a label's 0 makes no card)."""
        return sorted({item.ordinal for item in self.masks() if item.ordinal > 0})

    def delete_selected(self) -> int:
        chosen = self.selected_masks()
        for item in chosen:
            self._scene.removeItem(item)
        if chosen:
            self.changed.emit()
        return len(chosen)

    def group_selected(self) -> int:
        """The selected masks become one card (the lowest ordinal among them); returns how many masks moved."""
        chosen = [item for item in self.selected_masks() if item.ordinal > 0]  # a label stays on every card
        if len({item.ordinal for item in chosen}) < 2:
            return 0
        target = min(item.ordinal for item in chosen)
        changed = [item for item in chosen if item.ordinal != target]
        for item in changed:
            item.ordinal = target
            item.update()
        self.changed.emit()
        return len(changed)

    def ungroup_selected(self) -> int:
        """Each selected mask that shares its card with another gets a card of its own (the first keeps it)."""
        changed = 0
        everyone = self.masks()
        for item in self.selected_masks():
            if item.ordinal > 0 and sum(1 for other in everyone if other.ordinal == item.ordinal) > 1:
                first = next(other for other in everyone if other.ordinal == item.ordinal)
                if first is item:
                    continue
                self.highest_ordinal += 1
                item.ordinal = self.highest_ordinal
                item.update()
                changed += 1
        if changed:
            self.changed.emit()
        return changed

    def select(self, items: Iterable[MaskItem]) -> None:
        self._scene.clearSelection()
        for item in items:
            item.setSelected(True)

    # -- tools and zoom ----------------------------------------------------------------------------

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        drawing = tool in DRAWN_KINDS
        self.setDragMode(QGraphicsView.DragMode.NoDrag if drawing else QGraphicsView.DragMode.RubberBandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if drawing else Qt.CursorShape.ArrowCursor)
        for item in self.masks():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not drawing)

    def fit(self) -> None:
        """Zoom so that the whole image shows."""
        if self.image is not None:
            self.fitInView(self._scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def zoom(self, factor: float) -> None:
        self.auto_fit = False
        self.scale(factor, factor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_masks():
            self.delete_selected()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- drawing -----------------------------------------------------------------------------------

    def _clamped(self, point: QPointF) -> QPointF:
        bounds = self._scene.sceneRect()
        return QPointF(min(max(point.x(), bounds.left()), bounds.right()),
                       min(max(point.y(), bounds.top()), bounds.bottom()))  # fmt: skip

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = self.mapToScene(event.position().toPoint())
        if (self.tool in DRAWN_KINDS and event.button() == Qt.MouseButton.LeftButton and self.image is not None
                and self._scene.sceneRect().contains(point)):  # fmt: skip
            self._origin = self._clamped(point)
            self._scene.clearSelection()
            self._highest_before = self.highest_ordinal
            self._drawing = self.add_mask(self.tool, self.highest_ordinal + 1, QRectF(self._origin, self._origin))
            event.accept()
            return
        self._dragged = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing is not None:
            point = self._clamped(self.mapToScene(event.position().toPoint()))
            self._drawing.set_box(QRectF(self._origin, point))
            event.accept()
            return
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._dragged = True
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing is not None:
            item, self._drawing = self._drawing, None
            box = item.box()
            if box.width() < MIN_SIZE or box.height() < MIN_SIZE:  # a click, not a drag: nothing drawn
                self._scene.removeItem(item)
                self.highest_ordinal = self._highest_before
            else:
                item.moved = True
                item.setSelected(True)
                self.changed.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if self._dragged and self.selected_masks():
            self.changed.emit()
        self._dragged = False
