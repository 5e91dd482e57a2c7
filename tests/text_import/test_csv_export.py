"""CSV export: Anki's headers, quoting, HTML, an atomic write; it re-imports here as an update and into Anki."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import NoteKind
from studyapp.exporters import csv_export
from studyapp.exporters.csv_export import write_csv
from studyapp.importers.delimited import read_delimited
from studyapp.services.app import App

NOTES = (
    NoteDraft("h:0a1b#2", "Longest\triver?", 'The "Nile",\nin Africa & <Egypt>', ("geo", "Parent::Child")),
    NoteDraft("#hash-guid", "Starts a line with #?", "Quoted, so not a comment", deck="Rivers::Africa"),
    NoteDraft("rev-1", "r\u00edo", "river", ("es",), kind=NoteKind.REVERSED),
    NoteDraft("cloze-1", "{{c1::Paris}} is on the {{c2::Seine}}", "", kind=NoteKind.CLOZE, deck="Cities"),
    NoteDraft("uni-1", "\u65e5\u672c\u8a9e; \u00e9t\u00e9 | caf\u00e9", "\U0001f30a  two  spaces ", deck="Rivers"),
)
DRAFT = ImportDraft(name="Rivers", notes=NOTES, description="Rivers of the world.")
HTML_NOTE = NoteDraft("html-1", "<b>Bold</b> question?", "<i>answer</i><br>line two", html=True)


def test_the_file_has_anki_headers_and_one_row_per_note(tmp_path: Path) -> None:
    path = tmp_path / "rivers.csv"
    write_csv(DRAFT, path)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[:7] == [
        "#separator:tab",
        "#html:false",
        "#deck:Rivers",
        "#guid column:1",
        "#notetype column:2",
        "#deck column:3",
        "#tags column:6",
    ]
    assert lines[7:9] == [
        'h:0a1b#2\tBasic\tRivers\t"Longest\triver?"\t"The ""Nile"",',
        'in Africa & <Egypt>"\tgeo Parent::Child',
    ]
    assert (
        lines[9] == '"#hash-guid"\t"Basic"\t"Rivers::Africa"\t"Starts a line with #?"\t"Quoted, so not a comment"\t""'
    )
    assert lines[10] == "rev-1\tBasic (and reversed card)\tRivers\tr\u00edo\triver\tes"


def test_reading_the_export_gives_back_every_note(tmp_path: Path) -> None:
    path = tmp_path / "rivers.csv"
    write_csv(DRAFT, path)
    again = read_delimited(path, ImportOptions())
    assert again.name == "Rivers" and again.details["delimiter"] == "tab" and not again.skipped
    # (a guid not studyapp's own reads back as Anki's, as a package's does)
    expected = [(from_anki_guid(n.guid), n.front, n.back, n.tags, n.kind, None if n.deck == "Rivers" else n.deck)
                for n in NOTES]  # fmt: skip
    assert [(n.guid, n.front, n.back, n.tags, n.kind, n.deck) for n in again.notes] == expected


def test_with_any_html_note_plain_notes_are_escaped_and_all_read_back_as_html(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    write_csv(ImportDraft(name="Mixed", notes=(HTML_NOTE, NOTES[0])), path)
    assert "#html:true" in path.read_text(encoding="utf-8").split("\n")
    html_note, plain_note = read_delimited(path, ImportOptions()).notes
    assert (html_note.front, html_note.back, html_note.html) == (HTML_NOTE.front, HTML_NOTE.back, True)
    assert plain_note.html is True
    assert plain_note.back == 'The "Nile",<br>in Africa &amp; &lt;Egypt&gt;'


def test_the_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deck.csv"
    path.write_text("the previous export\n", encoding="utf-8")
    path.chmod(0o640)
    write_csv(DRAFT, path)
    assert path.read_text(encoding="utf-8").startswith("#separator:tab")
    assert (path.stat().st_mode & 0o777) == 0o640 and [p.name for p in tmp_path.iterdir()] == ["deck.csv"]

    def broken(note: NoteDraft, deck_name: str, as_html: bool) -> list[str]:
        raise OSError("disk full")

    monkeypatch.setattr(csv_export, "_row", broken)
    before = path.read_bytes()
    with pytest.raises(OSError, match="disk full"):
        write_csv(DRAFT, path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["deck.csv"]


def test_importing_the_export_again_is_an_update_that_adds_nothing(app: App, tmp_path: Path) -> None:
    path = tmp_path / "rivers.csv"
    write_csv(DRAFT, path)
    first = app.import_file(path)
    assert (first.new, first.updated) == (len(NOTES), 0)
    again = app.import_file(path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(NOTES))
    changed = ImportDraft(name="Rivers", notes=(NOTES[0], NoteDraft("rev-1", "r\u00edo", "a river", ("es",))))
    write_csv(changed, path)
    update = app.import_file(path)
    assert (update.new, update.updated, update.unchanged) == (0, 1, 1)


def test_anki_imports_the_export_with_the_same_notes(tmp_path: Path) -> None:
    collection_module = pytest.importorskip("anki.collection")
    path = tmp_path / "rivers.csv"
    draft = ImportDraft(name="Rivers", notes=(*NOTES, HTML_NOTE))
    write_csv(draft, path)
    col = collection_module.Collection(str(tmp_path / "collection.anki2"))
    try:
        request = collection_module.ImportCsvRequest(path=str(path), metadata=col.get_csv_metadata(str(path), None))
        assert len(col.import_csv(request).log.new) == len(draft.notes)
        imported = {}
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            decks = {col.decks.name(card.did) for card in note.cards()}
            imported[note.guid] = (note.note_type()["name"], decks, note.fields, set(note.tags), len(note.cards()))
        expected = {}
        for note in draft.notes:
            fields = [note.front, note.back] if note.html else [_escaped(note.front), _escaped(note.back)]
            cards = {NoteKind.BASIC: 1, NoteKind.REVERSED: 2, NoteKind.CLOZE: 2}[note.kind]
            deck = {note.deck or draft.name}
            expected[note.guid] = (csv_export.NOTETYPE_NAMES[note.kind], deck, fields, set(note.tags), cards)
        assert imported == expected
        again = col.import_csv(request)
        assert (len(again.log.new), len(again.log.updated), len(col.find_notes(""))) == (0, 0, len(draft.notes))
    finally:
        col.close()


def _escaped(text: str) -> str:
    """A plain field as Anki stores it after an #html:true import of studyapp's escaping."""
    return html.escape(text, quote=False).replace("\n", "<br>")
