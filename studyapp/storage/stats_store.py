"""The statistics' SQL: every figure is one aggregate query (GROUP BY or CASE bins), never a loop over rows.

Only ``review_log`` rows count as answers. A deck filter is a list of deck ids (a deck and its
subdecks); ``None`` means the whole collection. Times are milliseconds since the epoch in UTC; the
callers work out the study days' boundaries (rollover hour, time zone) and pass them in.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlite_utils

from studyapp.core.model import CardState
from studyapp.storage.review.log_times import any_state

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MATURE_DAYS = 21
_NEW, _LEARNING, _REVIEW, _RELEARNING = (int(state) for state in CardState)
# The interval the card had when it was answered (scheduled due - last review), else its stability.
_YOUNG = f"(coalesce(r.due_before - r.last_review_before, r.stability_before * {DAY_MS}) < {MATURE_DAYS * DAY_MS})"


@dataclass(frozen=True)
class AnswerTotals:
    answers: int
    duration_ms: int
    again: int
    cards: int = 0  # the distinct cards those answers went to (a card in learning is answered again the same day)


@dataclass(frozen=True)
class RetentionCounts:
    """Answers given to cards in review state, and how many of them passed (rating above Again)."""

    young_total: int = 0
    young_passed: int = 0
    mature_total: int = 0
    mature_passed: int = 0


def _ids(deck_ids: Sequence[int]) -> str:
    return ",".join(str(int(deck_id)) for deck_id in deck_ids) or "NULL"


def _bucket_case(column: str, bounds: Sequence[int]) -> str:
    """SQL giving the index ``i`` of ``[bounds[i], bounds[i+1])`` that holds ``column``; -1 before, n-1 after."""
    parts = [f"WHEN {column} < {int(bounds[0])} THEN -1"]
    parts += [f"WHEN {column} < {int(bound)} THEN {index}" for index, bound in enumerate(bounds[1:])]
    return f"CASE {' '.join(parts)} ELSE {len(bounds) - 2} END"


def _retention(row: Sequence[object]) -> RetentionCounts:
    young_total, young_passed, total, passed = (int(value or 0) for value in row)  # type: ignore[call-overload]
    return RetentionCounts(young_total, young_passed, total - young_total, passed - young_passed)


def _pow(base: float | None, exponent: float | None) -> float | None:
    if base is None or exponent is None:
        return None
    try:
        return float(math.pow(base, exponent))
    except (ValueError, OverflowError):
        return None


def ensure_pow(db: sqlite_utils.Database) -> None:
    """SQLite's ``pow`` comes with its math functions; register a Python one where the build lacks them."""
    try:
        db.execute("SELECT pow(2, 3)").fetchone()
    except Exception:  # sqlite3.OperationalError: no such function
        db.conn.create_function("pow", 2, _pow, deterministic=True)


class StatsStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        ensure_pow(db)

    def _log_filter(self, deck_ids: Sequence[int] | None, scanning: bool = False) -> str:
        """Only the answers to the decks' cards. ``scanning``: the query reads most of the log anyway, so
        test each row's card against the decks' cards rather than look up every card's answers."""
        if deck_ids is None:
            return ""
        column = "+r.card_id" if scanning else "r.card_id"
        return f"AND {column} IN (SELECT id FROM cards WHERE deck_id IN ({_ids(deck_ids)}))"

    @staticmethod
    def _by_time(deck_ids: Sequence[int] | None) -> str:
        """Whole collection: read a span of answers along the (state, time) index (``any_state``). A deck: no such
        hint, so that its cards' answers are read along the (card, time) index (a deck's year of answers: 95 ms,
        against 420 ms along the time index, checking each answer's card)."""
        return f"{any_state()} AND" if deck_ids is None else ""

    def _card_filter(self, deck_ids: Sequence[int] | None) -> str:
        return "" if deck_ids is None else f"AND c.deck_id IN ({_ids(deck_ids)})"

    # -- the review log ----------------------------------------------------------------------------

    def answers_between(self, start_ms: int, end_ms: int, deck_ids: Sequence[int] | None) -> AnswerTotals:
        """How many answers in ``[start_ms, end_ms)``, the time they took, how many were Again, and to how many
        distinct cards."""
        row = self._db.execute(
            f"""SELECT count(*), coalesce(sum(r.duration_ms), 0), coalesce(sum(r.rating = 1), 0),
                       count(DISTINCT r.card_id)
                FROM review_log r WHERE {self._by_time(deck_ids)} r.reviewed_at >= ? AND r.reviewed_at < ?
                {self._log_filter(deck_ids)}""",
            [start_ms, end_ms],
        ).fetchone()
        return AnswerTotals(int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    def any_answers(self, deck_ids: Sequence[int] | None) -> bool:
        """Whether the decks' cards (or any card) were ever answered."""
        row = self._db.execute(f"SELECT EXISTS (SELECT 1 FROM review_log r WHERE 1 {self._log_filter(deck_ids)})")
        return bool(row.fetchone()[0])

    def answers_per_day(self, bounds: Sequence[int], deck_ids: Sequence[int] | None) -> list[int]:
        """Answers in each period ``[bounds[i], bounds[i+1])`` (study days): ``len(bounds) - 1`` counts.

        The whole collection: one count per day from the time index alone. A deck: counts per slice of
        time (an hour, or the largest slice that divides every day's length) from the card-and-time
        index, put into days here; a daylight-saving change makes a day 23 or 25 hours long.
        """
        days = len(bounds) - 1
        if deck_ids is None:
            values = ",".join(f"({i},{int(bounds[i])},{int(bounds[i + 1])})" for i in range(days))
            rows = self._db.execute(
                f"""WITH day(i, start, stop) AS (VALUES {values})
                    SELECT day.i, (SELECT count(*) FROM review_log r
                                   WHERE {any_state()} AND r.reviewed_at >= day.start
                                     AND r.reviewed_at < day.stop) FROM day"""
            )
            counts = [0] * days
            for index, count in rows:
                counts[int(index)] = int(count)
            return counts
        slice_ms = HOUR_MS
        for bound in bounds:
            slice_ms = math.gcd(slice_ms, int(bound) - int(bounds[0]))
        rows = self._db.execute(
            f"""SELECT (r.reviewed_at - :start) / {slice_ms} AS part, count(*) FROM review_log r
                WHERE r.reviewed_at >= :start AND r.reviewed_at < :end {self._log_filter(deck_ids)}
                GROUP BY part""",
            {"start": int(bounds[0]), "end": int(bounds[-1])},
        )
        counts = [0] * days
        for part, count in rows:
            index = bisect.bisect_right(bounds, int(bounds[0]) + int(part) * slice_ms) - 1
            counts[min(max(index, 0), days - 1)] += int(count)
        return counts

    def retention_total(self, deck_ids: Sequence[int] | None) -> RetentionCounts:
        """Answers to review cards over all time, young (interval < 21 days) and mature, passed or not."""
        row = self._db.execute(
            f"""SELECT sum({_YOUNG}), sum({_YOUNG} AND r.rating > 1), count(*), sum(r.rating > 1)
                FROM review_log r WHERE r.state_before = {_REVIEW} {self._log_filter(deck_ids, scanning=True)}"""
        ).fetchone()
        return _retention(row)

    def retention(self, bounds: Sequence[int], deck_ids: Sequence[int] | None) -> dict[int, RetentionCounts]:
        """As :meth:`retention_total`, per period ``[bounds[i], bounds[i+1])`` (key ``i``)."""
        period = _bucket_case("r.reviewed_at", bounds)
        # (the answers given in review are one range of the (state, time) index, which holds what this reads)
        rows = self._db.execute(
            f"""SELECT {period} AS period,
                       sum({_YOUNG}), sum({_YOUNG} AND r.rating > 1), count(*), sum(r.rating > 1)
                FROM review_log r
                WHERE r.state_before = {_REVIEW} AND r.reviewed_at >= ? {self._log_filter(deck_ids, scanning=True)}
                GROUP BY period""",
            [int(bounds[0])],
        )
        return {int(row[0]): _retention(row[1:]) for row in rows}

    # -- the cards ---------------------------------------------------------------------------------

    def due_per_day(self, bounds: Sequence[int], deck_ids: Sequence[int] | None) -> list[int]:
        """Studied, unsuspended cards due before ``bounds[1]`` (overdue ones too) in slot 0, then per
        ``[bounds[i], bounds[i+1])``; ``len(bounds) - 1`` counts."""
        slots = len(bounds) - 1
        period = _bucket_case("c.due", bounds)
        counts = [0] * slots
        rows = self._db.execute(
            f"""SELECT max(0, {period}) AS slot, count(*) FROM cards c
                WHERE c.state != {_NEW} AND c.suspended = 0 AND c.due < ? {self._card_filter(deck_ids)}
                GROUP BY slot""",
            [int(bounds[-1])],
        )
        for slot, count in rows:
            counts[int(slot)] = int(count)
        return counts

    def state_counts(self, deck_ids: Sequence[int] | None) -> tuple[int, int, int, int]:
        """(new, learning or relearning, review, suspended); a suspended card counts only as suspended."""
        row = self._db.execute(
            f"""SELECT coalesce(sum(c.suspended = 0 AND c.state = {_NEW}), 0),
                       coalesce(sum(c.suspended = 0 AND c.state IN ({_LEARNING}, {_RELEARNING})), 0),
                       coalesce(sum(c.suspended = 0 AND c.state = {_REVIEW}), 0),
                       coalesce(sum(c.suspended != 0), 0)
                FROM cards c WHERE 1 {self._card_filter(deck_ids)}"""
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])

    def _histogram(
        self, bin_sql: str, bins: int, deck_ids: Sequence[int] | None, params: Mapping[str, object]
    ) -> list[int]:
        counts = [0] * bins
        rows = self._db.execute(
            f"""SELECT {bin_sql} AS bin, count(*) FROM cards c
                WHERE c.state != {_NEW} AND c.stability > 0 {self._card_filter(deck_ids)}
                GROUP BY bin""",
            dict(params),
        )
        for index, count in rows:
            if index is not None and 0 <= int(index) < bins:
                counts[int(index)] += int(count)
        return counts

    def stability_histogram(self, edges_days: Sequence[float], deck_ids: Sequence[int] | None) -> list[int]:
        """Studied cards per stability bin ``[edges[i], edges[i+1])`` in days; the last bin is open-ended."""
        cases = " ".join(f"WHEN c.stability < {float(edge)!r} THEN {i}" for i, edge in enumerate(edges_days[1:]))
        return self._histogram(f"CASE {cases} ELSE {len(edges_days) - 1} END", len(edges_days), deck_ids, {})

    def difficulty_histogram(self, deck_ids: Sequence[int] | None) -> list[int]:
        """Studied cards by difficulty rounded to 1..10 (slot 0 is difficulty 1)."""
        return self._histogram("min(10, max(1, CAST(round(c.difficulty) AS INTEGER))) - 1", 10, deck_ids, {})

    def retrievability_histogram(
        self, now_ms: int, decay_by_deck: Mapping[int, float], default_decay: float, deck_ids: Sequence[int] | None
    ) -> list[int]:
        """Studied cards by current retrievability in tenths (slot 9: 90-100 %).

        FSRS-6: ``R = (1 + factor * t / S) ** -decay`` with ``factor = 0.9 ** (1 / -decay) - 1`` and
        ``t`` the whole days since the last review; ``decay`` is each deck's (its preset's parameter 20).
        """
        by_decay: dict[float, list[int]] = {}
        for deck_id, decay in decay_by_deck.items():
            if decay != default_decay:
                by_decay.setdefault(float(decay), []).append(deck_id)
        parts = [f"WHEN c.deck_id IN ({_ids(ids)}) THEN {decay!r}" for decay, ids in by_decay.items()]
        decay_sql = f"(CASE {' '.join(parts)} ELSE {float(default_decay)!r} END)" if parts else repr(default_decay)
        factor = f"(pow(0.9, -1.0 / {decay_sql}) - 1)"
        elapsed = f"max(0, (:now - c.last_review) / {DAY_MS})"
        r = f"pow(1 + {factor} * {elapsed} / c.stability, -{decay_sql})"
        return self._histogram(f"min(9, CAST({r} * 10 AS INTEGER))", 10, deck_ids, {"now": now_ms})
