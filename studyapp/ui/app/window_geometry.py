"""Where windows open: within the screen's available area, at the size and place they had last time.

Every top-level window and dialog goes through here. ``remember_geometry`` gives a window a keeper
that, each time it is shown, puts back the size and place it had when it was last hidden (or its
default size, centred over the window it belongs to), then fits it into the screen's available area
(what the task bar and the panels leave), frame included. A window that grows while open (a panel
shown, a chart added) is moved and, when it must be, shrunk back inside; a size remembered on a
bigger screen shrinks to the smaller one. What no longer fits scrolls: tall forms sit in a
``scroll_area``, with their buttons outside it.

The main window's geometry is kept in the collection's settings (``gui.window_geometry``), the
others' in ``gui.windows``: held in memory while the app runs, written when the main window closes
(closing a dialog writes nothing to the collection).
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt, QTimer, qWarning
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QScrollArea, QWidget

from studyapp.services.app import App
from studyapp.services.paths import resources_dir

GEOMETRY_SETTING = "gui.window_geometry"
WINDOWS_SETTING = "gui.windows"
DEFAULT_SIZE = (960, 680)
MINIMUM_SIZE = (640, 480)
# A title bar and borders, until the window system says how big the frame really is.
FRAME_GUESS = (16, 40)
KEEPER_NAME = "GeometryKeeper"


def app_icon() -> QIcon:
    path = resources_dir() / "icons" / "studyapp.png"
    return QIcon(str(path)) if path.is_file() else QIcon()


# -- fitting into the screen -------------------------------------------------------------------------


def available_area(window: QWidget) -> QRect:
    """The available geometry of the screen ``window`` is on (of its parent's, before it is shown)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect()


def frame_extra(window: QWidget) -> tuple[int, int]:
    """How much wider and taller the window's frame is than its inside: measured once it is shown,
    else taken from another shown window (as Qt does), else ``FRAME_GUESS``."""
    candidates = [window] if window.isVisible() else []
    candidates += [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible() and w.isWindow()]
    for shown in candidates:
        frame, inside = shown.frameGeometry(), shown.geometry()
        if frame != inside or shown is window:
            return frame.width() - inside.width(), frame.height() - inside.height()
    return FRAME_GUESS


def fit_to_screen(window: QWidget, move: bool = True) -> None:
    """Shrink ``window`` to the screen's available area (never under its minimum size) and (``move``)
    move it so that its frame lies inside that area."""
    if window.isMaximized() or window.isFullScreen() or window.isMinimized():
        return
    area = available_area(window)
    if area.isEmpty():
        return
    extra_w, extra_h = frame_extra(window)
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    if not move:
        return
    frame_w, frame_h = window.width() + extra_w, window.height() + extra_h
    x = max(area.left(), min(window.x(), area.right() - frame_w + 1))
    y = max(area.top(), min(window.y(), area.bottom() - frame_h + 1))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


def centre_over(window: QWidget, anchor: QWidget | None) -> None:
    """Put ``window`` in the middle of ``anchor``'s window (of the screen without one)."""
    extra_w, extra_h = frame_extra(window)
    frame = QRect(0, 0, window.width() + extra_w, window.height() + extra_h)
    host = anchor.window() if anchor is not None else None
    shown = host is not None and host.isVisible()
    frame.moveCenter(host.frameGeometry().center() if shown else available_area(window).center())
    window.move(frame.topLeft())


class FittingScroll(QScrollArea):
    """A frameless scroll area that asks for all of its content's size: the window gives it that when
    the screen has room, less when not, and then it scrolls rather than the content being cut."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        content.installEventFilter(self)

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint().expandedTo(content.minimumSizeHint())
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + frame, hint.height() + frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content grew or shrank: the window's layout hears of it
        return super().eventFilter(watched, event)


def scroll_area(content: QWidget, name: str = "") -> FittingScroll:
    """``content`` in a ``FittingScroll``."""
    scroll = FittingScroll(content)
    if name:
        scroll.setObjectName(name)
    return scroll


# -- remembering ---------------------------------------------------------------------------------------

# id(app) -> (the app, weakly; name -> Qt's saved geometry in hex). An App compares by value, so it is no key.
_books: dict[int, tuple[weakref.ref[App], dict[str, str]]] = {}


def _held_book(app: App) -> dict[str, str] | None:
    held = _books.get(id(app))
    return held[1] if held is not None and held[0]() is app else None


def _book(app: App) -> dict[str, str]:
    """The windows' geometries of ``app``, read once from the collection."""
    book = _held_book(app)
    if book is None:
        stored = app.setting(WINDOWS_SETTING)
        book = {k: v for k, v in stored.items() if isinstance(v, str)} if isinstance(stored, dict) else {}
        key = id(app)
        _books[key] = (weakref.ref(app, lambda _gone: _books.pop(key, None)), book)
    return book


def _hex(window: QWidget) -> str:
    return bytes(window.saveGeometry().toHex().data()).decode("ascii")


def _restore(window: QWidget, saved: object) -> bool:
    return isinstance(saved, str) and window.restoreGeometry(QByteArray.fromHex(saved.encode("ascii")))


class GeometryKeeper(QObject):
    """Watches one window: fits it into the screen when shown or grown; remembers it when hidden."""

    def __init__(
        self,
        window: QWidget,
        app: App | None,
        key: str | None,
        default_size: tuple[int, int] | None,
        grow: bool = False,
    ) -> None:
        super().__init__(window)
        self.setObjectName(KEEPER_NAME)
        self.app = app
        self.key = key
        self.default_size = default_size
        self.grow = grow
        self._grow_pending = False
        self.placed = False
        self._fit_pending = False
        window.installEventFilter(self)

    @property
    def window(self) -> QWidget:
        """The window watched: the keeper's parent (held by Qt, not in a Python attribute: no reference cycle)."""
        return self.parent()  # type: ignore[return-value]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Being torn down (its attributes gone, or no window left), the keeper has nothing to do.
        if "placed" in self.__dict__ and isinstance(watched, QWidget) and watched is self.parent():
            try:
                self._watch(event)
            except Exception as error:  # noqa: BLE001 - raised out of an event filter, it would end the program
                qWarning(f"studyapp: placing the {self.key or 'window'}: {error!r}")
        return False

    def _watch(self, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.Show and not event.spontaneous():
            self._place()
        elif kind == QEvent.Type.Hide and not event.spontaneous():
            self.remember()
        elif kind in (QEvent.Type.Resize, QEvent.Type.Move) and self.window.isVisible():
            self._check_fits()
        elif kind == QEvent.Type.LayoutRequest and self.grow and self.window.isVisible() and not self._grow_pending:
            self._grow_pending = True
            QTimer.singleShot(0, self, self._grow_to_content)

    def _grow_to_content(self) -> None:
        """Its content asks for more room (a chart shown): the window grows to it, as far as the screen allows."""
        self._grow_pending = False
        window = self.window
        wanted = window.size().expandedTo(window.sizeHint())
        if wanted != window.size() and window.isVisible():
            window.resize(wanted)
            fit_to_screen(window)

    def _place(self) -> None:
        window = self.window
        if not self.placed:
            self.placed = True
            saved = _book(self.app).get(self.key) if self.app is not None and self.key is not None else None
            if _restore(window, saved):
                pass
            elif self.default_size is not None:
                window.resize(*self.default_size)
                centre_over(window, window.parentWidget())
            elif not window.testAttribute(Qt.WidgetAttribute.WA_Resized):
                # all it asks for (Qt stops at 2/3 of the screen); fitted just below
                window.resize(window.sizeHint().expandedTo(window.minimumSizeHint()))
        # A dialog not placed yet is centred over its parent by Qt right after this: only its size is fitted here.
        placed_by_qt = isinstance(window, QDialog) and not window.testAttribute(Qt.WidgetAttribute.WA_Moved)
        fit_to_screen(window, move=not placed_by_qt)
        QTimer.singleShot(0, self, self._check_fits)  # once shown (and placed), with its real frame

    def _check_fits(self) -> None:
        """A window that grew (or was shown) past the screen's edge is fitted again, once the event is over."""
        extra_w, extra_h = frame_extra(self.window)
        frame = QRect(self.window.x(), self.window.y(), self.window.width() + extra_w, self.window.height() + extra_h)
        if self._fit_pending or available_area(self.window).contains(frame):
            return
        self._fit_pending = True
        QTimer.singleShot(0, self, self._fit_now)

    def _fit_now(self) -> None:
        self._fit_pending = False
        if self.window.isVisible():
            fit_to_screen(self.window)

    def remember(self) -> None:
        if self.app is not None and self.key is not None and self.placed:
            _book(self.app)[self.key] = _hex(self.window)


def remember_geometry(
    window: QWidget,
    app: App | None,
    key: str | None,
    default_size: tuple[int, int] | None = None,
    grow: bool = False,
) -> GeometryKeeper:
    """Give ``window`` its keeper: opened where it was last (``key``, in ``app``'s collection) or at
    ``default_size``, always within the screen. ``key=None``: fitted, not remembered. ``grow``: the
    window grows (within the screen) when its content asks for more room than it has."""
    return GeometryKeeper(window, app, key, default_size, grow)


def keep_on_screen(window: QWidget) -> GeometryKeeper:
    """Fitted into the screen when shown and when it grows; its size and place are not remembered."""
    return GeometryKeeper(window, None, None, None)


# -- the main window -----------------------------------------------------------------------------------


def restore_geometry(window: QWidget, app: App) -> None:
    """The size and position saved last time, else the default size, centred on the screen; within the
    screen either way (a place remembered on a bigger screen is brought back in)."""
    if not _restore(window, app.setting(GEOMETRY_SETTING)):
        window.resize(*DEFAULT_SIZE)
        centre_over(window, None)
    fit_to_screen(window)
    keep_on_screen(window)


def save_geometry(window: QWidget, app: App) -> None:
    """The main window's geometry, and those of the other windows (the open ones as they are now)."""
    app.set_setting(GEOMETRY_SETTING, _hex(window))
    for shown in QApplication.topLevelWidgets():
        keeper = shown.findChild(GeometryKeeper, KEEPER_NAME, Qt.FindChildOption.FindDirectChildrenOnly)
        if isinstance(keeper, GeometryKeeper) and shown.isVisible():
            keeper.remember()
    book = _held_book(app)
    if book is not None and book != app.setting(WINDOWS_SETTING):
        app.set_setting(WINDOWS_SETTING, dict(book))
