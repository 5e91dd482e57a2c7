"""Check Collection lists large media by size (largest first, with a total), never calls a file that only a
template or the styling names unused, and a backup's restore never drops media files."""

from __future__ import annotations

import json

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.services.app import App
from studyapp.services.maintenance.backups import create_backup, restore
from studyapp.services.maintenance.check import run_check
from studyapp.services.maintenance.check_report import size_text
from studyapp.services.media.adding import add_media_bytes
from studyapp.storage.notes.notes_store import NewCard, NewNote, field_columns
from tests.conftest import T0

MB = 1024**2
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def picture_type(app: App) -> NoteType:
    notetype = NoteType(
        id=7101,
        name="Picture card",
        kind=NotetypeKind.STANDARD,
        fields=(FieldDef("Header"), FieldDef("Image"), FieldDef("Notes")),
        templates=(
            CardTemplate(
                "Card 1", '<div class="frame">{{Header}}</div>{{Image}}', "{{FrontSide}}<hr id=answer>{{Notes}}"
            ),
        ),
        css=".frame { background: url('_frame.png'); } .card { font-family: x; }",
    )
    with app.collection.transaction():
        app.collection.notetypes.add(notetype, T0)
    return notetype


def add_note(app: App, deck_id: int, notetype: NoteType, note_id: int, fields: tuple[str, ...]) -> None:
    front, back, rest = field_columns(fields)
    with app.collection.transaction():
        app.collection.notes.add(
            [NewNote(note_id, f"guid-{note_id}", deck_id, front, back, "", "basic", 1, 0, 0, rest, notetype.id)],
            [NewCard(note_id + 1, note_id, deck_id, 0, note_id)],
        )


def test_large_media_is_listed_largest_first_with_a_total_and_template_files_are_used(
    app: App, calcinosis_id: int
) -> None:
    notetype = picture_type(app)
    media = app.media_dir
    pasted = add_media_bytes(media, PNG + bytes(3 * MB))  # an image pasted in the editor, in the Image field
    lecture = add_media_bytes(media, b"ID3\x04" + bytes(5 * MB), extension="mp3")
    add_note(app, calcinosis_id, notetype, 9100, ("Heart", pasted.reference, f"listen {lecture.reference}"))
    (media / "_frame.png").write_bytes(PNG + bytes(2 * MB))  # named only by the styling's url()
    (media / "small-orphan.png").write_bytes(PNG)
    (media / "big-orphan.wav").write_bytes(bytes(MB + 1))
    (media / "tiny.mp3").write_bytes(bytes(10))

    report = run_check(app.collection, app.clock, app.rng, media, repair=True)

    assert report.orphans == ["big-orphan.wav", "small-orphan.png", "tiny.mp3"]
    assert "_frame.png" not in report.kept and (media / "_frame.png").is_file()
    assert report.large_media == [
        (lecture.name, 5 * MB + 4),
        (pasted.name, 3 * MB + len(PNG)),
        ("_frame.png", 2 * MB + len(PNG)),
        ("big-orphan.wav", MB + 1),
    ]
    total = sum(size for _n, size in report.large_media) + len(PNG) + 10
    assert report.media_bytes == total
    text = report.text()
    assert f"4 large files (1 MB or more): 11.0 MB of the folder's {size_text(total)}, largest first:" in text
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if "large files" in line))
    assert lines[start + 1 : start + 5] == [
        f"  • {lecture.name}  5.0 MB",
        f"  • {pasted.name}  3.0 MB",
        "  • _frame.png  2.0 MB",
        "  • big-orphan.wav  1.0 MB",
    ]
    as_json = json.loads(json.dumps(report.to_json()))
    assert as_json["large_media"][0] == {"file": lecture.name, "bytes": 5 * MB + 4}
    assert as_json["media_bytes"] == total
    # listed, never a problem: only the three orphans were (and were moved to the trash)
    assert report.problems == 3 and report.trashed == report.orphans
    assert sorted(p.name for p in media.iterdir() if p.is_file()) == sorted([lecture.name, pasted.name, "_frame.png"])


def test_a_folder_without_large_files_lists_none(app: App) -> None:
    media = app.media_dir
    add_media_bytes(media, PNG)
    report = run_check(app.collection, app.clock, app.rng, media)
    assert report.large_media == [] and report.media_bytes == len(PNG)
    assert "large file" not in report.text()


def test_restoring_a_backup_from_before_a_pasted_image_keeps_the_file(app: App, calcinosis_id: int) -> None:
    notetype = picture_type(app)
    backup = create_backup(app, prune_after=False)
    pasted = add_media_bytes(app.media_dir, PNG)
    add_note(app, calcinosis_id, notetype, 9200, ("Lung", pasted.reference, ""))
    undo = restore(app, backup)
    assert app.collection.notes.get(9200) is None
    assert (app.media_dir / pasted.name).read_bytes() == PNG  # the restore never touches the media folder
    restore(app, undo)  # and undoing it finds the note's image where it was: used, not missing
    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert app.collection.notes.get(9200) is not None
    assert report.orphans == [] and report.missing == []
