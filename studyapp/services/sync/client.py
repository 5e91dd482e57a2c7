"""A client of the Anki sync protocol, version 11: what AnkiDroid, AnkiMobile and Anki speak to AnkiWeb or to the
self-hosted `python -m anki.syncserver`. Standard-library HTTP and zstandard; our own code (the protocol was read
in ankitects/anki's rslib/src/sync, never copied).

Every call is ``POST {endpoint}sync/{method}`` (media: ``msync/{method}``) with the header
``anki-sync: {"v":11,"k":host key,"c":client version,"s":session key}``; the body is zstd-compressed JSON (raw
bytes for ``upload`` and ``uploadChanges``), and so is a 200 reply, whose ``anki-original-size`` header gives
its length uncompressed (checked here). An error reply is a bare status text, not compressed.

The shapes seen from the real server (anki 26.09), for the callers:

- ``hostKey`` ``{"u": user, "p": password}`` -> ``{"key": "<40 hex>"}``; 403 for a wrong user or password.
- ``meta`` ``{"v": 11, "cv": client version}`` -> ``{"mod": ms, "scm": ms, "usn": int, "ts": s, "msg": "",
  "cont": true, "hostNum": 0, "empty": bool, "media_usn": int}``. An empty server: mod 0, usn 0, empty true,
  scm the moment its collection was made. NB: ``meta`` (like ``upload``/``download``) aborts a normal sync the
  server has open for this user, so never call it between ``start`` and ``finish``.
- ``start`` ``{"minUsn": our usn at the last sync, "lnewer": our mod > the server's}`` -> the server's graves
  since minUsn, ``{"cards": [ids], "notes": [ids], "decks": [ids]}``; it opens the server's sync state under
  our session key (a ``start`` from another session takes it over: our next call gets 409).
- ``applyGraves`` ``{"chunk": {"cards": [], "notes": [], "decks": []}}`` (at most 250 ids a chunk) -> null.
- ``applyChanges`` ``{"changes": {"models": [note type dicts], "decks": [[deck dicts], [deck config dicts]],
  "tags": [names], "conf": {...}, "crt": s}}`` (conf and crt only when we are newer) -> the same shape from
  the server: its objects with usn >= minUsn, and its conf and crt when it is newer. An empty server, minUsn 0,
  sends its 6 stock note types (Basic, the two reversed, type in the answer, Cloze, Image Occlusion; usn 0),
  the Default deck and the Default deck config, no tags, and conf and crt.
- ``chunk`` ``{}`` -> ``{"done": bool, "revlog": [...], "cards": [...], "notes": [...]}`` (empty lists left
  out), each row a JSON array in Anki's column order: revlog [id, cid, usn, ease, ivl, lastIvl, factor, time,
  type], cards [id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid,
  flags, data], notes [id, guid, mid, mod, usn, tags, flds, sfld "", csum "", flags, data]. Call until done.
- ``applyChunk`` ``{"chunk": {"done": bool, "revlog": [], "cards": [], "notes": []}}`` -> null; send until a
  chunk with done true.
- ``sanityCheck2`` ``{"client": [[new, learn, review], cards, notes, revlog, graves, models, decks,
  deck_config]}`` -> ``{"status": "ok" | "bad", "c": [..], "s": [..]}``. The server zeroes the due counts
  and the graves and compares the rest exactly: our counts must equal its counts after the merge. An empty
  server after an empty round: [[0, 0, 0], 0, 0, 0, 0, 6, 1, 1]. A "bad" reply drops the server's open sync
  and its uncommitted changes: abort, roll back, and a full sync is next. Never ``finish`` then: the server
  answers 400 but has already moved its usn on.
- ``finish`` ``{}`` -> the server's new mod (ms), an integer; the collection's usn on the server is now + 1.
- ``abort`` ``{}`` -> null. ``upload`` raw SQLite bytes -> the bare text "OK" (or a reason). ``download`` ``{}``
  -> the server's collection as SQLite bytes (schema 18).
- media: every reply is ``{"data": ..., "err": ""}`` (a non-empty err is the server's message). ``msync/begin``
  ``{"v": client version}`` -> ``{"usn": media usn, "sk": host key}``; ``mediaChanges`` ``{"lastUsn": n}`` ->
  ``[[name, usn, sha1 hex or "" if deleted], ...]``; ``downloadFiles`` ``{"files": [names]}`` -> a zip (not
  wrapped); ``uploadChanges`` a zip -> ``[processed, current usn]``; ``mediaSanity`` ``{"local": count}`` ->
  "OK" or "mediaSanity".

Statuses: 403 "auth", 409 "busy", 400 "full_sync" (the server could not apply what we sent: check the
database, then a full sync), 413 "too_large", 501 "protocol" (version), 5xx "server". A socket error is
"network" naming the address. ``cancelled()`` is polled before each call and every 64 KiB of a body, up or down;
the caller then calls ``abort()`` (never raises) and rolls back.
"""

from __future__ import annotations

import contextlib
import http.client
import secrets
import ssl
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import zstandard

from studyapp.services.sync.address import AddressProblem, address_problem
from studyapp.services.sync.call_errors import network_error, status_error
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.framing import (
    CLIENT_VERSION,
    SYNC_VERSION,
    Unzstd,
    decode_json,
    encode_body,
    sync_header,
)

__all__ = ["AddressProblem", "SyncClient", "SyncError", "address_problem"]
MAX_CLOCK_SKEW_SECONDS = 300
STREAM_PIECE = 64 * 1024
# Calls that may be sent again after a kept-alive connection turned out closed: doing one twice changes
# nothing. chunk (a second call would skip a chunk), finish and upload are never repeated.
_REPEATABLE = frozenset({"hostKey", "meta", "start", "applyGraves", "applyChanges", "applyChunk", "sanityCheck2"})
_REPEATABLE_MEDIA = frozenset({"begin", "mediaChanges", "downloadFiles", "mediaSanity"})


# --- the client --------------------------------------------------------------------------------------------------


class SyncClient:
    """One sync's conversation with a server: a session key of its own, one kept-alive connection."""

    def __init__(
        self,
        endpoint: str,
        host_key: str = "",
        *,
        timeout: float = 30.0,
        cancelled: Callable[[], bool] | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        if not endpoint.endswith("/"):
            endpoint += "/"
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SyncError(f"{endpoint!r} is not a sync server address (https://host/)", "network")
        self.endpoint = endpoint
        self._host_key = host_key
        self.timeout = timeout
        self.cancelled = cancelled or (lambda: False)
        self.now = now
        self.session_key = secrets.token_urlsafe(6)
        self.new_endpoint: str | None = None  # set when the server moved us (a 308 on meta)
        self._connection: http.client.HTTPConnection | None = None
        self._set_endpoint(endpoint)

    def _set_endpoint(self, endpoint: str) -> None:
        self.close()
        self.endpoint = endpoint
        parts = urllib.parse.urlsplit(endpoint)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._path = parts.path or "/"
        self.server_name = parts.netloc

    def close(self) -> None:
        """Close the kept-alive connection (the next call opens a new one)."""
        connection, self._connection = getattr(self, "_connection", None), None
        if connection is not None:
            connection.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    # -- the collection protocol ----------------------------------------------------------------------------------

    @property
    def host_key(self) -> _HostKey:
        """The host key (a str; "" before sign-in). Called, ``host_key(user, password)`` signs in: it trades the
        password for the key, keeps it here and returns it (the password itself is never kept)."""
        return _HostKey(self._host_key, self._sign_in)

    @host_key.setter
    def host_key(self, key: str) -> None:
        self._host_key = str(key)

    def _sign_in(self, user: str, password: str) -> str:
        reply = self._json("sync", "hostKey", {"u": user, "p": password}, login=True)
        key = reply.get("key") if isinstance(reply, dict) else None
        if not isinstance(key, str) or not key:
            raise self._unreadable("hostKey", reply)
        self._host_key = key
        return key

    def meta(self) -> dict:
        try:
            reply = self._json("sync", "meta", {"v": SYNC_VERSION, "cv": CLIENT_VERSION})
        except _Moved as moved:
            self.new_endpoint = moved.location
            self._set_endpoint(moved.location)
            reply = self._json("sync", "meta", {"v": SYNC_VERSION, "cv": CLIENT_VERSION})
        if not isinstance(reply, dict) or not isinstance(reply.get("ts"), int):
            raise self._unreadable("meta", reply)
        skew = self.now() - reply["ts"]
        if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
            way = "ahead of" if skew > 0 else "behind"
            raise SyncError(
                f"this computer's clock is {_minutes(abs(skew))} {way} the sync server at {self.server_name}: "
                "set the date, time and time zone right, then sync again",
                "clock",
            )
        if reply.get("cont") is False:
            message = reply.get("msg") or "it gave no reason"
            raise SyncError(f"the sync server at {self.server_name} stopped the sync: {message}", "server")
        return reply

    def start(self, min_usn: int, local_is_newer: bool) -> dict:
        reply = self._json("sync", "start", {"minUsn": min_usn, "lnewer": local_is_newer})
        if not isinstance(reply, dict):
            raise self._unreadable("start", reply)
        return reply

    def apply_graves(self, chunk: dict) -> None:
        self._json("sync", "applyGraves", {"chunk": chunk})

    def apply_changes(self, changes: dict) -> dict:
        reply = self._json("sync", "applyChanges", {"changes": changes})
        if not isinstance(reply, dict):
            raise self._unreadable("applyChanges", reply)
        return reply

    def chunk(self) -> dict:
        return self.parse_chunk(self.chunk_bytes())

    def chunk_bytes(self) -> bytes:
        """``chunk``'s reply as it came (decompressed), for ``parse_chunk`` (the JSON is read by another thread
        while the server makes the next chunk: ``sending.ChunkReceiver``)."""
        return self._call("sync", "chunk", encode_body({}))

    def parse_chunk(self, data: bytes) -> dict:
        reply = self._parse("chunk", data)
        if not isinstance(reply, dict):
            raise self._unreadable("chunk", reply)
        return reply

    def apply_chunk(self, chunk: dict) -> None:
        self._json("sync", "applyChunk", {"chunk": chunk})

    def sanity_check(self, client_counts: list) -> dict:
        reply = self._json("sync", "sanityCheck2", {"client": client_counts})
        if not isinstance(reply, dict) or "status" not in reply:
            raise self._unreadable("sanityCheck2", reply)
        return reply

    def finish(self) -> int:
        reply = self._json("sync", "finish", {})
        if not isinstance(reply, int):
            raise self._unreadable("finish", reply)
        return reply

    def abort(self) -> None:
        """Tell the server to drop its open sync. Never raises, never waits for cancel: a failure is cleanup."""
        with contextlib.suppress(Exception):  # best effort, on the way out of a failure
            self._call("sync", "abort", encode_body({}), check_cancel=False)

    def upload(self, collection_bytes: bytes) -> None:
        reply = self._call("sync", "upload", encode_body(collection_bytes))
        if reply != b"OK":
            text = reply.decode(errors="replace").strip()[:200] or "no reason given"
            raise SyncError(f"the sync server at {self.server_name} refused the collection: {text}", "server")

    def download(self) -> bytes:
        return self._call("sync", "download", encode_body({}))

    # -- media --------------------------------------------------------------------------------------------------

    def media_begin(self) -> dict:
        reply = self._media_json("begin", {"v": CLIENT_VERSION})
        if not isinstance(reply, dict) or "usn" not in reply:
            raise self._unreadable("msync/begin", reply)
        return reply

    def media_changes(self, last_usn: int) -> list:
        reply = self._media_json("mediaChanges", {"lastUsn": last_usn})
        if not isinstance(reply, list):
            raise self._unreadable("mediaChanges", reply)
        return reply

    def download_files(self, names: list[str]) -> bytes:
        return self._call("msync", "downloadFiles", encode_body({"files": list(names)}))

    def upload_changes(self, zip_bytes: bytes) -> list | dict:
        reply = self._media_json("uploadChanges", zip_bytes)
        if not isinstance(reply, (list, dict)):
            raise self._unreadable("uploadChanges", reply)
        return reply

    def media_sanity(self, local_count: int) -> str:
        reply = self._media_json("mediaSanity", {"local": local_count})
        if not isinstance(reply, str):
            raise self._unreadable("mediaSanity", reply)
        return reply

    # -- the wire ---------------------------------------------------------------------------------------------------

    def _media_json(self, method: str, payload: Any) -> Any:
        wrapped = self._parse(method, self._call("msync", method, encode_body(payload)))
        if not isinstance(wrapped, dict):
            raise self._unreadable(method, wrapped)
        if wrapped.get("err"):
            raise SyncError(f"the sync server at {self.server_name} said: {wrapped['err']}", "server")
        if "data" not in wrapped:
            raise self._unreadable(method, wrapped)
        return wrapped["data"]

    def _json(self, area: str, method: str, payload: Any, *, login: bool = False) -> Any:
        return self._parse(method, self._call(area, method, encode_body(payload), login=login))

    def _parse(self, method: str, data: bytes) -> Any:
        try:
            return decode_json(data)
        except ValueError:
            raise self._unreadable(method, data[:80]) from None

    def _unreadable(self, method: str, reply: Any) -> SyncError:
        return SyncError(
            f"the sync server at {self.server_name} answered {method} with something unreadable: {str(reply)[:80]}",
            "protocol",
        )

    def _call(self, area: str, method: str, body: bytes, *, login: bool = False, check_cancel: bool = True) -> bytes:
        """POST one call and return its reply decoded; every failure is a SyncError."""
        if check_cancel:
            self._check_cancel()
        repeatable = method in (_REPEATABLE if area == "sync" else _REPEATABLE_MEDIA)
        for attempt in (1, 2):
            reused = self._connection is not None
            try:
                return self._exchange(area, method, body, login=login, check_cancel=check_cancel)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                if attempt == 1 and reused and repeatable:
                    continue  # the kept-alive connection had been closed by the server: once more, afresh
                raise network_error(self.server_name, self.timeout, error) from None
            except SyncError:
                self.close()
                raise
            except (OSError, http.client.HTTPException) as error:
                self.close()
                raise network_error(self.server_name, self.timeout, error) from None
        raise AssertionError("unreachable")

    def _exchange(self, area: str, method: str, body: bytes, *, login: bool, check_cancel: bool) -> bytes:
        if self._connection is None:
            if self._https:
                self._connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                self._connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        conn = self._connection
        conn.putrequest("POST", f"{self._path}{area}/{method}", skip_accept_encoding=True)
        conn.putheader("anki-sync", sync_header("" if login else self._host_key, self.session_key))
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        view = memoryview(body)
        for start in range(0, len(body), STREAM_PIECE):
            if check_cancel and start:
                self._check_cancel()
            conn.send(view[start : start + STREAM_PIECE])
        reply = conn.getresponse()
        if reply.status != 200:
            text = reply.read(2000).decode(errors="replace").strip()
            location = reply.getheader("Location")
            self.close()
            if reply.status in (307, 308) and location and method == "meta":
                raise _Moved(urllib.parse.urljoin(self.endpoint, location))
            raise status_error(self.server_name, reply.status, text, area, method, login=login)
        decoder = Unzstd()
        try:
            while piece := reply.read(STREAM_PIECE):
                decoder.feed(piece)
                if check_cancel:
                    self._check_cancel()
        except zstandard.ZstdError:
            self.close()
            raise self._unreadable(method, "not zstd") from None
        if reply.will_close:
            self.close()
        data = decoder.result()
        size = reply.getheader("anki-original-size")
        if size is not None and size.isdigit() and int(size) != len(data):
            raise SyncError(
                f"the sync server at {self.server_name} sent {len(data)} bytes for {method} where it announced "
                f"{size}: the reply was cut short",
                "protocol",
            )
        return data

    def _check_cancel(self) -> None:
        if self.cancelled():
            self.close()
            raise SyncError("the sync was cancelled", "cancelled")


class _HostKey(str):
    """A host key that can also be called to sign in (see SyncClient.host_key)."""

    def __new__(cls, key: str, sign_in: Callable[[str, str], str]) -> _HostKey:
        value = super().__new__(cls, key)
        value._sign_in = sign_in
        return value

    def __call__(self, user: str, password: str) -> str:
        return self._sign_in(user, password)


class _Moved(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location if location.endswith("/") else location + "/"


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} minutes" if minutes != 1 else "1 minute"
