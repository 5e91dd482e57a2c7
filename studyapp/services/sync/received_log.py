"""The server's review-log rows as a sync receives them, and the rows here that some of them already are.

A row the server sends may be one this side sent before (an earlier sync, or one whose ``finish`` reached the
server but whose commit here was lost): it is matched by card, time, button and duration, not added again. An
answer to a card deleted here went up under that card's Anki id, which is gone with the card: it is matched among
the answers to deleted cards by time alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studyapp.services.sync import anki_form as af

__all__ = ["BUMP_MS", "ReceivedLog", "gone_row", "local_row"]

BUMP_MS = 1000  # how far a row's id can have moved from its time when it went up (answers in the same ms)


class ReceivedLog:
    """The server's review-log rows, taken chunk by chunk as they come (while the next chunk is fetched): the rows
    new to the mirror, each once, grouped by their card's Anki id in the order they came."""

    def __init__(self, known: set[int]) -> None:
        self.known = known  # the mirror's rows (had from the server before), then each row as it is taken
        self.by_card: dict[int, list[Sequence[Any]]] = {}
        self.rows: list[tuple[int, int, Sequence[Any]]] = []  # (row id, card id, row) in the order they came
        self.special: set[int] = set()  # cards with a row that is not an answer (a reset, a reschedule, a preview)

    def take(self, entries: Sequence[Sequence[Any]]) -> None:
        known, by_card, add = self.known, self.by_card, self.rows.append
        for entry in entries:
            anki_id = int(entry[af.R_ID])
            if anki_id in known:
                continue
            known.add(anki_id)
            card = int(entry[af.R_CID])
            add((anki_id, card, entry))
            rows = by_card.get(card)
            if rows is None:
                rows = by_card[card] = []
            rows.append(entry)
            if af.revlog_event(entry)[0] != "answer":
                self.special.add(card)


def local_row(
    local: dict[tuple[int, int], tuple[int, int, int]], used: set[int], with_rows: set[int], card: int,
    entry: Sequence[Any],
) -> int | None:  # fmt: skip
    """The row here that a server row is: of the same card, with the same button and duration, at its time or a
    little before it (an id moves to the next free millisecond when it goes up beside another answer of the same
    millisecond). Another device's answer to the same card a moment apart is not one: its button or duration
    differs."""
    if card not in with_rows:
        return None
    anki_id, ease, duration = _answer_keys(entry)
    for at in range(anki_id, anki_id - BUMP_MS, -1):
        row = local.get((card, at))
        if row is not None and _fits(row, used, ease, duration):
            return row[0]
    return None


def gone_row(rows_at: dict[int, list[tuple[int, int, int]]], used: set[int], entry: Sequence[Any]) -> int | None:
    """``local_row`` among the answers here to cards deleted here, by their time alone (several at one ms)."""
    anki_id, ease, duration = _answer_keys(entry)
    for at in range(anki_id, anki_id - BUMP_MS, -1):
        for row in rows_at.get(at, ()):
            if _fits(row, used, ease, duration):
                return row[0]
    return None


def _answer_keys(entry: Sequence[Any]) -> tuple[int, int, int]:
    """A server row's id (its time), button and duration (as it went up: max(0, min(duration, 2**31 - 1)))."""
    return int(entry[af.R_ID]), int(entry[af.R_EASE]), int(entry[af.R_TIME])


def _fits(row: tuple[int, int, int], used: set[int], ease: int, duration: int) -> bool:
    """Whether a row here (id, button, duration), not yet matched, is the server's row; it is then taken."""
    if row[0] in used or row[1] != ease or max(0, min(row[2], 2**31 - 1)) != duration:
        return False
    used.add(row[0])
    return True
