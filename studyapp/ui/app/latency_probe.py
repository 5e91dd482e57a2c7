"""Timing hooks for the GUI benchmarks: key press to painted card, and start-up to the first painted deck list.

Nothing here runs in normal use. ``KeyToPaintProbe`` is attached by ``benchmarks/gui_latency.py`` (and its
test) to a reviewer; ``exit_after_first_paint`` is installed by ``run_gui`` only when the environment
variable ``STUDYAPP_EXIT_AFTER_FIRST_PAINT=1`` is set (see ``studyapp.ui.app.launch``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

EXIT_AFTER_FIRST_PAINT = "STUDYAPP_EXIT_AFTER_FIRST_PAINT"
FIRST_PAINT_PREFIX = "studyapp: deck list painted"


class _AfterViewportPaint(QObject):
    """Calls ``done`` when a paint of ``area``'s viewport has completed (not merely been asked for).

    A scroll area paints its viewport from an event filter of its own; this filter, installed later, runs
    before it, so it paints the viewport itself (``viewportEvent``, what that filter does) and then reports.
    """

    def __init__(self, area: QAbstractScrollArea, done: Callable[[], None]) -> None:
        super().__init__(area)
        self._area = area
        self._done = done
        self.active = True
        area.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active or event.type() != QEvent.Type.Paint or watched is not self._area.viewport():
            return False
        handled = bool(self._area.viewportEvent(event))
        self._done()
        return handled

    def remove(self) -> None:
        self.active = False
        self._area.viewport().removeEventFilter(self)


class KeyToPaintProbe(QObject):
    """Measures, with a ``QElapsedTimer``, from a key press delivered to ``target`` to the end of the next
    paint of ``view``'s viewport; one sample (in ms) per armed key press, in ``samples``.

    ``arm()`` before the key to measure: only that press starts the timer (a reveal key is not measured).
    """

    def __init__(self, target: QWidget, view: QAbstractScrollArea) -> None:
        super().__init__(target)
        self.samples: list[float] = []
        self.timer = QElapsedTimer()
        self._target = target
        self._armed = False
        self._running = False
        target.installEventFilter(self)
        self._paint = _AfterViewportPaint(view, self._painted)

    @property
    def waiting(self) -> bool:
        """A measured key was delivered and the view has not been painted since."""
        return self._running

    def arm(self) -> None:
        self._armed = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and watched is self._target and event.type() == QEvent.Type.KeyPress:
            self._armed = False
            self._running = True
            self.timer.start()
        return False

    def _painted(self) -> None:
        if self._running:
            self._running = False
            self.samples.append(self.timer.nsecsElapsed() / 1e6)

    def remove(self) -> None:
        self._target.removeEventFilter(self)
        self._paint.remove()


def process_age() -> float:
    """Seconds since this process started (from ``/proc``: the interpreter's own start-up included); where
    there is no ``/proc``, since this module was first imported."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time, in ticks after boot
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()


def exit_after_first_paint(qt_app: QApplication, deck_table: QAbstractScrollArea) -> QObject:
    """When the deck table has first been painted: print the process's age and quit the event loop."""

    def painted() -> None:
        watcher.remove()
        print(f"{FIRST_PAINT_PREFIX} {process_age():.3f} s after the process started", file=sys.stdout, flush=True)
        # exit(), not quit(): quit() would close the window first (saving its size, taking a backup)
        QTimer.singleShot(0, lambda: qt_app.exit(0))

    watcher = _AfterViewportPaint(deck_table, painted)
    return watcher
