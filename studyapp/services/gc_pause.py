"""Pausing Python's cycle collector around work that makes a million short-lived, acyclic objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block, then let it run again.

    A big import, or a reschedule of every studied card, makes about a million small objects (rows, notes,
    log entries, schedules) that form no reference cycles and all live until the work ends; every full
    collection walks them all again, for nothing: a tenth of an import's time at 100,000 rows, and, on a
    worker thread, pauses of up to a second in the window, since a collection holds the GIL. Memory is still
    freed by reference counting as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
