"""The sync client's framing and its reading of replies, against a small in-process HTTP server that says
exactly what a test wants (statuses, cut replies, redirects); and the address rule. No anki needed."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import zstandard

from studyapp.services.sync.client import SyncClient, address_problem
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.framing import CLIENT_VERSION, JsonText, decode_body, encode_body, sync_header

Reply = tuple[int, dict[str, str], bytes]


class FakeServer:
    """Records each request (path, anki-sync header, body decoded) and answers with `reply(path, body)`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict, bytes]] = []
        self.reply: Callable[[str, bytes], Reply] = lambda path, body: json_reply({})
        self.drop_after_reply = False  # close the connection without saying so, as an idle timeout does
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real server

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = decode_body(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.path, json.loads(self.headers["anki-sync"]), body))
                status, headers, data = fake.reply(self.path, body)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(data)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = fake.drop_after_reply

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def json_reply(value: object, *, size: int | None = None) -> Reply:
    raw = json.dumps(value).encode()
    return 200, {"anki-original-size": str(len(raw) if size is None else size)}, zstandard.compress(raw)


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.close()


def test_header_is_compact_json_with_version_key_client_and_session() -> None:
    header = sync_header("abc", "s1")
    assert " " not in header.replace(CLIENT_VERSION, "")
    assert json.loads(header) == {"v": 11, "k": "abc", "c": CLIENT_VERSION, "s": "s1"}
    assert CLIENT_VERSION.startswith("studyapp,")


def test_bodies_are_zstd_json_and_replies_decode_across_frames() -> None:
    body = encode_body({"minUsn": 5, "lnewer": True})
    assert body[:4] == b"\x28\xb5\x2f\xfd"  # the zstd frame magic
    assert json.loads(zstandard.ZstdDecompressor().decompress(body, max_output_size=1000)) == {
        "minUsn": 5,
        "lnewer": True,
    }
    assert decode_body(encode_body(b"raw bytes go as they are")) == b"raw bytes go as they are"
    # keys that are not strings are written as strings (as the json module writes them); non-ASCII text as UTF-8
    assert json.loads(decode_body(encode_body({1: "\u00e9", "n": [1.5, -2, None]}))) == {
        "1": "\u00e9",
        "n": [1.5, -2, None],
    }
    # a lone surrogate (a password read from a pipe with surrogateescape) is escaped, as the json module does
    assert decode_body(encode_body({"p": "pw\udcff"})) == b'{"p":"pw\\udcff"}'
    # JSON already written (a chunk's review-log rows, by SQLite) goes in as it is, on either path
    rows = JsonText(b"[[1,2,3],[4,5,6]]")
    assert decode_body(encode_body({"revlog": rows, "done": False})) == b'{"revlog":[[1,2,3],[4,5,6]],"done":false}'
    assert json.loads(decode_body(encode_body({"revlog": rows, "n": "\udcff"}))) == {
        "revlog": [[1, 2, 3], [4, 5, 6]],
        "n": "\udcff",
    }
    with pytest.raises(TypeError):
        encode_body({"x": object()})
    two_frames = zstandard.compress(b'{"a":') + zstandard.compress(b"1}")
    assert decode_body(two_frames) == b'{"a":1}'


def test_calls_go_to_sync_and_msync_with_the_header_and_the_json(fake: FakeServer) -> None:
    client = SyncClient(fake.endpoint.rstrip("/"), "key1")  # the trailing slash is added
    fake.reply = lambda path, body: json_reply({"cards": [], "notes": [], "decks": []})
    client.start(12, True)
    fake.reply = lambda path, body: json_reply({"data": {"usn": 3, "sk": "key1"}, "err": ""})
    assert client.media_begin() == {"usn": 3, "sk": "key1"}
    fake.reply = lambda path, body: (200, {"anki-original-size": "2"}, zstandard.compress(b"OK"))
    client.upload(b"SQLite format 3\x00")
    (start_path, header, start_body), (media_path, media_header, _), (upload_path, _, upload_body) = fake.requests
    assert (start_path, media_path, upload_path) == ("/sync/start", "/msync/begin", "/sync/upload")
    assert header == {"v": 11, "k": "key1", "c": CLIENT_VERSION, "s": client.session_key}
    assert media_header["s"] == client.session_key
    assert json.loads(start_body) == {"minUsn": 12, "lnewer": True}
    assert upload_body == b"SQLite format 3\x00"
    client.close()


def test_the_sign_in_call_sends_no_key(fake: FakeServer) -> None:
    client = SyncClient(fake.endpoint, "old")
    fake.reply = lambda path, body: json_reply({"key": "new"})
    assert client.host_key("u", "p") == "new" and client.host_key == "new"
    path, header, body = fake.requests[0]
    assert path == "/sync/hostKey" and header["k"] == "" and json.loads(body) == {"u": "u", "p": "p"}
    client.close()


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (400, "full_sync", "needs a check, then a full sync"),
        (403, "auth", "sign in again"),
        (409, "busy", "another sync"),
        (413, "too_large", "larger than the server accepts"),
        (500, "server", "failed on chunk (HTTP 500"),
        (502, "server", "HTTP 502"),
        (501, "protocol", "version 11"),
    ],
)
def test_each_status_is_one_line_of_its_kind(fake: FakeServer, status: int, kind: str, words: str) -> None:
    fake.reply = lambda path, body: (status, {}, b"some text")
    client = SyncClient(fake.endpoint, "k")
    with pytest.raises(SyncError) as caught:
        client.chunk()
    assert caught.value.kind == kind and caught.value.status == status
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"the sync server at {fake.endpoint[7:-1]} ")


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        ((200, {}, b"not zstd at all"), "unreadable"),
        ((200, {}, zstandard.compress(b"{not json")), "unreadable"),
        (json_reply({"done": True}, size=999), "cut short"),
        (json_reply([1, 2]), "unreadable"),  # a chunk must be an object
    ],
)
def test_a_reply_that_cannot_be_read_is_a_protocol_error(fake: FakeServer, reply: Reply, words: str) -> None:
    fake.reply = lambda path, body: reply
    client = SyncClient(fake.endpoint, "k")
    with pytest.raises(SyncError) as caught:
        client.chunk()
    assert caught.value.kind == "protocol" and words in str(caught.value)
    client.close()


def test_a_media_error_from_the_server_is_its_message(fake: FakeServer) -> None:
    fake.reply = lambda path, body: json_reply({"err": "media folder is full"})
    client = SyncClient(fake.endpoint, "k")
    with pytest.raises(SyncError, match="said: media folder is full") as caught:
        client.media_changes(0)
    assert caught.value.kind == "server"
    client.close()


def test_meta_follows_a_permanent_redirect_and_remembers_the_new_address(fake: FakeServer) -> None:
    target = FakeServer()
    try:
        fake.reply = lambda path, body: (308, {"Location": target.endpoint}, b"")
        target.reply = lambda path, body: json_reply({"ts": int(time.time()), "cont": True, "usn": 4})
        client = SyncClient(fake.endpoint, "k")
        assert client.meta()["usn"] == 4
        assert client.new_endpoint == target.endpoint and client.endpoint == target.endpoint
        assert [path for path, _, _ in target.requests] == ["/sync/meta"]
        client.close()
    finally:
        target.close()


def test_a_server_message_that_stops_the_sync(fake: FakeServer) -> None:
    fake.reply = lambda path, body: json_reply({"ts": int(time.time()), "cont": False, "msg": "AnkiWeb is down"})
    with pytest.raises(SyncError, match="stopped the sync: AnkiWeb is down") as caught:
        SyncClient(fake.endpoint, "k").meta()
    assert caught.value.kind == "server"


def test_a_kept_alive_connection_the_server_closed_is_retried_once_for_a_repeatable_call(fake: FakeServer) -> None:
    fake.reply = lambda path, body: json_reply(None)
    client = SyncClient(fake.endpoint, "k")
    client.apply_graves({"cards": [], "notes": [], "decks": []})
    client.apply_graves({"cards": [], "notes": [], "decks": []})  # the same connection, kept alive
    fake.drop_after_reply = True
    client.apply_graves({"cards": [], "notes": [], "decks": []})
    fake.drop_after_reply = False
    time.sleep(0.05)  # let the server's close arrive (it comes in its own time, as an idle timeout's does)
    client.apply_chunk({"done": True})  # on the closed connection, then once more on a new one
    assert [path for path, _, _ in fake.requests][-1] == "/sync/applyChunk"
    assert len(fake.requests) == 4  # the retried call reached the server once
    client.close()


def test_chunk_is_never_sent_twice(fake: FakeServer) -> None:
    fake.reply = lambda path, body: json_reply({"done": True})
    client = SyncClient(fake.endpoint, "k")
    fake.drop_after_reply = True
    client.chunk()
    time.sleep(0.05)
    with pytest.raises(SyncError) as caught:
        client.chunk()  # a second chunk call could skip the server's next chunk: it is an error instead
    assert caught.value.kind == "network" and "closed in the middle of a call" in str(caught.value)
    assert len(fake.requests) == 1
    client.close()


def test_a_silent_server_is_a_network_error_within_the_timeout(fake: FakeServer) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts the connection, never answers
    try:
        client = SyncClient(f"http://127.0.0.1:{silent.getsockname()[1]}/", "k", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(SyncError) as caught:
            client.meta()
        assert time.monotonic() - started < 3
        assert caught.value.kind == "network" and "no answer within 0.5 s" in str(caught.value)
    finally:
        silent.close()


def test_an_address_that_is_not_one_is_refused_when_the_client_is_made() -> None:
    with pytest.raises(SyncError) as caught:
        SyncClient("ftp://example.org/")
    assert caught.value.kind == "network"


@pytest.mark.parametrize(
    "endpoint",
    ["https://sync.example.org/", "https://192.168.1.2:8080/", "https://localhost/"],
)
def test_https_is_always_fine(endpoint: str) -> None:
    assert address_problem(endpoint) is None


@pytest.mark.parametrize(
    ("endpoint", "where"),
    [
        ("http://127.0.0.1:8080/", "this computer"),
        ("http://localhost:8080/", "this computer"),
        ("http://[::1]:8080/", "this computer"),
        ("http://10.1.2.3/", "a private-network address"),
        ("http://172.16.0.9:27701/", "a private-network address"),
        ("http://172.31.255.255/", "a private-network address"),
        ("http://192.168.0.20:8080/", "a private-network address"),
        ("http://[fd12:3456::1]/", "a private-network address"),
        ("http://nas.local:8080/", "a name on the local network"),
    ],
)
def test_plain_http_to_this_computer_or_a_private_network_is_a_warning_to_confirm(endpoint: str, where: str) -> None:
    problem = address_problem(endpoint)
    assert problem is not None and problem.confirmable
    assert where in problem and "unencrypted" in problem and "\n" not in problem


@pytest.mark.parametrize(
    "endpoint",
    ["http://sync.example.org/", "http://172.32.0.1/", "http://8.8.8.8/", "http://[2001:db8::1]/", "sync.example.org"],
)
def test_plain_http_anywhere_else_is_refused(endpoint: str) -> None:
    problem = address_problem(endpoint)
    assert problem is not None and not problem.confirmable and "\n" not in problem
