"""A sync that receives notes takes them by the import's bulk path (``BulkInsert``), which enlarges the connection's
page cache while it works; a sync that fails after that point gives the cache back (a rollback does not: it is a
setting of the connection, not data), so the window's collection is left as the sync found it."""

from __future__ import annotations

import pytest

from studyapp.services.sync import chunks_in
from studyapp.storage.notes import notes_store
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here


def test_a_sync_that_fails_after_its_bulk_insert_gives_back_the_page_cache(
    here: Here, device: EngineDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    device.add_note("phone", "side")
    assert device.sync() in ("full_sync", "full_upload")
    device.full_upload()
    monkeypatch.setattr(notes_store, "_BULK_INDEX", 1)  # one note is "a whole collection"

    def fail(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(chunks_in.ChunksIn, "_cards", fail)  # after the notes went in
    conn = here.collection.db.conn
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    notes = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    with pytest.raises(RuntimeError, match="disk on fire"):
        here.sync()
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == cache
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == notes  # rolled back
