"""Helpers for the backup tests: changing a collection, damaging a file, listing a folder."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.maintenance.backups import backups_dir_for


def answer(app: App, deck_id: int, count: int = 1) -> None:
    """Answer ``count`` cards of the deck Good: each answer is one committed change."""
    session = app.review_session(deck_id)
    for _ in range(count):
        assert session.next_card() is not None
        session.answer(Rating.GOOD)


def damage(path: Path, first_page: bool = True) -> None:
    """Overwrite part of an SQLite file with noise: its schema page, or three pages near its end."""
    data = bytearray(path.read_bytes())
    start, end = (100, 4096) if first_page else (len(data) - 3 * 4096, len(data))
    data[start:end] = random.Random(7).randbytes(end - start)
    path.write_bytes(bytes(data))


def backup_names(collection_path: Path) -> list[str]:
    folder = backups_dir_for(collection_path)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def journal_mode(path: Path) -> str:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()
