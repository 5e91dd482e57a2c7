"""A note type that came from an Anki package goes back out with its Anki id: imported into the Anki collection it
came from, Anki recognises its own note type instead of adding a copy ("Vocab+")."""

from __future__ import annotations

from pathlib import Path

from studyapp.services.app import App


def _package(folder: Path) -> Path:
    import genanki

    model = genanki.Model(
        1_607_392_319, "Vocab",
        fields=[{"name": "Word"}, {"name": "Meaning"}, {"name": "Example"}],
        templates=[{"name": "Card 1", "qfmt": "{{Word}}", "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}"}],
    )  # fmt: skip
    deck = genanki.Deck(2_059_400_777, "Vocab deck")
    deck.add_note(genanki.Note(model=model, fields=["Hund", "dog", "Der Hund bellt."], guid="v1"))
    path = folder / "vocab.apkg"
    genanki.Package(deck).write_to_file(str(path))
    return path


def _notetype_names(col) -> list[str]:  # noqa: ANN001 - an anki Collection
    return sorted(name for name in (nt["name"] for nt in col.models.all()) if name.startswith("Vocab"))


def test_an_anki_note_type_goes_back_to_anki_as_itself(app: App, tmp_path: Path) -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    original = _package(tmp_path)
    app.import_file(original)
    exported = tmp_path / "back.apkg"
    app.export(exported, None)
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(original), options=options))
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(exported), options=options))
        assert _notetype_names(col) == ["Vocab"]
        [model] = [nt for nt in col.models.all() if nt["name"] == "Vocab"]
        assert model["id"] == 1_607_392_319
        assert len(col.find_notes("note:Vocab")) == 1  # the same note, updated in place
    finally:
        col.close()


def test_two_copies_of_one_anki_type_do_not_share_its_id(app: App, tmp_path: Path) -> None:
    """Two note types that came from one Anki type (a copy with other fields) both keep their own ids: never two
    note types of one id in a package (Anki then adds its copies, as it would anyway)."""
    import json
    import sqlite3
    import zipfile

    original = _package(tmp_path)
    app.import_file(original)
    app.collection.notetypes.refresh()  # (the import wrote through its own connection)
    [vocab] = [t for t in app.collection.notetypes.all() if t.name == "Vocab"]
    from dataclasses import replace

    from studyapp.core.notetypes.model import FieldDef

    twin = replace(vocab, id=vocab.id + 1, name="Vocab (2)", fields=(*vocab.fields, FieldDef("Extra")))
    with app.collection.transaction():
        app.collection.notetypes.add(twin, app.clock.now())
    exported = tmp_path / "both.apkg"
    from studyapp.services.notes.notes import NoteFields, add_note_fields

    deck = app.find_deck("Vocab deck")
    assert deck is not None
    add_note_fields(app.collection, app.rng, app.clock, deck.id, NoteFields(twin.id, ("Katze", "cat", "", "")))
    app.export(exported, None)
    with zipfile.ZipFile(exported) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    models = json.loads(db.execute("select models from col").fetchone()[0])
    db.close()
    ids = [int(key) for key in models if models[key]["name"].startswith("Vocab")]
    assert len(ids) == len(set(ids)) == 2 and 1_607_392_319 not in ids
