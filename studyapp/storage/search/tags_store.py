"""The tags the collection's notes use (the browser's sidebar and the tag completion)."""

from __future__ import annotations

import sqlite_utils


def all_tags(db: sqlite_utils.Database) -> list[str]:
    """Every tag some note has, once (the first spelling met, case ignored), sorted ignoring case."""
    seen: dict[str, str] = {}
    for (tags,) in db.execute("SELECT DISTINCT tags FROM notes WHERE tags != ''"):
        for tag in str(tags).split():
            seen.setdefault(tag.casefold(), tag)
    return sorted(seen.values(), key=str.casefold)
