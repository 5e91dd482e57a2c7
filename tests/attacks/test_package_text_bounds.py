"""Packages whose notes hold far more text than a deck: a 5 MB ``.apkg`` can expand to 400 MB of note text.

Before: every note was loaded into memory (an import of 400 MB of note text peaked at 586 MB, 4,000 notes of
100 KB); a package of a million review entries imported with ``--with-history`` peaked at 354 MB. Now, before
any note is read, SQLite counts what the notes would take in memory (their text as Python holds it, plus a share
per note and per review entry); over ``MAX_IMPORT_WEIGHT``, or 16 times the package's size if that is more (real
decks compress their text 3 to 10 times), the package is refused with one line and the collection is untouched.
At 64 MB, whatever the mix of text, notes and reviews, the import peaks under 300 MB.
"""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from studyapp.importers.anki_collection import AnkiCollection
from studyapp.importers.anki_notes import MAX_NOTE_CHARS
from studyapp.importers.anki_package import MAX_IMPORT_WEIGHT, NOTE_WEIGHT, REVIEW_WEIGHT, weight_limit
from tests.attacks.test_package_bounds import PEAK_LIMIT_MB, _measured, _run
from tests.conftest import collection_fingerprint

genanki = pytest.importorskip("genanki")

NOTE_ID0, CARD_ID0 = 1_000_000, 6_000_000


def _collection(path: Path) -> Path:
    """A legacy Anki collection (schema 11) of genanki's, emptied: one basic note type, one deck."""
    deck = genanki.Deck(2_059_400_301, "Text")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["seed", "seed"], guid="seed"))
    plain = path.with_suffix(".plain.apkg")
    genanki.Package(deck).write_to_file(str(plain))
    with zipfile.ZipFile(plain) as source:
        path.write_bytes(source.read("collection.anki2"))
    plain.unlink()
    return path


def _package(path: Path, notes: int, chars: int, *, char: str = "x", reviews: int = 0) -> Path:
    """``notes`` basic notes, each with about ``chars`` characters (two fields of mostly ``char``, with a little
    randomness so the zip expands about 90 times, under the zip-bomb cap), one card each, and ``reviews``
    review entries spread over the cards. Built by SQL, so this test never holds the text itself."""
    db = _collection(path.with_suffix(".anki2"))
    half = chars // 2
    with closing(sqlite3.connect(db)) as conn:
        mid, did = conn.execute("SELECT n.mid, c.did FROM notes n JOIN cards c ON c.nid = n.id").fetchone()
        conn.execute("DELETE FROM cards")
        conn.execute("DELETE FROM notes")
        field = "hex(randomblob(?)) || replace(hex(zeroblob(?)), '0', ?)"
        conn.execute(
            "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?)"
            " INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)"
            f" SELECT ? + n, ? || n, ?, 0, -1, 'tag' || n, 'Front ' || n || ' ' || {field} || char(31) ||"
            f" 'Back ' || n || ' ' || {field}, 'Front', 0, 0, '' FROM i",
            (notes, NOTE_ID0, path.stem, mid, half // 300, half // 2, char, half // 300, half // 2, char),
        )
        conn.execute(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,"
            " odue, odid, flags, data) SELECT id - ? + ?, id, ?, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ''"
            " FROM notes",
            (NOTE_ID0, CARD_ID0, did),
        )
        conn.execute(
            "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?)"
            " INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " SELECT 1600000000000 + n * 1000, ? + 1 + n % ?, -1, 3, 1, 0, 2500, 5000, 1 FROM i",
            (reviews, CARD_ID0, notes),
        )  # review entries from September 2020, a second apart
        conn.commit()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.write(db, "collection.anki2")
        archive.writestr("media", "{}")
    db.unlink()
    return path


def _weight(path: Path) -> int:
    """The package's weight as the importer counts it, without history."""
    with zipfile.ZipFile(path) as archive:
        db = path.with_suffix(".count.anki2")
        db.write_bytes(archive.read("collection.anki2"))
    try:
        with AnkiCollection(db, path, "collection.anki2") as collection:
            return sum(NOTE_WEIGHT + weight for weight in collection.note_weights(MAX_NOTE_CHARS))
    finally:
        db.unlink()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A collection with a deck in it already, whose fingerprint a refused import must not change."""
    collection = tmp_path / "c.db"
    small = _package(tmp_path / "small.apkg", 3, 40)
    assert _run(collection, "import", str(small)).returncode == 0
    return collection


# Just under the limit: 100 KB notes of ASCII, 50 KB notes of CJK (2 bytes a character in Python), and many
# small notes, where the per-note share is most of the weight.
AT_THE_LIMIT = [
    pytest.param(MAX_IMPORT_WEIGHT // 101_200 - 2, 100_000, "x", id="ascii-100KB-notes"),
    pytest.param(MAX_IMPORT_WEIGHT // 2 // 100_900 - 2, 100_000, "\u6f22", id="cjk-100K-character-notes"),
    pytest.param(MAX_IMPORT_WEIGHT // (NOTE_WEIGHT + 40) - 200, 2, "x", id="tiny-notes"),
]


@pytest.mark.parametrize(("notes", "chars", "char"), AT_THE_LIMIT)
def test_a_package_at_the_text_limit_imports_under_300_mb(tmp_path: Path, notes: int, chars: int, char: str) -> None:
    package = _package(tmp_path / "full.apkg", notes, chars, char=char)
    weight = _weight(package)
    assert 0.97 * MAX_IMPORT_WEIGHT < weight <= MAX_IMPORT_WEIGHT  # the case really is at the limit
    collection = tmp_path / "c.db"
    status, out, err, peak_mb = _measured(collection, tmp_path, "import", str(package))
    assert (status, err) == (0, ""), err
    lines = out.splitlines()
    assert lines[0] == f"Text: {notes} new, 0 updated, 0 unchanged"
    # Notes of one unbroken run are told (issue 15: such text is shown cut, with Show all); short ones are not.
    told = [f"  warning: {2 * notes:,} fields hold an unbroken run of over 10,000 characters"] if chars > 10_000 else []
    assert [line.split(" (")[0] for line in lines[1:]] == told
    assert peak_mb < PEAK_LIMIT_MB, f"peak memory {peak_mb:.0f} MB"
    print(f"{notes} notes, weight {weight / 2**20:.1f} MiB: peak {peak_mb:.0f} MB")


def test_400_mb_of_note_text_is_refused_with_one_line_before_any_note_is_read(filled: Path, tmp_path: Path) -> None:
    package = _package(tmp_path / "huge.apkg", 4000, 100_000)  # 400 MB of text in a 5 MB package
    assert package.stat().st_size < 8 * 2**20
    before = collection_fingerprint(filled)
    status, out, err, peak_mb = _measured(filled, tmp_path, "import", str(package))
    assert (status, out) == (1, "")
    limit = weight_limit(package.stat().st_size) // 2**20
    assert err.splitlines() == [
        f"studyapp import: {package}: is too large to import: its notes would take more than {limit} MB of memory"
        f" (the note text, {NOTE_WEIGHT} bytes a note and {REVIEW_WEIGHT} a review entry; at most 64 MB or 16 times"
        " the package's size); split it in Anki and import the parts"
    ]
    assert peak_mb < 100, f"peak memory {peak_mb:.0f} MB"  # the count stopped at the limit; no note was loaded
    assert collection_fingerprint(filled) == before


def test_review_entries_count_with_history(filled: Path, tmp_path: Path) -> None:
    """Review entries weigh in only when the history is asked for: a package just under the limit without them is
    refused with them, naming them, and imports without them."""
    probe = _package(tmp_path / "probe.apkg", 640, 100_000)
    limit, weight = weight_limit(probe.stat().st_size), _weight(probe)
    assert weight < limit
    reviews = (limit - weight) // REVIEW_WEIGHT + 1
    package = _package(tmp_path / "history.apkg", 640, 100_000, reviews=reviews)
    assert weight_limit(package.stat().st_size) == limit == MAX_IMPORT_WEIGHT  # a small, compressible package
    before = collection_fingerprint(filled)
    result = _run(filled, "import", str(package), "--with-history")
    assert (result.returncode, result.stdout) == (1, "")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert f"its notes and {reviews:,} review entries would take more than 64 MB" in result.stderr
    assert collection_fingerprint(filled) == before
    result = _run(filled, "import", str(package))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == "Text: 640 new, 0 updated, 0 unchanged"
    assert [line.split(" (")[0] for line in result.stdout.splitlines()[1:]] == [
        "  warning: 1,280 fields hold an unbroken run of over 10,000 characters"
    ]


def test_the_limit_grows_with_the_package_so_real_decks_come_in() -> None:
    """A deck's text compresses 3 to 10 times: a 20 MB package may bring 320 MB (a big shared deck of 30,000
    long notes, or a whole collection with a million reviews), a 1 MB one 64 MB."""
    assert weight_limit(1 * 2**20) == MAX_IMPORT_WEIGHT == 64 * 2**20
    assert weight_limit(20 * 2**20) == 320 * 2**20


def test_note_text_is_weighed_as_python_holds_it(tmp_path: Path) -> None:
    """ASCII 1 byte a character, other text up to U+FFFF 2, anything beyond (an emoji) 4; too large: 0."""
    db = _collection(tmp_path / "weights.anki2")
    texts = ["abcd\x1fef", "\u00e9t\u00e9\x1f", "\u6f22\u5b57\x1fx", "ok \U0001f600\x1f", "y" * (MAX_NOTE_CHARS + 1)]
    with closing(sqlite3.connect(db)) as conn:
        (mid,) = conn.execute("SELECT mid FROM notes").fetchone()
        conn.execute("DELETE FROM notes")
        conn.executemany(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)"
            " VALUES (?, ?, ?, 0, -1, 't', ?, '', 0, 0, '')",
            [(NOTE_ID0 + i, f"w{i}", mid, text) for i, text in enumerate(texts)],
        )
        conn.commit()
    with AnkiCollection(db, tmp_path / "weights.apkg", "collection.anki2") as collection:
        weights = list(collection.note_weights(MAX_NOTE_CHARS))
    assert weights == [9, 2 * 6, 2 * 6, 4 * 7, 0]  # fields, a space and the tags ("t")
