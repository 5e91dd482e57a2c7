"""Cancelling work that writes, from another thread, without ever saying "nothing changed" when it did.

The worker checks ``check()`` now and then (it raises ``Cancelled``: the transaction rolls back) and wraps its
last check and the commit in ``committing()``: from that last check until the commit is done, a ``cancel()``
waits, so it answers truly whether it came in time. A commit takes a fraction of a second; the work before it
(a reschedule of 60,000 cards takes most of a minute) is never waited for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Cancelled(Exception):
    """The work was cancelled before it wrote anything; nothing changed."""


class Cancellation:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._committed = False

    def cancel(self) -> bool:
        """Ask the work to stop; True if it will write nothing, False if it had already committed."""
        with self._lock:
            if self._committed:
                return False
            self._cancelled = True
            return True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def check(self) -> None:
        if self._cancelled:
            raise Cancelled("cancelled: nothing was changed")

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Around the transaction: call ``last_check()`` at the end of its body, just before it commits."""
        try:
            yield
        except BaseException:
            if self._lock.locked() and self._holder == threading.get_ident():
                self._release()
            raise
        if self._lock.locked() and self._holder == threading.get_ident():
            self._committed = True
            self._release()

    def last_check(self) -> None:
        """The last check before the commit: from here until the commit, a ``cancel()`` waits."""
        self._lock.acquire()
        self._holder = threading.get_ident()
        if self._cancelled:
            self._release()
            raise Cancelled("cancelled: nothing was changed")

    _holder: int | None = None

    def _release(self) -> None:
        self._holder = None
        self._lock.release()
