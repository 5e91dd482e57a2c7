"""Check Collection counts a media file as used when any field, template or styling refers to it.

Before note types, only the front and back were read, and only ``<img src>`` and ``[sound:]`` in them: the
audio of a third field, an ``<audio src>``, a template's ``_font.woff`` or ``_lib.js`` were "unused" and
``--repair`` moved them to the trash.
"""

from __future__ import annotations

from pathlib import Path

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check
from studyapp.storage.notes.notes_store import NewCard, NewNote, field_columns
from tests.conftest import T0

CSS = '@font-face { font-family: x; src: url("_font.woff"); }\n.card { background: url(_paper.png); }'
QUESTION = '<script src="_lib.js"></script>{{Word}} {{Audio}}'
ANSWER = '{{FrontSide}}<hr id=answer>{{Meaning}}<img src="_logo.svg"> {{Example}}'


def vocabulary_type(app: App) -> NoteType:
    notetype = NoteType(
        id=7001,
        name="Vocabulary",
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(name) for name in ("Word", "Meaning", "Audio", "Example", "Picture")),
        templates=(CardTemplate("Recognition", QUESTION, ANSWER),),
        css=CSS,
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


def media_folder(app: App, names: list[str]) -> Path:
    media = app.media_dir
    media.mkdir()
    for name in names:
        (media / name).write_bytes(name.encode())
    return media


def test_audio_in_any_field_and_files_templates_name_are_used_and_never_moved(app: App, calcinosis_id: int) -> None:
    notetype = vocabulary_type(app)
    add_note(
        app,
        calcinosis_id,
        notetype,
        9000,
        ("Hund", "dog", "[sound:hund.mp3]", '<audio src="hund-satz.ogg"></audio> Der Hund', ""),
    )
    add_note(app, calcinosis_id, notetype, 9010,
             ("Katze", "cat [sound:katze.mp3]", "", "", "<IMG SRC='katze.jpg'>"))  # fmt: skip
    used = ["hund.mp3", "hund-satz.ogg", "katze.mp3", "katze.jpg", "_font.woff", "_paper.png", "_lib.js",
            "_logo.svg"]  # fmt: skip
    media = media_folder(app, [*used, "orphan.mp3"])

    report = run_check(app.collection, app.clock, app.rng, media, repair=True)

    assert report.orphans == ["orphan.mp3"]
    assert report.trashed == ["orphan.mp3"]
    assert sorted(p.name for p in media.iterdir() if p.is_file()) == sorted(used)
    assert report.missing == [] and report.unresolved == 0


def test_underscore_files_no_template_names_are_kept_as_anki_keeps_them_and_said_so(
    app: App, calcinosis_id: int
) -> None:
    vocabulary_type(app)
    media = media_folder(app, ["_font.woff", "_old-theme.css", "unused.png"])

    report = run_check(app.collection, app.clock, app.rng, media, repair=True)

    assert report.orphans == ["unused.png"] and report.trashed == ["unused.png"]
    assert report.kept == ["_old-theme.css"]
    assert (media / "_old-theme.css").exists() and (media / "_font.woff").exists()
    assert "1 file starting with '_' kept" in report.text()
    assert report.to_json()["kept"] == ["_old-theme.css"]


def test_a_file_a_template_names_that_is_not_there_is_missing_with_its_note_type(app: App, calcinosis_id: int) -> None:
    vocabulary_type(app)
    media = media_folder(app, ["_font.woff", "_paper.png", "_lib.js"])

    report = run_check(app.collection, app.clock, app.rng, media)

    assert report.missing == []
    assert report.missing_in_notetypes == [("_logo.svg", "Vocabulary")]
    assert report.unresolved == report.problems == 1
    assert "_logo.svg (note type Vocabulary)" in report.text()
    assert report.to_json()["missing"] == [{"file": "_logo.svg", "note_type": "Vocabulary"}]


def test_a_field_that_names_a_file_in_an_unusual_way_counts_and_text_alone_does_not(
    app: App, calcinosis_id: int
) -> None:
    notetype = vocabulary_type(app)
    # 'sound' and '=' in plain text name no file; an entity-escaped name and a tag with spaces do.
    add_note(
        app,
        calcinosis_id,
        notetype,
        9100,
        ("a = b", "the sound of [sound:]", "[sound:a&amp;b.mp3]", "", '<img  class="x"  src = "with space.png" >'),
    )
    media = media_folder(app, ["a&b.mp3", "with space.png", "a = b", "_font.woff", "_paper.png", "_lib.js",
                               "_logo.svg"])  # fmt: skip

    report = run_check(app.collection, app.clock, app.rng, media)

    assert report.orphans == ["a = b"]
