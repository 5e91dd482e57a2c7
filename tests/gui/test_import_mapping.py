"""The import dialog maps every column of a file to a field of a note type (or tags, deck, nothing), shows how the
fields are read (HTML or plain text) and a Quizlet file's separators. Driven with keys and clicks on the real
dialog; what matters is checked in the collection afterwards: fields by name, tags, the HTML flag."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from studyapp.services.app import App
from studyapp.services.notetypes.manage import NotetypeManager
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.importing.import_dialog import ImportDialog

from .support import choose, database_fingerprint, offscreen_dialog_warning, open_import, run_import

pytestmark = offscreen_dialog_warning

HEADER = ("Word", "Meaning", "Gender", "Plural", "Example", "Translation", "Audio", "Tags", "Source")
ROWS = (
    ("Hund", "dog", "der", "Hunde", "Der Hund bellt.", "The dog barks.", "[sound:hund.mp3]", "animals a1", "Goethe"),
    ("Katze", "cat", "die", "Katzen", "Die Katze schläft.", "The cat sleeps.", "", "animals", "Goethe"),
    ("Haus", "house", "das", "Häuser", "Das Haus ist groß.", "The house is big.", "", "home", "Duden"),
)


def nine_columns(folder: Path) -> Path:
    path = folder / "vocab.tsv"
    path.write_text("\n".join("\t".join(row) for row in (HEADER, *ROWS)) + "\n", encoding="utf-8")
    return path


def stored(app: App, deck_name: str) -> dict[str, tuple[str, dict[str, str], str, bool]]:
    """Each note of the deck by its first field: its note type's name, its fields by name, its tags, HTML or not."""
    deck = app.find_deck(deck_name)
    assert deck is not None
    app.collection.notetypes.refresh()
    found = {}
    for note in app.collection.notes.in_decks([deck.id]):
        notetype = app.collection.notetypes.get(note.notetype_id)
        assert notetype is not None
        fields = dict(zip(notetype.field_names, note.padded(len(notetype.fields)), strict=True))
        found[note.front] = (notetype.name, fields, note.tags.strip(), note.html)
    return found


def combos(dialog: ImportDialog) -> list[str]:
    return [combo.currentText() for combo in dialog.table.mapping_header.combos]


def test_nine_columns_become_a_new_note_type_with_every_column_kept(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    dialog = open_import(window, qtbot, nine_columns(tmp_path))
    panel = dialog.options_panel
    assert panel.notetype.combo.currentText() == "New type from the columns"
    # each place of the new type, numbered, with the name its column gives it
    assert combos(dialog) == [
        "1: Word (question)",
        *(f"{i}: {HEADER[i - 1]}" for i in range(2, 8)),
        "Tags",
        "8: Source",
    ]
    assert panel.notetype.state.text().startswith("new · 8 fields: Word, Meaning, Gender")
    assert dialog.message_label.text() == ""  # nothing left out: nothing to warn of

    # Source is not wanted: it turns "Not imported", in the warning colour, and the footer counts it
    source = dialog.table.mapping_header.combos[8]
    choose(qtbot, source, "ignore")
    assert source.currentText() == "Not imported" and source.property("leftOut") is True
    assert dialog.message_label.text() == "1 column not imported: Source"
    assert dialog.table.preview_model.text().splitlines()[0].endswith("Tags → Tags\tSource → Not imported")
    # Example first: choosing Field 1 for it gives Word its place in exchange
    choose(qtbot, dialog.table.mapping_header.combos[4], "field:0")
    assert combos(dialog)[0] == "5: Word" and combos(dialog)[4] == "1: Example (question)"
    assert dialog.import_button.isEnabled()

    assert run_import(qtbot, dialog) == "imported"
    notes = stored(app, "Vocab")
    name, fields, tags, html = notes["Der Hund bellt."]
    assert name == "Example / Meaning / Gender / Plural / Word / Trans... (7 fields)"  # named after its fields
    assert list(fields) == ["Example", "Meaning", "Gender", "Plural", "Word", "Translation", "Audio"]
    assert fields["Word"] == "Hund" and fields["Audio"] == "[sound:hund.mp3]" and fields["Plural"] == "Hunde"
    assert set(tags.split()) == {"a1", "animals"} and html is False
    assert len(notes) == 3
    text = dialog.summary_view.text()
    assert f"Note types added: {name}" in text
    assert "column 9 ('Source') is not imported" in text  # the summary says what was left out, with a count


def test_a_collection_note_type_takes_the_columns_in_order_and_says_what_is_left_out(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    manager = NotetypeManager(app.collection, app.rng, app.clock)
    vocab = manager.add_stock("basic", "Vocab")
    manager.add_field(vocab.id, "Example")
    dialog = open_import(window, qtbot, nine_columns(tmp_path))
    panel = dialog.options_panel
    choose(qtbot, panel.notetype.combo, f"{vocab.id}")
    assert panel.notetype.state.text() == "3 fields: Front, Back, Example"
    assert combos(dialog) == ["Front", "Back", "Example", *["Not imported"] * 4, "Tags", "Not imported"]
    assert dialog.message_label.text() == "5 columns not imported: Plural, Example, Translation, Audio and 1 more"

    choose(qtbot, dialog.table.mapping_header.combos[4], "field:2")  # the real example sentence, not the gender
    choose(qtbot, dialog.table.mapping_header.combos[2], "tags")  # the gender as a tag
    assert combos(dialog)[:5] == ["Front", "Back", "Tags", "Not imported", "Example"]
    assert dialog.message_label.text() == "4 columns not imported: Plural, Translation, Audio, Source"

    assert run_import(qtbot, dialog) == "imported"
    notes = stored(app, "Vocab")
    name, fields, tags, html = notes["Hund"]
    assert (name, fields, html) == ("Vocab", {"Front": "Hund", "Back": "dog", "Example": "Der Hund bellt."}, False)
    assert set(tags.split()) == {"animals", "a1", "der"} and set(notes["Haus"][2].split()) == {"home", "das"}
    assert [n.name for n in app.collection.notetypes.all()].count("Vocab") == 1
    assert not any(n.name.startswith("Vocab ") for n in app.collection.notetypes.all())  # found, not added again
    assert "Note types added" not in dialog.summary_view.text()


def test_a_file_with_markup_is_read_as_html_unless_the_user_says_plain_text(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    source = tmp_path / "chemistry.csv"
    source.write_text("H<sub>2</sub>O,water<br>the liquid\nNaCl,<b>salt</b>\n", encoding="utf-8")
    dialog = open_import(window, qtbot, source)
    panel = dialog.options_panel
    assert panel.html_combo.currentText() == "HTML" and panel.html_state.text() == "detected from the text"
    assert dialog.table.preview_model.text().splitlines()[1] == "H2O\twater the liquid"  # markup left out
    assert run_import(qtbot, dialog) == "imported"
    notes = stored(app, "Chemistry")
    assert notes["H<sub>2</sub>O"][1] == {"Front": "H<sub>2</sub>O", "Back": "water<br>the liquid"}
    assert notes["H<sub>2</sub>O"][3] is True


def test_plain_text_chosen_keeps_the_tags_as_text(
    window: MainWindow, app: App, qtbot, tmp_path: Path, collection_path: Path
) -> None:
    source = tmp_path / "chemistry.csv"
    source.write_text("H<sub>2</sub>O,water\nNaCl,<b>salt</b>\n", encoding="utf-8")
    dialog = open_import(window, qtbot, source)
    panel = dialog.options_panel
    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        choose(qtbot, panel.html_combo, "plain")
    assert panel.html_state.text() == "your choice" and panel.html_combo.currentText() == "Plain text"
    assert "H<sub>2</sub>O\twater" in dialog.table.preview_model.text()  # the preview follows
    assert run_import(qtbot, dialog) == "imported"
    notes = stored(app, "Chemistry")
    assert notes["NaCl"] == ("Basic", {"Front": "NaCl", "Back": "<b>salt</b>"}, "", False)


def test_a_quizlet_file_shows_its_separators(window: MainWindow, app: App, qtbot, tmp_path: Path) -> None:
    source = tmp_path / "spanish.txt"
    source.write_text("perro-----dog\ngato-----cat, a small one\ncasa-----house\n", encoding="utf-8")
    dialog = open_import(window, qtbot, source)
    panel = dialog.options_panel
    assert panel.format_combo.currentText() == "Quizlet"
    assert panel.separators_row.isVisible() and not panel.notetype_row.isVisible()
    assert (panel.term_combo.currentText(), panel.card_combo.currentText()) == ("-----", "newline")
    assert panel.separator_state.text() == "detected"
    assert dialog.table.mapping_header.combos == []
    assert run_import(qtbot, dialog) == "imported"
    notes = stored(app, "Spanish")
    assert notes["gato"] == ("Basic", {"Front": "gato", "Back": "cat, a small one"}, "", False)
    assert len(notes) == 3


def test_a_typed_separator_reads_the_file_as_quizlet(
    window: MainWindow, app: App, qtbot, tmp_path: Path, collection_path: Path
) -> None:
    source = tmp_path / "words.txt"
    source.write_text("perro = dog\ngato = cat\n", encoding="utf-8")
    before = database_fingerprint(collection_path)
    dialog = open_import(window, qtbot, source)
    panel = dialog.options_panel
    assert not dialog.import_button.isEnabled()  # read as Q&A: no questions
    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        choose(qtbot, panel.format_combo, "quizlet")
    assert panel.separators_row.isVisible()
    assert database_fingerprint(collection_path) == before
    edit = panel.term_combo.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, " = ")
    with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.preview is not None and dialog.preview.separators == (" = ", "newline")
    assert panel.separator_state.text() == "your choice"
    assert dialog.table.preview_model.text().splitlines()[1] == "perro\tdog\t\tWords"
    dialog.import_button.setFocus()
    assert run_import(qtbot, dialog) == "imported"
    assert stored(app, "Words")["perro"][1] == {"Front": "perro", "Back": "dog"}


def test_an_anki_notes_export_goes_into_each_row_s_note_type(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    source = tmp_path / "export.txt"
    source.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:6\n"
        "Basic\tGerman\tHund\tdog\t\tanimals\n"
        "Cloze\tGerman\t{{c1::Der}} Hund\tarticle\t\tgrammar\n",
        encoding="utf-8",
    )
    dialog = open_import(window, qtbot, source)
    panel = dialog.options_panel
    assert panel.notetype.combo.currentText() == "Each row’s own (the note type column)"
    assert panel.html_state.text() == "the file’s #html header"
    header = dialog.table.mapping_header
    assert [combo.currentText() for combo in header.combos][:2] == ["Note type column", "Deck"]
    assert not any(combo.isEnabled() for combo in header.combos)  # the file says where each column goes
    assert run_import(qtbot, dialog) == "imported"
    notes = stored(app, "German")
    assert notes["Hund"][:3] == ("Basic", {"Front": "Hund", "Back": "dog"}, "animals")
    assert notes["{{c1::Der}} Hund"][0] == "Cloze" and notes["{{c1::Der}} Hund"][3] is True
