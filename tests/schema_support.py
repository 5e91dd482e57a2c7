"""A collection file as an older studyapp left it: the schema's first migrations only, for the migration tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from studyapp.storage.connection import APPLICATION_ID
from studyapp.storage.schema import MIGRATIONS


def collection_at_version(path: Path, version: int) -> sqlite_utils.Database:
    """A new collection at ``path`` brought up to schema ``version`` (not further), open for the test to fill."""
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    for number, migration in enumerate(MIGRATIONS[:version], start=1):
        with db.atomic():
            migration(db)
            if number == 1:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {number}")
    return db
