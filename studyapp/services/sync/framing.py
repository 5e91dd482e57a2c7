"""The sync protocol's framing: the ``anki-sync`` header and zstd bodies (pure functions, tested on their own)."""

from __future__ import annotations

import json
import sys
from typing import Any

import orjson
import zstandard

from studyapp import __version__

SYNC_VERSION = 11
CLIENT_VERSION = f"studyapp,{__version__},{sys.platform}"


def sync_header(host_key: str, session_key: str) -> str:
    """The ``anki-sync`` header's value: compact JSON, as the server parses it."""
    return json.dumps({"v": SYNC_VERSION, "k": host_key, "c": CLIENT_VERSION, "s": session_key}, separators=(",", ":"))


class JsonText:
    """A value already written as JSON (a chunk's review-log rows, written by SQLite): put into a body as it is."""

    __slots__ = ("text",)

    def __init__(self, text: bytes) -> None:
        self.text = text


def _as_fragment(value: Any) -> Any:
    if isinstance(value, JsonText):
        return orjson.Fragment(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _as_value(value: Any) -> Any:
    if isinstance(value, JsonText):
        return json.loads(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON")


def encode_body(payload: Any) -> bytes:
    """A request body: compact JSON (bytes go as they are), zstd-compressed. Keys that are not strings are written
    as strings, as the standard ``json`` module writes them; a ``JsonText`` goes in as it was written."""
    if isinstance(payload, bytes):
        raw = payload
    else:
        try:
            raw = orjson.dumps(payload, default=_as_fragment, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # a lone surrogate (text read with surrogateescape): escaped, as the json module does
            raw = json.dumps(payload, separators=(",", ":"), default=_as_value).encode()
    return zstandard.ZstdCompressor(level=3).compress(raw)


def decode_json(data: bytes) -> Any:
    """A reply's JSON; raises ``ValueError`` if it is not JSON. (An integer beyond 64 bits, which no field of the
    protocol has, is read as a float: what reads a field checks its type and range.)"""
    return orjson.loads(data)


class Unzstd:
    """Streaming zstd decoding of a reply, across frames."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._decoder = zstandard.ZstdDecompressor().decompressobj()

    def feed(self, data: bytes) -> None:
        while data:
            self._parts.append(self._decoder.decompress(data))
            data = self._decoder.unused_data if self._decoder.eof else b""
            if self._decoder.eof:
                self._decoder = zstandard.ZstdDecompressor().decompressobj()

    def result(self) -> bytes:
        return b"".join(self._parts)


def decode_body(data: bytes) -> bytes:
    decoder = Unzstd()
    decoder.feed(data)
    return decoder.result()
