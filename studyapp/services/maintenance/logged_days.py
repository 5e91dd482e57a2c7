"""Check Collection and the load balancer: a card's last review interval is the day its log recorded, if within range.

The fast replay of Check reads each card's answers as times and ratings only (one scan of a covering index): it
replays the last answer's review interval with the plain seeded fuzz. Where the load balancer chose another day of
the fuzz range, the stored due differs from that. For those cards (the mismatches whose replay ends in review with
that answer as the card's last event), the last answer's logged due is read (a batch of index look-ups) and the
replay takes it if it lies within the range (:meth:`FastReplay.with_logged_due`), exactly as
:meth:`Scheduler.replay_history` does with the whole log at hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from studyapp.core.model import CardState
from studyapp.core.scheduling.fast_replay import FastReplay
from studyapp.storage.maintenance.check_store import CheckStore


class _Rules(Protocol):
    fast: FastReplay


def settle_logged_days(found: list[Any], rules: Mapping[int, _Rules], fallback: _Rules, store: CheckStore) -> int:
    """Replace, in ``found`` ((card id, deck id, stored, replayed, time of its last event), schedules as columns or
    as objects), each fast replay's last review interval by the logged day where the rule says so; drop the cards
    that then match. Returns how many were dropped."""
    review = int(CardState.REVIEW)
    candidates = [
        index for index, item in enumerate(found)
        if isinstance(item[3], tuple) and item[3][0] == review and item[4] is not None
    ]  # fmt: skip
    if not candidates:
        return 0
    last = store.last_answers([found[index][0] for index in candidates])
    settled: set[int] = set()
    for index in candidates:
        card_id, deck_id, stored, replayed, latest = found[index]
        answer = last.get(card_id)
        if answer is None or answer[0] != latest:  # its last event is a schedule change, not this answer
            continue
        again = rules.get(deck_id, fallback).fast.with_logged_due(replayed, answer[1])
        if again == tuple(stored):
            settled.add(index)
        elif again != replayed:
            found[index] = (card_id, deck_id, stored, again, latest)
    if settled:
        found[:] = [item for index, item in enumerate(found) if index not in settled]
    return len(settled)
