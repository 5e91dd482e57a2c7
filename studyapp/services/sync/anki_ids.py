"""Anki ids for what goes to the server for the first time: its ids are times in milliseconds (a note's and a
card's, the time the note was made; a review-log row's, the answer's), moved to the next free millisecond when
one is taken."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["AnkiIds", "FreeIds"]


class AnkiIds:
    """Anki ids for notes and cards going to the server for the first time: the time their note was made here (ms;
    never later than the sync), moved to the next free millisecond on a clash, as Anki's own ids are times. (Our
    random 63-bit ids read as times millions of years ahead: the phone's Check Database renumbered every such note
    and card, and its browser showed them added in no real year.)"""

    def __init__(self, taken: set[int], created: dict[int, int], now_s: int) -> None:
        self.free = FreeIds(lambda: taken)
        self.created = created
        self.now_ms = now_s * 1000

    def take(self, note_id: int) -> int:
        made = self.created.get(note_id, self.now_ms)
        return self.free.take(min(max(made, 1), self.now_ms))


class FreeIds:
    """Anki review-log ids: an answer's time in ms, moved to the next free millisecond on a clash. Many answers
    at one instant (an import that logged a day's answers at midnight) each start after the last one given; only
    instants that clashed are remembered for that (a million answers at a million instants: no dict of them)."""

    def __init__(self, taken: Callable[[], set[int]]) -> None:
        self.read_taken = taken
        self.taken: set[int] | None = None
        self.after: dict[int, int] = {}

    def take(self, at_ms: int) -> int:
        taken = self.taken
        if taken is None:
            taken = self.taken = self.read_taken()
        candidate = self.after.get(at_ms, at_ms)
        while candidate in taken:
            candidate += 1
        taken.add(candidate)
        if candidate != at_ms:
            self.after[at_ms] = candidate + 1
        return candidate
