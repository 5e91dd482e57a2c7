"""Delimited text keeps every column: a note type per file of many columns, the user's column map, wide rows,
and HTML told from the fields as Anki tells it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from studyapp.core.drafts import ColumnMap, ImportDraft, ImportOptions, Skip
from studyapp.core.model import NoteKind
from studyapp.importers import ImportFailure
from studyapp.importers.delimited import parse_delimited, sniff_delimited
from studyapp.importers.detect import read_text_file

from .support import write

P = Path("vocab.tsv")

# The shape of a real 9-column vocabulary sheet: a header row, quoted multi-line fields, empty cells, HTML.
NINE = (
    "Word\tMeaning\tGender\tPlural\tExample\tNotes\tLevel\tTopic\tTags\n"
    'Haus\thouse\tdas\tHäuser\t"Das Haus ist <b>groß</b>.\nSehr groß."\t\tA1\thome\tnoun a1\n'
    "Baum\ttree\tder\tBäume\tDer Baum ist alt.\told<br>tall\tA1\tnature\tnoun\n"
    "laufen\tto run\t\t\tIch laufe.\t\tA2\tverbs\t\n"
)


def parse(text: str, path: Path = P, **options: Any) -> ImportDraft:
    return parse_delimited(text, path, ImportOptions(**options))


def test_a_nine_column_file_with_a_header_keeps_every_column_in_a_note_type_named_from_it() -> None:
    draft = parse(NINE)
    [notetype] = draft.notetypes
    names = ("Word", "Meaning", "Gender", "Plural", "Example", "Notes", "Level", "Topic")
    assert notetype.field_names == names  # the Tags column is the notes' tags, not a field
    assert notetype.name.startswith("Word / Meaning / Gender") and notetype.name.endswith("(8 fields)")
    [template] = notetype.templates
    assert template.question == "{{Word}}"
    assert template.answer == "{{FrontSide}}\n\n<hr id=answer>\n\n" + "<br>\n".join(f"{{{{{n}}}}}" for n in names[1:])
    haus, baum, laufen = draft.notes
    assert haus.fields == ("Haus", "house", "das", "Häuser", "Das Haus ist <b>groß</b>.\nSehr groß.", "", "A1", "home")
    assert (haus.front, haus.back, haus.tags, haus.notetype, haus.line) == (
        "Haus",
        "house",
        ("noun", "a1"),
        notetype.name,
        2,
    )
    assert baum.fields[5] == "old<br>tall" and baum.html and baum.tags == ("noun",)
    assert laufen.fields == ("laufen", "to run", "", "", "Ich laufe.", "", "A2", "verbs") and laufen.tags == ()
    assert draft.details["fields"] == "8" and draft.details["html"] == "yes"
    assert draft.skipped == () and draft.warnings == ()
    # The same header again names the same note type (the import service finds it by name).
    assert parse(NINE.replace("Haus", "Hund"), Path("other.tsv")).notetypes[0].name == notetype.name


def test_without_a_header_the_fields_are_numbered_and_the_type_is_named_after_the_file() -> None:
    draft = parse("perro\tdog\tnoun\tel perro ladra\nlibro\tbook\tnoun\tun libro\n")
    [notetype] = draft.notetypes
    assert notetype.field_names == ("Field 1", "Field 2", "Field 3", "Field 4")
    assert notetype.name == "vocab.tsv (4 columns)"
    assert [n.fields for n in draft.notes] == [
        ("perro", "dog", "noun", "el perro ladra"),
        ("libro", "book", "noun", "un libro"),
    ]


def test_two_columns_stay_basic_notes_without_fields() -> None:
    draft = parse("Front\tBack\nperro\tdog\n")
    assert draft.notetypes == ()
    [note] = draft.notes
    assert (note.front, note.back, note.fields, note.notetype, note.kind) == ("perro", "dog", (), None, NoteKind.BASIC)


def test_a_third_column_of_short_words_is_read_as_tags_as_anki_does_and_said_so() -> None:
    draft = parse("foo\tbar\tbaz,qux\nfoo2\tbar2\tbaz2\n")
    assert [(n.front, n.back, n.tags) for n in draft.notes] == [
        ("foo", "bar", ("baz,qux",)),
        ("foo2", "bar2", ("baz2",)),
    ]
    assert draft.warnings == (
        f"{P}: column 3 is read as tags, as Anki reads a third column (map it to a field to keep it as text)",
    )
    # A third column of sentences is text: a field.
    assert parse("foo\tbar\tA whole sentence here.\n").notes[0].fields == ("foo", "bar", "A whole sentence here.")


def test_header_names_that_anki_refuses_are_cleaned_and_made_distinct() -> None:
    draft = parse("Front\tBack\tNote: one\t{{x}}\tBack\t\nq\ta\tn\tx\tb2\te\n")
    assert draft.notetypes[0].field_names == ("Front", "Back", "Note one", "x", "Back 2", "Field 6")


def test_columns_named_front_and_back_come_first() -> None:
    [note] = parse("Notes,Back,Front\nn,dog,perro\n", Path("v.csv")).notes
    assert (note.front, note.back, note.fields) == ("perro", "dog", ("perro", "dog", "n"))


def test_a_row_wider_than_the_file_keeps_its_cells_in_the_last_field_and_is_reported() -> None:
    draft = parse("a\tb\nc\td\te\tf\ng\th\n")
    assert [(n.front, n.back) for n in draft.notes] == [("a", "b"), ("c", "d\te\tf"), ("g", "h")]
    assert draft.warnings == (
        f"{P}: 1 row has more than the file's 2 columns: the extra cells were added to the last field,"
        " with the delimiter between them (line 2)",
    )
    wide = parse("1\t2\t3\tx\n4\t5\t6\tx\n7\t8\t9\tx\tlate\n")
    assert wide.notes[2].fields == ("7", "8", "9", "x\tlate") and "(line 3)" in wide.warnings[0]


def test_a_txt_with_a_few_irregular_rows_is_a_table_not_qa(tmp_path: Path) -> None:
    text = "".join(f"word{i}\tmeaning {i}\n" for i in range(6)) + "lonely\nthree\tcells\there\nno tab either\n"
    draft = read_text_file(write(tmp_path, "irregular.txt", text), ImportOptions())
    assert draft.details["format"] == "csv"
    assert [n.front for n in draft.notes][-3:] == ["lonely", "three", "no tab either"]
    assert draft.notes[-2].back == "cells\there" and len(draft.warnings) == 1


def test_the_users_map_puts_columns_into_fields_tags_or_nowhere_and_counts_what_is_left_out() -> None:
    columns = ColumnMap(fields=((1, 0), (0, 1), (4, 2)), field_names=("English", "Deutsch", "Satz"), tags=2)
    draft = parse(NINE, columns=columns)
    [notetype] = draft.notetypes
    assert notetype.field_names == ("English", "Deutsch", "Satz")
    assert [n.fields[:2] for n in draft.notes] == [("house", "Haus"), ("tree", "Baum"), ("to run", "laufen")]
    assert draft.notes[0].tags == ("das",)
    left_out = [w for w in draft.warnings if "is not imported" in w]
    assert left_out == [
        f"{P}: column 4 ('Plural') is not imported (no field, tags, deck or guid takes it): 2 non-empty cells left out",
        f"{P}: column 6 ('Notes') is not imported (no field, tags, deck or guid takes it): 1 non-empty cell left out",
        f"{P}: column 7 ('Level') is not imported (no field, tags, deck or guid takes it): 3 non-empty cells left out",
        f"{P}: column 8 ('Topic') is not imported (no field, tags, deck or guid takes it): 3 non-empty cells left out",
        f"{P}: column 9 ('Tags') is not imported (no field, tags, deck or guid takes it): 2 non-empty cells left out",
    ]


def test_a_stock_note_type_by_name_takes_the_columns_in_order() -> None:
    draft = parse("hund\tdog\ty\n", notetype="Basic (optional reversed card)")
    [notetype] = draft.notetypes
    assert notetype.name == "Basic (optional reversed card)" and notetype.stock == "basic_optional_reversed"
    assert draft.notes[0].fields == ("hund", "dog", "y") and draft.notes[0].notetype == notetype.name
    # Basic has two fields: a third column's text goes into the back, and the summary says so.
    basic = parse("hund\tdog\tmore text here.\n", notetype="Basic")
    [note] = basic.notes
    assert (note.front, note.back, note.fields, note.notetype, basic.notetypes) == (
        "hund",
        "dog\nmore text here.",
        (),
        None,
        (),
    )
    assert "1 row has more fields than their note type" in basic.warnings[0]


def test_a_named_note_type_the_collection_may_have_is_defined_with_the_files_columns() -> None:
    draft = parse("#notetype:Vocab (3)\nperro\tdog\tnoun\n", Path("v.txt"))
    [notetype] = draft.notetypes
    assert (notetype.name, len(notetype.fields)) == ("Vocab (3)", 3)
    assert draft.notes[0].notetype == "Vocab (3)"


@pytest.mark.parametrize(
    "field",
    ["<b>bold</b>", "H<sub>2</sub>O", "one<br>two", "<div>block</div>", "a&nbsp;b", "<i>x</i>", "<img src='a.png'>"],
)
def test_fields_that_look_like_html_make_the_file_html(field: str) -> None:
    draft = parse(f"plain,text\nq,{field}\n", Path("v.csv"))
    assert draft.details["html"] == "yes" and draft.details["html_from"] == "detected"
    assert all(note.html for note in draft.notes)


@pytest.mark.parametrize("field", ["a < b", "x > y", "AT&T", "1 <2 and 3> 2", "<notatag>", "&unknown"])
def test_fields_that_do_not_look_like_html_stay_plain(field: str) -> None:
    draft = parse(f"plain,text\nq,{field}\n", Path("v.csv"))
    assert draft.details["html"] == "no" and not any(note.html for note in draft.notes)
    assert draft.notes[1].back == field


def test_the_preview_shows_the_detected_html_and_the_mapping_of_every_column(tmp_path: Path) -> None:
    path = write(tmp_path, "vocab.tsv", NINE)
    preview = sniff_delimited(path)
    assert (preview.html, preview.html_from) == (True, "detected")
    assert preview.columns.fields == tuple((c, c) for c in range(8)) and preview.columns.tags == 8
    assert preview.field_names[:2] == ("Word", "Meaning") and preview.notetype is not None
    chosen = sniff_delimited(path, ImportOptions(html=False))
    assert (chosen.html, chosen.html_from) == (False, "chosen")


def test_a_map_to_a_field_past_the_last_column_is_padded_not_refused() -> None:
    draft = parse("a\tb\n", columns=ColumnMap(fields=((0, 0), (1, 1), (5, 2))))
    assert draft.notes[0].fields == ("a", "b", "")


def test_bad_input_still_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(
        ImportFailure,
        match=r"vocab.tsv: line 2: no usable rows: all 1 were skipped \(the first for 'empty first field'\)",
    ):
        parse("Word\tMeaning\tNotes\n\tx\ty\n")
    assert parse("Word\tMeaning\tNotes\n\tx\ty\nq\ta\tn\n").skipped == (Skip("line 2", "empty first field"),)


def test_the_command_lines_map_names_fields_and_roles() -> None:
    from studyapp.importers.columns import parse_column_map

    made = parse_column_map("1=Wort, 2=Bedeutung,3=tags,4=ignore,5=tags,6=deck")
    assert made == ColumnMap(
        tags=2, extra_as_tags=(4,), deck=5, fields=((0, 0), (1, 1)), field_names=("Wort", "Bedeutung")
    )
    assert parse_column_map("2=back,1=FRONT", ("Front", "Back")).fields == ((1, 1), (0, 0))
    for spec, message in [
        ("1", "'1' is not COLUMN=FIELD"),
        ("0=Front", "'0=Front' is not COLUMN=FIELD"),
        ("1=Front,1=Back", "column 1 is mapped twice"),
        ("1=Front,2=front", "field 'Front' is given two columns"),
        ("1=tags", "no column goes to a field"),
        ("1=Front,2=deck,3=deck", "only one column can be the deck"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_column_map(spec)
