"""Our chunks (``applyChunk``) sent by a thread of their own, so that the server's time with one chunk is spent here
preparing the next ones rather than waiting: a whole collection is about 900 chunks of 250 rows, and the server
takes a millisecond or two with each. The thread only talks to the server (compressing and sending a chunk, reading
the reply); the collection is read and written by the caller's thread alone, as before.

The chunks go in the order given. A failure of the thread (the server refusing a chunk, the network, a cancel seen
by the client) is raised in the caller's thread at its next ``send`` or at the end of the ``with`` block; a failure
of the caller's thread stops the sending after the chunk under way, and the thread is waited for before the
exception goes on (so that the caller's ``abort`` never shares the connection with it).
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import Any

from studyapp.services.sync.client import SyncClient

_END = None


class ChunkSender:
    def __init__(self, client: SyncClient) -> None:
        self._client = client
        self._queue: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sync-send", daemon=True)

    def __enter__(self) -> ChunkSender:
        self._thread.start()
        return self

    def send(self, chunk: dict[str, Any]) -> None:
        """Queue a chunk (sent after those queued before it); raises what the sending thread failed with."""
        self._raise_failure()
        self._queue.put(chunk)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._stopping = True  # the chunk under way is finished; the others are dropped
        self._queue.put(_END)
        self._thread.join()
        if kind is None:
            self._raise_failure()

    def _raise_failure(self) -> None:
        failure = self._failure
        if failure is not None:
            raise failure

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is _END or self._stopping or self._failure is not None:
                if chunk is _END:
                    return
                continue
            try:
                self._client.apply_chunk(chunk)
            except BaseException as failure:  # noqa: BLE001 - handed to the caller's thread, raised there
                self._failure = failure
