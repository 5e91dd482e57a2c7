"""The mirror's bulk write of a whole collection's answers keeps the review log's indexes as they were."""

from __future__ import annotations

import random
from pathlib import Path

from studyapp.storage.collection import Collection
from studyapp.storage.sync.mirror_store import BULK_LOG_ROWS, Mirrored, MirrorStore
from studyapp.storage.sync.replay_log import ReplayLog


def _indexes(collection: Collection) -> list[tuple[str, str]]:
    return collection.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' ORDER BY name"
    ).fetchall()


def test_many_answers_go_in_and_the_logs_indexes_are_made_again(tmp_path: Path) -> None:
    collection = Collection.open(tmp_path / "c.db")
    try:
        before = _indexes(collection)
        rng = random.Random(3)
        rows = []
        for n in range(BULK_LOG_ROWS + 10):
            at = 1_700_000_000_000 + n * 1000
            rows.append((rng.getrandbits(63), n % 97, at, 3, 4000, "flip", 1, 0, 2.3, 5.0, at, at - 5, 1, 0,
                         2, None, 3.1, 5.0, at + 86_400_000, at, 2, 0))  # fmt: skip
        with collection.transaction():
            mirror = ReplayLog(collection.db)
            dropped = mirror.drop_log_indexes(len(rows))
            assert len(dropped) == len(before) and _indexes(collection) == []
            mirror.insert_log_values(rows[:10_000])
            mirror.insert_log_values(rows[10_000:])
            mirror.make_indexes(dropped)
        assert _indexes(collection) == before and len(before) >= 2
        with collection.transaction():
            assert ReplayLog(collection.db).drop_log_indexes(10) == []  # a few: indexes kept
        assert collection.db.execute("SELECT count(*) FROM review_log").fetchone()[0] == len(rows)
        assert collection.integrity_check() == "ok"
        plan = " ".join(
            str(row[-1])
            for row in collection.db.execute("EXPLAIN QUERY PLAN SELECT id FROM review_log WHERE card_id = 5")
        )
        assert "review_log_card_time" in plan
    finally:
        collection.close()


def test_a_whole_collections_mirrored_log_goes_in_and_its_index_is_made_again(tmp_path: Path) -> None:
    collection = Collection.open(tmp_path / "c.db")
    try:

        def indexes() -> list[tuple[str, str]]:
            return collection.db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sync_revlog'"
            ).fetchall()

        before = indexes()
        rows = [(1_700_000_000_000 + n, 5, [0, 5, 0, 3, 1, 0, 2500, 4000, 1]) for n in range(BULK_LOG_ROWS + 1)]
        ours = {anki_id: n for n, (anki_id, _card, _entry) in enumerate(rows) if n % 2}
        with collection.transaction():
            MirrorStore(collection.db).put_revlog(rows, ours)
        assert indexes() == before and before
        assert collection.db.execute("SELECT count(*) FROM sync_revlog WHERE our_id IS NOT NULL").fetchone()[0] == (
            BULK_LOG_ROWS // 2
        )
        assert collection.integrity_check() == "ok"
    finally:
        collection.close()


def test_mirrored_entries_are_written_whatever_they_hold() -> None:
    """An entry is written as compact JSON (by orjson); what orjson refuses (a lone surrogate from text read with
    surrogateescape, an integer beyond 64 bits, a key that is not a string) by the json module, and each reads back
    as it was."""
    for entry in ([1, "\u00e9", None, 2.5, {"a": [1]}], ["pw\udcff"], [2**70, -(2**70)], {"1": "x"}):
        raw = Mirrored(1, 2, "d", 0, entry).raw()
        assert " " not in raw
        assert Mirrored(1, 2, "d", 0, raw=raw).entry == entry


def test_mirror_rows_given_in_any_order_fill_their_pages(tmp_path: Path) -> None:
    """Rows handed over in the server's order (here newest first, as it sent a whole collection's) go in by id: each
    table's B-tree is appended to and its pages are full, where inserts before the last row split every page and
    leave it half empty. Of one id given twice, the later is kept."""
    collection = Collection.open(tmp_path / "c.db")
    try:
        rng = random.Random(9)
        ids = sorted((rng.getrandbits(62) for _ in range(6000)), reverse=True)
        store = MirrorStore(collection.db)
        with collection.transaction():
            store.put("note", [Mirrored(i, i + 1, "d" * 40, 5, ["x" * 30, i]) for i in ids])
            store.put("note", [Mirrored(ids[0], 7, "new", 6, ["kept"]), Mirrored(ids[0], 8, "newer", 7, ["later"])])
            store.put_revlog_values([(i, i + 1, 5, 0, 3, 1, 0, 2500, 4000, 1) for i in ids])
        for table in ("sync_notes", "sync_revlog"):
            unused, size = collection.db.execute(
                "SELECT sum(unused), sum(pgsize) FROM dbstat WHERE name = ?", [table]
            ).fetchone()
            assert unused / size < 0.15, (table, unused / size)
        assert store.mirrored("note")[ids[0]].entry == ["later"]
        assert collection.db.execute("SELECT count(*) FROM sync_revlog").fetchone()[0] == len(ids)
    finally:
        collection.close()
