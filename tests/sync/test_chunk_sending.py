"""Our chunks go by a thread of their own (``sending.ChunkSender``) while the next ones are found: in order, every
one; a failure of the sending is raised in the sync's thread; a failure of the sync's thread stops the sending and
waits for it (the ``abort`` that follows never shares the connection with it). And the chunks themselves
(``Outgoing.chunks``' chunker): at most 250 objects each, notes then cards then the log, the last one done. The
server's chunks are fetched by a thread too (``ChunkReceiver``): in order, none after the last, failures raised in
the sync's thread."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.exchange_out import CHUNK, _Chunker
from studyapp.services.sync.sending import ChunkReceiver, ChunkSender


class FakeClient:
    def __init__(self, fail_at: int | None = None, gate: threading.Event | None = None) -> None:
        self.sent: list[int] = []
        self.threads: set[str] = set()
        self.fail_at = fail_at
        self.gate = gate
        self.entered = threading.Event()

    def apply_chunk(self, chunk: dict[str, Any]) -> None:
        self.threads.add(threading.current_thread().name)
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        if chunk["n"] == self.fail_at:
            raise SyncError("the sync server refused chunk", "full_sync")
        self.sent.append(chunk["n"])


def test_every_chunk_goes_in_order_from_another_thread() -> None:
    client = FakeClient()
    with ChunkSender(client) as sender:  # type: ignore[arg-type]
        for n in range(500):
            sender.send({"n": n})
    assert client.sent == list(range(500))
    assert client.threads == {"sync-send"}


def test_a_failed_chunk_is_raised_in_the_syncs_thread_and_nothing_after_it_goes() -> None:
    client = FakeClient(fail_at=3)
    with pytest.raises(SyncError, match="refused chunk"), ChunkSender(client) as sender:  # type: ignore[arg-type]
        for n in range(50):
            sender.send({"n": n})
    assert client.sent == [0, 1, 2]


def test_a_failure_of_the_sync_stops_the_sending_and_waits_for_the_chunk_under_way() -> None:
    gate = threading.Event()
    client = FakeClient(gate=gate)
    sender = ChunkSender(client)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="cards failed"), sender:
        for n in range(5):
            sender.send({"n": n})
        assert client.entered.wait(10)  # chunk 0 is with the server
        threading.Timer(0.2, gate.set).start()  # its reply comes while the failure below waits for it
        raise RuntimeError("cards failed")
    assert not sender._thread.is_alive()
    assert client.sent == [0]  # the chunk under way was finished, the others dropped


def _chunked(parts: list[tuple[str, int]]) -> list[dict[str, Any]]:
    chunker, chunks = _Chunker(), []
    for key, count in parts:
        chunks += list(chunker.add(key, ([key, i] for i in range(count))))
    return [*chunks, chunker.last()]


@pytest.mark.parametrize("notes, cards, revlog", [(0, 0, 0), (10, 10, 230), (10, 10, 231), (7, 600, 1999)])
def test_the_chunks_hold_everything_at_most_250_each_and_the_last_is_done(notes: int, cards: int, revlog: int) -> None:
    chunks = _chunked([("notes", notes), ("cards", cards), ("revlog", revlog)])
    assert all(sum(len(c[key]) for key in ("notes", "cards", "revlog")) <= CHUNK for c in chunks)
    assert [c["done"] for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert len(chunks) == (notes + cards + revlog) // CHUNK + 1
    for key, count in (("notes", notes), ("cards", cards), ("revlog", revlog)):
        assert [item for c in chunks for item in c[key]] == [[key, i] for i in range(count)]


class FakeServer:
    """``chunk_bytes`` replies as the server's (``{"done":...`` first), or in another key order; ``parse_chunk`` as
    the client's. Records which thread asked, and how many were asked for."""

    def __init__(self, replies: list[bytes], fail_at: int | None = None) -> None:
        self.replies = replies
        self.asked = 0
        self.fail_at = fail_at
        self.threads: set[str] = set()

    def chunk_bytes(self) -> bytes:
        self.threads.add(threading.current_thread().name)
        if self.asked == self.fail_at:
            raise SyncError("the network went away", "network")
        reply = self.replies[self.asked]
        self.asked += 1
        return reply

    def parse_chunk(self, data: bytes) -> dict[str, Any]:
        return json.loads(data)


def _reply(done: bool, n: int, *, done_first: bool = True) -> bytes:
    chunk = {"done": done, "revlog": [[n]]} if done_first else {"revlog": [[n]], "done": done}
    return json.dumps(chunk, separators=(",", ":")).encode()


@pytest.mark.parametrize("done_first", [True, False])
def test_the_servers_chunks_come_in_order_and_none_is_asked_for_after_the_last(done_first: bool) -> None:
    server = FakeServer([*(_reply(False, n, done_first=done_first) for n in range(5)), _reply(True, 5),
                         _reply(False, 99)])  # fmt: skip
    with ChunkReceiver(server) as receiver:  # type: ignore[arg-type]
        got = [chunk["revlog"][0][0] for chunk in receiver]
    assert got == [0, 1, 2, 3, 4, 5]
    assert server.asked == 6  # never a chunk after the one that said done
    assert server.threads == {"sync-receive"}


def test_a_failed_fetch_is_raised_in_the_syncs_thread_after_the_chunks_before_it() -> None:
    server = FakeServer([_reply(False, n) for n in range(10)], fail_at=3)
    got = []
    with pytest.raises(SyncError, match="network"), ChunkReceiver(server) as receiver:  # type: ignore[arg-type]
        for chunk in receiver:
            got.append(chunk["revlog"][0][0])
    assert got == [0, 1, 2]


def test_leaving_early_stops_the_fetching_and_waits_for_the_request_under_way() -> None:
    gate = threading.Event()

    class Slow(FakeServer):
        def chunk_bytes(self) -> bytes:
            if self.asked == 1:  # the second request waits for the server
                assert gate.wait(10)
            return super().chunk_bytes()

    server = Slow([_reply(False, n) for n in range(100)])
    receiver = ChunkReceiver(server)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="cancelled here"), receiver:
        for _chunk in receiver:
            threading.Timer(0.2, gate.set).start()  # the reply comes while the failure waits for it
            raise RuntimeError("cancelled here")
    assert not receiver._thread.is_alive()
    assert server.asked in (1, 2)  # the one under way (if any) finished, none asked for after it
