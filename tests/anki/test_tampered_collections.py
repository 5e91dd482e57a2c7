"""Collections with an unexpected schema or unusual notes: refused with a reason, or read with ``Skip``s.

Each case is our own legacy export with its SQLite file changed by a few SQL statements.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.importers.anki_media import MediaMap, MemoryMedia, read_media_files
from studyapp.importers.anki_package import read_anki_package
from studyapp.importers.errors import ImportFailure
from studyapp.importers.safe_zip import SafeZip

from . import corpus
from .conftest import Sandbox


def tampered(sandbox: Sandbox, own_package: Path, *statements: str) -> Path:
    def change(db: sqlite3.Connection) -> None:
        for statement in statements:
            db.execute(statement)

    return corpus.tamper_collection(own_package, sandbox.root / "tampered.apkg", change)


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (["drop table notes"], "collection.anki2 is not an Anki collection (missing table notes)"),
        (["drop table revlog"], "(missing table revlog)"),
        (["drop table notes", "create view notes as select 1 as id"], "(missing table notes)"),
        (["alter table cards drop column odid"], "(missing column cards.odid)"),
        (["delete from col"], "(no version in table col)"),
        (["update col set ver = 1"], "is an Anki 1 collection (schema 1)"),
        (["update col set models = '{oops'"], "col.models is not JSON"),
        (["update col set models = '[]'"], "col.models is not a JSON object"),
        (["""update col set models = '{"1": {"name": "x"}}'"""], "has a damaged note type list"),
        (["""update col set decks = '{"1": 5}'"""], "has a damaged deck list"),
        (["update col set ver = 18"], "(missing table notetypes)"),
    ],
)
def test_an_unexpected_schema_is_refused(
    sandbox: Sandbox, own_package: Path, statements: list[str], expected: str
) -> None:
    path = tampered(sandbox, own_package, *statements)
    with pytest.raises(ImportFailure) as caught:
        read_anki_package(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert expected in message


def test_notes_that_cannot_be_mapped_become_skips(sandbox: Sandbox, own_package: Path) -> None:
    """Notes 1-3 (plain, reversed, cloze) are broken in place; notes 4-6 are added after them."""
    huge = "hex(randomblob(1024 * 1024))"  # 2 MiB of text that does not compress (a zip bomb would be refused)
    path = tampered(
        sandbox,
        own_package,
        f"update notes set flds = {huge} || char(31) || 'back' where guid = 'h:plain'",
        "update notes set flds = '<br>&nbsp; ' || char(31) || 'back' where guid = 'Xy7#kq'",
        "update notes set flds = 'no deletions here' || char(31) || '' where guid = 'h:cloze'",
        "insert into notes select id + 1000, 'one', mid, mod, usn, tags, 'lonely', sfld, csum, 0, '' from notes"
        " where guid = 'h:plain'",
        "insert into notes select id + 2000, 'orphan', 42, mod, usn, tags, flds, sfld, csum, 0, '' from notes"
        " where guid = 'Xy7#kq'",
        "insert into notes select id + 3000, 'giant', mid, mod, usn, tags, hex(randomblob(5 * 1024 * 1024)), sfld,"
        " csum, 0, ''"
        " from notes where guid = 'Xy7#kq'",
    )
    draft = read_anki_package(path)
    assert draft.notes == ()
    assert [(skip.place, skip.reason) for skip in draft.skipped] == [
        ("note 1", "field 1 is 2.0 MiB, over the 1.0 MiB limit"),
        ("note 2", "its first field is empty"),
        ("note 3", "it is a cloze note without any {{c1::...}} deletion"),
        ("note 4", "it has 1 field, a 'Basic' note needs 2"),
        ("note 5", "its note type is missing from the collection"),
        ("note 6", "it is 10.0 MiB of text, over the 8.0 MiB limit"),
        ("media", "1 media file no note uses was not imported"),
    ]


def test_image_occlusion_and_extra_fields(sandbox: Sandbox, own_package: Path) -> None:
    def change(db: sqlite3.Connection) -> None:
        models = json.loads(db.execute("select models from col").fetchone()[0])
        basic = next(m for m in models.values() if m["name"] == "Basic")
        occlusion = {**basic, "id": 77, "name": "Image Occlusion", "type": 1, "originalStockKind": 6}
        three = {**basic, "id": 78, "name": "Three", "flds": [*basic["flds"], {"name": "Source", "ord": 2}]}
        models.update({"77": occlusion, "78": three})
        db.execute("update col set models = ?", (json.dumps(models),))
        db.execute("update notes set mid = 77 where guid = 'h:cloze'")
        db.execute(
            "update notes set mid = 78, flds = 'q' || char(31) || 'a' || char(31) || 'p. 12' where guid = 'h:plain'"
        )

    path = corpus.tamper_collection(own_package, sandbox.root / "io.apkg", change)
    draft = read_anki_package(path)
    assert [(n.front, n.back) for n in draft.notes] == [("q", "a"), ("H<sub>2</sub>O", "water")]
    assert [(skip.place, skip.reason) for skip in draft.skipped] == [
        ("note 3", "image occlusion notes ('Image Occlusion') cannot be imported"),
        ("note type 'Three'", "only the first two fields are imported: 'Source' dropped from 1 notes"),
        ("media", "1 media file no note uses was not imported"),  # na.png, of the image occlusion note
    ]


def test_review_log_rows_that_are_not_answers_are_left_out(sandbox: Sandbox, own_package: Path) -> None:
    rows = [
        (1767225600000, 1, 3, 1200, 1),  # an answer: kept
        (1767225600001, 2, 0, 0, 4),  # ease 0: a manual change, not an answer
        (1767225600002, 3, 1, 0, 4),  # type 4: set by hand
        (1767225600003, 3, 1, 0, 5),  # type 5: rescheduled
        (10**18, 4, 1, 100, 1),  # a time no calendar has: reported, not a crash
        (1767225600005, 4, 4, -7, 0),  # a negative duration becomes 0
    ]

    def change(db: sqlite3.Connection) -> None:
        cid = db.execute("select c.id from cards c join notes n on n.id = c.nid where n.guid = 'h:plain'").fetchone()[0]
        for at, _, ease, duration, kind in rows:
            db.execute("insert into revlog values (?, ?, -1, ?, 0, 0, 0, ?, ?)", (at, cid, ease, duration, kind))

    path = corpus.tamper_collection(own_package, sandbox.root / "log.apkg", change)
    history = read_anki_package(path, ImportOptions(include_history=True)).notes[0].history
    assert [(r.rating.value, r.duration_ms, r.reviewed_at.isoformat()) for r in history] == [
        (3, 1200, "2026-01-01T00:00:00+00:00"),
        (4, 0, "2026-01-01T00:00:00.005000+00:00"),
    ]
    skipped = read_anki_package(path, ImportOptions(include_history=True)).skipped
    assert [(s.place, s.reason) for s in skipped] == [
        ("review log", "1 entries with an impossible time, rating or card were left out")
    ]
    assert read_anki_package(path).notes[0].history == ()


def test_media_with_names_that_are_not_plain_file_names_are_skipped(sandbox: Sandbox, own_package: Path) -> None:
    names = ["ok.png", "../up.png", "a/b.png", "", "nul\x00.png", "c:d.png", "ok.png", "missing.png"]
    names += [".hidden.png", "CON.png", "dot.", "what?.png"]
    members = {k: v for k, v in corpus.members_of(own_package).items() if k != "0"}
    for index in range(len(names)):
        if names[index] != "missing.png":  # missing on purpose
            members[str(index)] = b"data%d" % index
    members["media"] = json.dumps({str(index): name for index, name in enumerate(names)}).encode()
    path = corpus.write_zip(sandbox.root / "names.apkg", members)
    before = sandbox.listing()
    draft = read_anki_package(path)  # its notes use only na.png, which is not in the package any more
    assert sandbox.listing() == before
    assert draft.media == ()
    assert [(s.place, s.reason) for s in draft.skipped] == [("media", "12 media files no note uses were not imported")]
    with SafeZip(path) as archive:  # every entry, as if the notes used them all
        memory = MemoryMedia()
        stored, skipped = read_media_files(archive, MediaMap(archive, version3=False).entries(), version3=False,
                                           sink=memory)  # fmt: skip
    assert stored == ["ok.png"] and [(m.name, m.data) for m in memory.media_files()] == [("ok.png", b"data0")]
    assert [(s.place, s.reason) for s in skipped] == [
        ("entry media/1", "media file '../up.png' has a folder in it"),
        ("entry media/2", "media file 'a/b.png' has a folder in it"),
        ("entry media/3", "media file '' is not a file name"),
        ("entry media/4", "media file 'nul\\x00.png' has control characters in it"),
        ("entry media/5", "media file 'c:d.png' has a ':' (a drive or stream on Windows)"),
        ("entry media/6", "media file 'ok.png' appears twice in the media list"),
        ("entry media/7", "media file 'missing.png' is listed but missing from the package"),
        ("entry media/8", "media file '.hidden.png' starts with '.' (a hidden file; the media folder keeps its own"
                          " files under such names)"),
        ("entry media/9", "media file 'CON.png' is a device name on Windows"),
        ("entry media/10", "media file 'dot.' ends with a dot or a space (Windows drops them)"),
        ("entry media/11", "media file 'what?.png' has a character Windows does not allow in file names"),
    ]  # fmt: skip
