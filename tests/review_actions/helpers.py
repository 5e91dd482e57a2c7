"""What the review action tests compare: every row of every table."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def rows_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, but the full-text index's own pages: a deleted note put back has the same words
    indexed (searching finds it as before), in pages SQLite's FTS5 lays out anew."""
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}"), key=repr)
            for table in tables
            if not table.startswith("notes_fts")
        }
    finally:
        conn.close()
