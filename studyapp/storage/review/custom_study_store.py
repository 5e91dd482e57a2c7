"""What Custom study reads: the review cards due in the next days (review ahead), the cards answered Again lately
(forgotten cards), and which of a session's cards can still be studied."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from studyapp.core.model import CardState
from studyapp.storage.codec import to_ms
from studyapp.storage.review.log_times import any_state

_STUDYABLE = "c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :now)"


def _ids(ids: Sequence[int]) -> str:
    return ",".join(str(int(each)) for each in ids) or "NULL"


def review_cards_due_between(
    db: sqlite_utils.Database, deck_ids: Sequence[int], start: datetime, end: datetime, now: datetime, limit: int
) -> list[int]:
    """The review cards of these decks due in ``[start, end)`` that can be studied, soonest due first."""
    rows = db.execute(
        f"SELECT c.id FROM cards c WHERE c.deck_id IN ({_ids(deck_ids)}) AND c.state = {int(CardState.REVIEW)} "
        f"AND c.due >= :start AND c.due < :end AND {_STUDYABLE} ORDER BY c.due, c.id LIMIT {int(limit)}",
        {"start": to_ms(start), "end": to_ms(end), "now": to_ms(now)},
    )
    return [row[0] for row in rows.fetchall()]


def cards_forgotten_since(
    db: sqlite_utils.Database, deck_ids: Sequence[int], since: datetime, now: datetime, limit: int
) -> list[int]:
    """The cards of these decks answered Again at ``since`` or later that can be studied, the latest forgotten
    first."""
    rows = db.execute(
        f"""SELECT c.id FROM review_log r CROSS JOIN cards c ON c.id = r.card_id
            WHERE {any_state()} AND r.reviewed_at >= :since AND r.rating = 1 AND c.deck_id IN ({_ids(deck_ids)})
              AND c.state != {int(CardState.NEW)} AND {_STUDYABLE}
            GROUP BY c.id ORDER BY max(r.reviewed_at) DESC, c.id LIMIT {int(limit)}""",
        {"since": to_ms(since), "now": to_ms(now)},
    )
    return [row[0] for row in rows.fetchall()]


def studyable(db: sqlite_utils.Database, card_ids: Sequence[int], now: datetime) -> set[int]:
    """Those of the cards that still exist and are neither suspended nor buried now."""
    rows = db.execute(
        f"SELECT c.id FROM cards c WHERE c.id IN ({_ids(card_ids)}) AND {_STUDYABLE}", {"now": to_ms(now)}
    )
    return {row[0] for row in rows.fetchall()}
