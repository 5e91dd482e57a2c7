"""Anki packages with a review log chosen by the test: a genanki package whose ``revlog`` is written here.

genanki writes no review history, so the rows are inserted into the package's ``collection.anki2`` with
plain SQL, as a hostile or broken tool could have written them.
"""

from __future__ import annotations

import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class Revlog:
    """One row of Anki's ``revlog``: card ``card`` (index into the package's notes, by guid ``g0``, ``g1``...)."""

    card: int
    at_ms: int | float | str  # the revlog id: when, in ms since 1970 (any SQLite value a tool could store)
    ease: int = 3
    duration_ms: int | float | str = 4000


def ms(year: int, month: int = 1, day: int = 1, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=timezone.utc).timestamp() * 1000)


def history_package(folder: Path, rows: list[Revlog], notes: int = 3, name: str = "history.apkg") -> Path:
    """A package of ``notes`` basic notes (``q0``/``a0``... in deck ``Hist``) with ``rows`` as its review log."""
    import genanki

    deck = genanki.Deck(2_059_400_001, "Hist")
    for index in range(notes):
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[f"q{index}", f"a{index}"], guid=f"g{index}"))
    source = folder / f"genanki-{name}"
    genanki.Package(deck).write_to_file(str(source))
    with zipfile.ZipFile(source) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    db_path = folder / f"{name}.anki2"
    db_path.write_bytes(members["collection.anki2"])
    db = sqlite3.connect(db_path)
    try:
        cards = [cid for (cid,) in db.execute("select c.id from cards c join notes n on n.id = c.nid order by n.guid")]
        with db:
            for row in rows:
                db.execute(
                    "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                    " values (?, ?, -1, ?, 1, 0, 2500, ?, 1)",
                    (row.at_ms, cards[row.card], row.ease, row.duration_ms),
                )
    finally:
        db.close()
    members["collection.anki2"] = db_path.read_bytes()
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def review_log_csv(folder: Path, rows: list[str], name: str = "log.csv") -> Path:
    """A review log CSV (``card_id,review_rating,review_time,review_duration``) with ``rows`` under its header."""
    path = folder / name
    path.write_text("card_id,review_rating,review_time,review_duration\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path
