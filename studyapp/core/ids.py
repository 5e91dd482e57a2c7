"""Globally unique ids and stable note identities.

Ids are random 63-bit integers, never row counters, so two collections can be merged or synced
without clashes. Randomness comes from an injected ``random.Random``.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata

_ID_BITS = 63


def new_id(rng: random.Random) -> int:
    """A random positive 63-bit id (never 0, so it fits SQLite's INTEGER PRIMARY KEY)."""
    return rng.getrandbits(_ID_BITS) or 1


_RANDOM_BITS = 21  # below the time: 42 bits of milliseconds last until the year 2109


def time_ordered_id(moment_ms: int, rng: random.Random) -> int:
    """An id for a history row (a review-log row, a schedule change): its time in ms, then 21 random bits, as a
    UUIDv7 is made. Ids of rows from different devices or files still do not clash (two rows would need the same
    millisecond and the same 21 bits), and the table holding them stays in time order: a new answer's row goes
    at the end of the table's B-tree, one page, instead of into a full page in the middle that must be split
    (a million rows with random ids: two pages written per answer instead of one, see benchmarks/engine_speed.py).
    """
    return min(max(0, moment_ms) << _RANDOM_BITS | rng.getrandbits(_RANDOM_BITS), (1 << _ID_BITS) - 1) or 1


class TimeOrderedIds:
    """Ids for the review-log rows of one study session (:func:`time_ordered_id`), each one bigger than the one
    before from the same source, so answers written one after another get neighbouring ids: a new log row goes
    to the page the one before went to, already in the cache."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._last = 0

    def next(self, moment_ms: int) -> int:
        self._last = min(max(time_ordered_id(moment_ms, self._rng), self._last + 1), (1 << _ID_BITS) - 1)
        return self._last


def content_guid(deck_name: str, front: str) -> str:
    """A stable identity for a note from a plain file, which has no ids of its own.

    It is a hash of the deck name and the front, normalised so that re-typing the same question with
    different spacing, case or Unicode composition still matches.
    """
    key = f"{_normalise(deck_name)}\x1f{_normalise(front)}"
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _normalise(text: str) -> str:
    if text.isascii():  # the common case, and 3x faster: NFC changes nothing and casefold is lower
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# Anki's own guids are kept with this prefix, so they can never clash with our content hashes ("h:").
ANKI_GUID_PREFIX = "anki:"
_OUR_GUID_PREFIXES = ("h:",)


def from_anki_guid(anki_guid: str) -> str:
    """Our identity for a note read from Anki (a package, a sync, a text file's guid column); a note we once
    exported keeps its own guid, and one already in our form (a text file an earlier version wrote) is kept."""
    if anki_guid.startswith(_OUR_GUID_PREFIXES) or anki_guid.startswith(ANKI_GUID_PREFIX):
        return anki_guid
    return ANKI_GUID_PREFIX + anki_guid


def to_anki_guid(guid: str) -> str:
    """The guid to write into an Anki package: Anki's own back as it was, ours as it is."""
    return guid.removeprefix(ANKI_GUID_PREFIX)
