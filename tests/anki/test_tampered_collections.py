"""Collections with an unexpected schema or unusual notes: refused with a reason, or read with ``Skip``s.

Each case is our own legacy export with its SQLite file changed by a few SQL statements.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.core.notetypes.model import NotetypeKind
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
        (
            [
                """update col set models = '{"1": {"name": "x", "flds": [{"name": "a", "ord": Infinity}],"""
                """ "tmpls": []}}'"""
            ],
            "has a damaged note type list",
        ),
        (
            ["""update col set models = '{"1": {"name": "x", "flds": [], "tmpls": []}}'"""],
            "note type 'x' has no fields",
        ),
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


def test_notes_that_cannot_be_kept_become_skips_and_odd_ones_are_kept(sandbox: Sandbox, own_package: Path) -> None:
    """Notes 1-3 (plain, reversed, cloze) are changed in place; notes 4-6 are added after them."""
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
    # An empty first field, a cloze note without deletions: Anki keeps them with their cards, and so do we.
    assert [(note.line, note.fields, note.card_ords) for note in draft.notes] == [
        (2, ("<br>&nbsp; ", "back"), (0, 1)),
        (3, ("no deletions here", ""), (0, 2)),
        (4, ("lonely", ""), ()),  # one field of two: the second is empty, and said so; no cards in the file
    ]
    assert [(skip.place, skip.reason) for skip in draft.skipped] == [
        ("note 1", "field 1 is 2.0 MiB, over the 1.0 MiB limit"),
        ("note 5", "its note type is missing from the collection"),
        ("note 6", "it is 10.0 MiB of text, over the 8.0 MiB limit"),
        ("media", "1 media file no note uses was not imported (no field, template or styling names it)"),
    ]
    assert draft.warnings == (
        "tampered.apkg: 1 note of 'Basic' (2 fields) had fewer fields than it: the missing ones are empty",
    )


def test_image_occlusion_and_extra_fields_are_kept(sandbox: Sandbox, own_package: Path) -> None:
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
        # A note with more fields than its note type: the extra text goes into its last field.
        db.execute("update notes set flds = flds || char(31) || 'stray' where guid = 'Xy7#kq'")

    path = corpus.tamper_collection(own_package, sandbox.root / "io.apkg", change)
    draft = read_anki_package(path)
    assert [(n.notetype, n.fields) for n in draft.notes] == [
        ("Three", ("q", "a", "p. 12")),
        (draft.notes[1].notetype, ("H<sub>2</sub>O", "water; stray")),
        ("Image Occlusion", ('{{c1::Sodium}} is {{c3::Na}} <img src="na.png">', "<b>alkali</b>")),
    ]
    kinds = {notetype.name: notetype.kind for notetype in draft.notetypes}
    assert kinds["Image Occlusion"] is NotetypeKind.IMAGE_OCCLUSION and kinds["Three"] is NotetypeKind.STANDARD
    assert [m.name for m in draft.media] == ["na.png"]  # the image occlusion note uses it: imported
    assert draft.skipped == ()
    assert draft.warnings == (
        f"io.apkg: 1 note of {draft.notes[1].notetype!r} (2 fields) had more fields than it: the text of the extra"
        " ones was added to its last field",
        "io.apkg: 1 image occlusion note of 'Image Occlusion' holds 2 occlusions that cannot be drawn, kept as they"
        " are (first: occlusion 1 ({{c1::Sodium}}): not an image occlusion (a plain cloze: it is a card without a"
        " mask))",
    )


def test_every_kind_of_review_log_entry(sandbox: Sandbox, own_package: Path) -> None:
    t0 = 1767225600000  # 2026-01-01 00:00 UTC
    rows = [  # id (time), ease, ivl, factor, duration, type
        (t0, 3, 5, 2500, 1200, 1),  # a review answer
        (t0 + 10, 0, 0, 0, 0, 4),  # manual with ease factor 0: Forget / Reset
        (t0 + 20, 0, 7, 2500, 0, 4),  # manual: Set Due Date, interval 7
        (t0 + 30, 0, 9, 2500, 0, 5),  # rescheduled (FSRS), interval 9
        (t0 + 35, 0, 0, 2500, 0, 4),  # manual with interval 0: Forget in Anki before 2.1.50 (the factor kept)
        (t0 + 40, 2, 0, 0, 500, 3),  # filtered deck without rescheduling: logged, schedule unchanged
        (t0 + 50, 3, 3, 2500, 800, 2),  # relearning answer
        (t0 + 60, 1, -60, 0, 900, 0),  # learning right after: old Anki's unlogged reset
        (10**18, 1, 1, 0, 100, 1),  # a time no calendar has: reported, not a crash
        (t0 + 80, 4, 1, 2500, -7, 0),  # a negative duration becomes 0
        (t0 + 90, 7, 1, 2500, 100, 1),  # no such button
    ]

    def change(db: sqlite3.Connection) -> None:
        cid = db.execute("select c.id from cards c join notes n on n.id = c.nid where n.guid = 'h:plain'").fetchone()[0]
        for at, ease, ivl, factor, duration, kind in rows:
            db.execute(
                "insert into revlog values (?, ?, -1, ?, ?, 0, ?, ?, ?)", (at, cid, ease, ivl, factor, duration, kind)
            )

    path = corpus.tamper_collection(own_package, sandbox.root / "log.apkg", change)
    draft = read_anki_package(path, ImportOptions(include_history=True))
    history = draft.notes[0].history
    reset, reschedule = ScheduleChangeKind.RESET, ScheduleChangeKind.RESCHEDULE
    assert [
        (
            r.reviewed_at.strftime("%H:%M:%S.%f")[:12],
            r.rating,
            r.change,
            r.interval_days,
            r.affects_schedule,
            r.duration_ms,
        )
        for r in history
    ] == [
        ("00:00:00.000", Rating.GOOD, None, 5, True, 1200),  # an answer's interval in days: the day it gave
        ("00:00:00.010", None, reset, None, True, 0),
        ("00:00:00.020", None, reschedule, 7, True, 0),
        ("00:00:00.030", None, reschedule, 9, True, 0),
        ("00:00:00.035", None, reset, None, True, 0),
        ("00:00:00.040", Rating.HARD, None, None, False, 500),
        ("00:00:00.050", Rating.GOOD, None, 3, True, 800),
        ("00:00:00.059", None, reset, None, True, 0),  # added before the learning answer
        ("00:00:00.060", Rating.AGAIN, None, None, True, 900),  # (in seconds: a learning step)
        ("00:00:00.080", Rating.EASY, None, 1, True, 0),
    ]
    assert all(r.due is None for r in history)  # the card is new in the file: no due day to take
    assert [(s.place, s.reason) for s in draft.skipped] == [
        ("review log", "2 entries with an impossible time, rating or card were left out")
    ]
    assert draft.warnings == (
        "log.apkg: review log: 1 cards were reset to new by an Anki that did not log it (a learning answer right"
        " after a review); the reset is added to their history",
    )
    assert draft.details["history"] == (
        "5 answers, 1 in filtered decks without rescheduling, 3 resets to new, 2 due dates set by hand on 1 card"
    )
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
    assert [(s.place, s.reason) for s in draft.skipped] == [
        ("media", "12 media files no note uses were not imported (no field, template or styling names it)")
    ]
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


@pytest.mark.parametrize("version", [None, 1, 2])
def test_learning_answers_of_the_v1_scheduler_had_three_buttons(
    sandbox: Sandbox, own_package: Path, version: int | None
) -> None:
    t0 = 1767225600000
    rows = [(t0, 2, 0), (t0 + 10, 3, 0), (t0 + 20, 2, 1), (t0 + 30, 1, 1), (t0 + 40, 2, 2)]  # id, ease, type

    def change(db: sqlite3.Connection) -> None:
        conf = json.loads(db.execute("select conf from col").fetchone()[0])
        conf.pop("schedVer", None)
        if version is not None:
            conf["schedVer"] = version
        db.execute("update col set conf = ?", (json.dumps(conf),))
        cid = db.execute("select c.id from cards c join notes n on n.id = c.nid where n.guid = 'h:plain'").fetchone()[0]
        for at, ease, kind in rows:
            db.execute("insert into revlog values (?, ?, -1, ?, 1, 0, 2500, 1000, ?)", (at, cid, ease, kind))

    path = corpus.tamper_collection(own_package, sandbox.root / "v1.apkg", change)
    draft = read_anki_package(path, ImportOptions(include_history=True))
    ratings = [review.rating for review in draft.notes[0].history]
    if version == 2:
        assert ratings == [Rating.HARD, Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.HARD] and draft.warnings == ()
    else:  # v1, or no version (Anki reads that as v1): learning and relearning's 2 is Good, 3 Easy
        assert ratings == [Rating.GOOD, Rating.EASY, Rating.HARD, Rating.AGAIN, Rating.GOOD]
        assert draft.warnings == (
            "v1.apkg: review log: 3 learning answers of Anki's old (v1) scheduler, which had three buttons, are read"
            " as Anki reads them: its 2 as Good and its 3 as Easy",
        )


def test_damaged_settings_do_not_stop_an_import_with_history(sandbox: Sandbox, own_package: Path) -> None:
    path = tampered(sandbox, own_package, "update col set conf = '{oops'")
    draft = read_anki_package(path, ImportOptions(include_history=True))
    assert len(draft.notes) == 3  # the scheduler's version is unknown: read as 1, as Anki reads a missing one


def test_suspended_cards_and_flags_come_with_the_history(sandbox: Sandbox, own_package: Path) -> None:
    path = tampered(
        sandbox,
        own_package,
        "update cards set queue = -1 where ord = 1 and nid = (select id from notes where guid = 'Xy7#kq')",
        "update cards set flags = 3 where nid = (select id from notes where guid = 'h:plain')",
    )
    with_history = read_anki_package(path, ImportOptions(include_history=True))
    assert [(note.card_ords, note.card_suspended) for note in with_history.notes] == [
        ((0,), ()),
        ((0, 1), (False, True)),  # the reverse card is suspended in the package
        ((0, 2), ()),
    ]
    assert [note.card_flags for note in with_history.notes] == [(3,), (), ()]  # (notes in the file's order)
    assert with_history.warnings == ()
    fresh = read_anki_package(path)  # without scheduling, cards start new, unsuspended and unflagged, as in Anki
    assert all(note.card_suspended == () == note.card_flags for note in fresh.notes) and fresh.warnings == ()
