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


def content_guid(deck_name: str, front: str) -> str:
    """A stable identity for a note from a plain file, which has no ids of its own.

    It is a hash of the deck name and the front, normalised so that re-typing the same question with
    different spacing, case or Unicode composition still matches.
    """
    key = f"{_normalise(deck_name)}\x1f{_normalise(front)}"
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
