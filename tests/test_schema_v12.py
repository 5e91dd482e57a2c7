"""Schema v12: a deck's and a preset's modification time, so that a sync can tell which device changed one last.
An older collection's decks and presets start at their creation time; any real change of a deck's name, description
or preset, or of a preset's name or options, sets it (a trigger, so no write path can forget), unless the change sets
it too (a sync writing the server's version)."""

from __future__ import annotations

import time
from pathlib import Path

from studyapp.storage import Collection
from studyapp.storage.schema import LATEST_VERSION
from tests.schema_support import collection_at_version


def _v11_collection(path: Path) -> None:
    db = collection_at_version(path, 11)
    db.execute("INSERT INTO decks (id, name, created_at) VALUES (1, 'Bio', 1000), (2, 'Bio::Cells', 2000)")
    db.execute("INSERT INTO presets (id, name, options, created_at) VALUES (7, 'Fast', '{}', 3000)")
    db.conn.commit()
    db.conn.close()


def _times(collection: Collection) -> dict[int, int]:
    return dict(collection.db.execute("SELECT id, modified_at FROM decks").fetchall())


def test_a_version_11_collections_decks_are_as_old_as_they_are_until_changed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v11_collection(path)
    with Collection.open(path) as collection:
        assert collection.schema_version == LATEST_VERSION >= 12
        assert _times(collection) == {1: 1000, 2: 2000}
        assert collection.decks.modified_times() == {1: 1000, 2: 2000}
        before = int(time.time() * 1000)
        collection.db.execute("UPDATE decks SET name = 'Biology' WHERE id = 1")  # as a rename writes it
        collection.db.execute("UPDATE decks SET description = 'cells' WHERE id = 2")
        changed = _times(collection)
        assert before - 1000 <= changed[1] <= time.time() * 1000 + 1000 and before - 1000 <= changed[2]
        collection.db.execute("UPDATE decks SET name = 'Life', modified_at = 5000 WHERE id = 1")  # a sync's
        assert _times(collection)[1] == 5000
        collection.db.execute("UPDATE decks SET new_per_day = 30 WHERE id = 2")  # not a change a sync sends
        collection.db.execute("UPDATE decks SET name = name, preset_id = preset_id WHERE id = 2")  # nor the same
        assert _times(collection)[2] == changed[2]


def test_a_version_11_collections_presets_are_as_old_as_they_are_until_changed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v11_collection(path)
    with Collection.open(path) as collection:
        assert collection.presets.modified_times()[7] == 3000
        collection.db.execute("UPDATE presets SET options = options, name = name WHERE id = 7")  # the same
        assert collection.presets.modified_times()[7] == 3000
        before = int(time.time() * 1000)
        collection.db.execute("""UPDATE presets SET options = '{"new_per_day": 30}' WHERE id = 7""")
        assert collection.presets.modified_times()[7] >= before - 1000
