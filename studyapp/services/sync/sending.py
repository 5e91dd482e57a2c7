"""Our chunks (``applyChunk``) sent, and the server's (``chunk``) fetched, by a thread of their own, so that the
server's time with one chunk is spent here preparing or reading the next rather than waiting: a whole collection is
about 900 chunks of 250 rows, and the server takes a millisecond or two with each. The thread only talks to the
server; the collection is read and written by the caller's thread alone, as before.

The chunks go in the order given. A failure of the thread (the server refusing a chunk, the network, a cancel seen
by the client) is raised in the caller's thread at its next ``send`` or at the end of the ``with`` block; a failure
of the caller's thread stops the sending after the chunk under way, and the thread is waited for before the
exception goes on (so that the caller's ``abort`` never shares the connection with it).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
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


# The server's chunk replies begin with their "done" flag (serde writes Anki's Chunk struct in field order);
# a reply that does not is read whole by the fetching thread, to know whether to ask for another.
_LAST, _NOT_LAST = b'{"done":true', b'{"done":false'


class ChunkReceiver:
    """The server's chunks (``chunk`` until one is done), each asked for by a thread of its own as soon as the one
    before has come, while the caller reads the one before (its JSON: a third of the time of receiving a whole
    collection) and the server makes the next. Iterate inside a ``with`` block; a failure of the thread is raised
    at the next chunk, and leaving the block early (a failure, a cancel) waits for the request under way."""

    def __init__(self, client: SyncClient) -> None:
        self._client = client
        self._queue: queue.SimpleQueue[bytes | dict[str, Any] | BaseException] = queue.SimpleQueue()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sync-receive", daemon=True)

    def __enter__(self) -> ChunkReceiver:
        self._thread.start()
        return self

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            item = self._queue.get()
            if isinstance(item, BaseException):
                raise item
            chunk = self._client.parse_chunk(item) if isinstance(item, bytes) else item
            yield chunk
            if chunk.get("done"):
                return

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stopping = True
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stopping:
                data = self._client.chunk_bytes()
                if data.startswith(_LAST):
                    self._queue.put(data)
                    return
                if data.startswith(_NOT_LAST):
                    self._queue.put(data)
                    continue
                chunk = self._client.parse_chunk(data)
                self._queue.put(chunk)
                if chunk.get("done"):
                    return
        except BaseException as failure:  # noqa: BLE001 - handed to the caller's thread, raised there
            self._queue.put(failure)
