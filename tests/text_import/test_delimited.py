"""CSV, TSV and friends: delimiter detection by structure, Anki's headers, header rows, quoting, guids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from studyapp.core.drafts import ColumnMap, ImportDraft, ImportOptions, Skip
from studyapp.core.ids import content_guid
from studyapp.core.model import NoteKind
from studyapp.importers import ImportFailure
from studyapp.importers.delimited import detect_delimiter, parse_delimited, read_delimited

from .support import cards, write

P = Path("deck.csv")


def parse(text: str, **options: Any) -> ImportDraft:
    return parse_delimited(text, P, ImportOptions(**options))


@pytest.mark.parametrize(
    ("text", "delimiter", "expected"),
    [
        # Anki takes the first colon: a comma CSV of times would split at 9:00.
        ("9:00,Breakfast\n10:30,Lecture\n12:15,Lunch at 12:15\n", ",", [("9:00", "Breakfast"), ("10:30", "Lecture")]),
        # ... and a tag hierarchy in a tab file would do the same.
        ("hund\tdog\tanimals::pets\nkatze\tcat\tParent::Child\n", "\t", [("hund", "dog"), ("katze", "cat")]),
        # European CSV: semicolons between fields, commas in the numbers of every row.
        (
            "Preis;3,50 \u20ac\nGewicht;1,2 kg\nL\u00e4nge;2,5 m\n",
            ";",
            [("Preis", "3,50 \u20ac"), ("Gewicht", "1,2 kg")],
        ),
        # Semicolons between fields, one comma in the prose of every row.
        ("Paris, France;capital\nLyon, France;city\n", ";", [("Paris, France", "capital"), ("Lyon, France", "city")]),
        # Pipes between fields; commas in the text, in varying numbers.
        ("a|b\nc, d|e\nf|g, h, i\n", "|", [("a", "b"), ("c, d", "e")]),
        # Tab and comma both split every row in two: tab is preferred.
        ("Hello, world\tHallo, Welt\nGood, bye\tTsch\u00fcss, ja\n", "\t", [("Hello, world", "Hallo, Welt")]),
        # A quoted field with a delimiter and a line break inside does not disturb the count.
        ('"a,\nb",c\nd,e\nf,g\n', ",", [("a,\nb", "c"), ("d", "e")]),
    ],
    ids=["times", "tag-hierarchy", "decimal-commas", "prose-commas", "pipe", "tab-over-comma", "quoted"],
)
def test_the_delimiter_comes_from_the_structure_of_the_rows(
    text: str, delimiter: str, expected: list[tuple[str, str]]
) -> None:
    assert detect_delimiter(text) == delimiter
    draft = parse(text)
    assert cards(draft)[: len(expected)] == expected


def test_a_colon_is_never_guessed_but_a_header_may_name_it() -> None:
    assert detect_delimiter("a:b\nc:d\n") is None
    with pytest.raises(ImportFailure, match="line 1: has no tab, comma, semicolon or pipe between the fields"):
        parse("a:b\nc:d\n")
    for header in ("#separator:Colon", "#separator::"):
        assert cards(parse(f"{header}\na:b\nc:d\n")) == [("a", "b"), ("c", "d")]


def test_quoted_fields_keep_line_breaks_and_doubled_quotes_and_lines_count_from_the_record_start() -> None:
    text = 'front,back\n"Say ""hi""","line one\nline two\n\nline four"\nnext,one\n\n"last",x\n'
    draft = parse(text)
    assert cards(draft) == [('Say "hi"', "line one\nline two\n\nline four"), ("next", "one"), ("last", "x")]
    assert [note.line for note in draft.notes] == [2, 6, 8]


@pytest.mark.parametrize(
    ("first_row", "front_back"),
    [
        ("Front,Back", ("a", "b")),
        ("question,answer,notes", ("a", "b")),
        ("TERM,Definition", ("a", "b")),
        ("Back,Front", ("b", "a")),
    ],
)
def test_a_row_of_column_names_is_a_header_row(first_row: str, front_back: tuple[str, str]) -> None:
    draft = parse(f"{first_row}\na,b,c\n")
    assert cards(draft) == [front_back]
    assert draft.details["header"] == "yes"


def test_the_options_override_header_row_detection() -> None:
    assert cards(parse("Hello,World\na,b\n")) == [("Hello", "World"), ("a", "b")]
    assert cards(parse("Hello,World\na,b\n", has_header=True)) == [("a", "b")]
    assert cards(parse("Front,Back\na,b\n", has_header=False)) == [("Front", "Back"), ("a", "b")]


def test_a_header_row_maps_tags_deck_and_guid_columns() -> None:
    text = "Deck,Tags,Front,Back,GUID\nBio::Cells,cell bio,Nucleus?,Control centre,g-1\n"
    [note] = parse(text).notes
    assert (note.front, note.back, note.tags, note.deck, note.guid) == (
        "Nucleus?",
        "Control centre",
        ("cell", "bio"),
        "Bio::Cells",
        "anki:g-1",  # (a guid not studyapp's own is taken as Anki's, as a package's note's is)
    )


def test_short_rows_are_padded_and_empty_fronts_are_skipped_with_their_line() -> None:
    draft = parse("a,b,c\nlonely\n,no front,x\n  ,  ,  \n\nd,e,f\n")
    assert cards(draft) == [("a", "b"), ("lonely", ""), ("d", "e")]
    assert draft.skipped == (Skip("line 3", "empty front"),)


def test_extra_columns_become_tags_when_asked_and_are_ignored_otherwise() -> None:
    text = "perro,dog,noun animal,week1\n"
    assert parse(text).notes[0].tags == ()
    columns = ColumnMap(front=0, back=1, extra_as_tags=(2, 3))
    assert parse(text, columns=columns).notes[0].tags == ("noun", "animal", "week1")
    columns = ColumnMap(front=1, back=0, tags=3)
    [note] = parse(text, columns=columns).notes
    assert (note.front, note.back, note.tags) == ("dog", "perro", ("week1",))


ANKI = """#separator:Pipe
#html:true
#tags:imported Spanish::Week1
#deck:Spanish
#notetype:Basic (and reversed card)
#guid column:1
#deck column:2
#notetype column:3
#tags column:4
# a comment line
g1|Spanish|Basic|verb|<b>comer</b>|to eat
g2||Cloze|noun|{{c1::perro}}<script>alert(1)</script>|dog
g3|Spanish::Extra||noun|gato|cat
||||hablar|to speak
"""


def test_every_anki_header_is_honoured() -> None:
    draft = parse(ANKI)
    assert draft.name == "Spanish"
    assert draft.details == {
        "format": "csv",
        "encoding": "utf-8",
        "delimiter": "|",
        "header": "no",
        "html": "yes",
        "html_from": "header",
        "fields": "2",
    }
    assert draft.notetypes == ()  # Basic, Cloze and Basic (and reversed card): the collection has them
    rows = [(n.guid, n.deck, n.kind, n.tags, n.front, n.back, n.html, n.line) for n in draft.notes]
    tags = ("imported", "Spanish::Week1")
    assert rows == [
        ("anki:g1", None, NoteKind.BASIC, (*tags, "verb"), "<b>comer</b>", "to eat", True, 11),
        ("anki:g2", None, NoteKind.CLOZE, (*tags, "noun"), "{{c1::perro}}", "dog", True, 12),
        ("anki:g3", "Spanish::Extra", NoteKind.REVERSED, (*tags, "noun"), "gato", "cat", True, 13),
        (content_guid("Spanish", "hablar"), None, NoteKind.REVERSED, tags, "hablar", "to speak", True, 14),
    ]


def test_columns_header_names_the_columns_with_the_files_delimiter() -> None:
    text = "#separator:Semicolon\n#columns:Tags;Back;Front\nt1 t2;dog;perro\n"
    [note] = parse(text).notes
    assert (note.front, note.back, note.tags) == ("perro", "dog", ("t1", "t2"))
    detected = "#columns:Notes\tFront\tBack\nx\tperro\tdog\ny\tgato\tcat\n"
    assert cards(parse(detected)) == [("perro", "dog"), ("gato", "cat")]


def test_html_is_detected_as_anki_does_unless_a_header_or_the_options_say() -> None:
    [plain] = parse("a < b,b > a\nAT&T,phone\n").notes[:1]
    assert (plain.front, plain.html) == ("a < b", False)
    assert parse("x,y\n").details["html_from"] == "detected"
    for field in ("<b>a</b>", "H<sub>2</sub>O", "line<br>break", "<div>x</div>", "a&nbsp;b", "<BR/>", "&#8212;"):
        draft = parse(f"plain,text\n{field},b\n")
        assert (draft.notes[0].html, draft.details["html"], draft.details["html_from"]) == (True, "yes", "detected")
    [cleaned] = parse("<b>a</b>,<img src=x onerror=alert(1)>\n").notes
    assert (cleaned.front, cleaned.back, cleaned.html) == ("<b>a</b>", '<img src="x">', True)
    [off] = parse("#html:false\n<b>a</b>,b\n").notes
    assert (off.front, off.html) == ("<b>a</b>", False)
    off_draft = parse("<b>a</b>,b\n", html=False)
    assert (off_draft.notes[0].html, off_draft.details["html_from"]) == (False, "chosen")
    [forced] = parse("#html:true\n<b>a</b>,b\n", html=False).notes
    assert forced.html is False


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#separator:Wavy", r"line 1: unknown #separator 'Wavy'"),
        ("#html:maybe", r"line 1: #html must be true or false, not 'maybe'"),
        ("#tags column:0", r"line 1: #tags column must be a column number from 1, not '0'"),
        ("#deck column:two", r"line 1: #deck column must be a column number from 1, not 'two'"),
    ],
)
def test_bad_header_values_are_refused_with_their_line(tmp_path: Path, header: str, message: str) -> None:
    path = write(tmp_path, "deck.csv", f"{header}\na,b\n")
    with pytest.raises(ImportFailure, match=message) as caught:
        read_delimited(path, ImportOptions())
    assert str(caught.value).startswith(f"{path}: ")


def test_guids_are_content_hashes_numbered_for_repeats_and_per_deck() -> None:
    text = "#deck column:3\nsame,one,\nsame,two,\nsame,three,Other\n"
    guids = [note.guid for note in parse(text, deck_name="Main").notes]
    base = content_guid("Main", "same")
    assert guids == [base, f"{base}#2", content_guid("Other", "same")]


def test_a_repeated_guid_is_skipped() -> None:
    draft = parse("#guid column:1\ng,a,b\ng,c,d\n")
    assert cards(draft) == [("a", "b")]
    assert draft.skipped == (Skip("line 3", "the same guid as line 2"),)


def test_the_options_choose_the_delimiter_and_the_deck(tmp_path: Path) -> None:
    path = write(tmp_path, "my_words.txt", "a;b,c\n")
    assert read_delimited(path, ImportOptions()).name == "My words"
    draft = read_delimited(path, ImportOptions(delimiter="Semicolon", deck_name="Words"))
    assert (draft.name, cards(draft)) == ("Words", [("a", "b,c")])
    with pytest.raises(ImportFailure, match="cannot use 'ab' as the delimiter"):
        read_delimited(path, ImportOptions(delimiter="ab"))


def test_a_field_of_megabytes_is_read(tmp_path: Path) -> None:
    big = "x" * (5 * 2**20)
    path = write(tmp_path, "big.csv", f'front,"{big}"\nfront 2,back\n')
    draft = read_delimited(path, ImportOptions())
    assert [len(note.back) for note in draft.notes] == [len(big), 4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (",a\n,b\n", r"line 1: no usable rows: all 2 were skipped \(the first for 'empty front'\)"),
        ("#separator:tab\n#html:false\n", r"line 3: has no rows to import after its header lines"),
        ("Front,Back\n", r"line 2: has no rows to import after its header row"),
        ("just words\nno delimiters\n", r"line 1: has no tab, comma, semicolon or pipe"),
    ],
    ids=["all-skipped", "only-headers", "only-header-row", "no-delimiter"],
)
def test_files_without_usable_rows_are_refused_with_a_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "deck.csv", text)
    with pytest.raises(ImportFailure, match=message) as caught:
        read_delimited(path, ImportOptions())
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


def test_a_field_never_closed_by_its_quote_runs_to_the_end_of_the_file() -> None:
    draft = parse('a,b\n"c,d\ne,f\n')
    assert cards(draft) == [("a", "b"), ("c,d\ne,f\n", "")]


@pytest.mark.parametrize(
    ("value", "delimiter"),
    [
        ("Comma", ","),
        ("semicolon", ";"),
        ("Tab", "\t"),
        ("Space", " "),
        ("PIPE", "|"),
        ("Colon", ":"),
        ("|", "|"),
        (",", ","),
    ],
)
def test_each_separator_header_value(value: str, delimiter: str) -> None:
    draft = parse(f"#separator:{value}\nperro{delimiter}dog\n")
    assert cards(draft) == [("perro", "dog")]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Basic", NoteKind.BASIC),
        ("Basic (and reversed card)", NoteKind.REVERSED),
        ("basic (AND REVERSED card)", NoteKind.REVERSED),
        ("Basic (optional reversed card)", NoteKind.BASIC),
        ("Cloze", NoteKind.CLOZE),
        ("Basic (type in the answer)", NoteKind.BASIC),
    ],
)
def test_note_type_names_give_kinds(name: str, kind: NoteKind) -> None:
    [note] = parse(f"#notetype:{name}\n#separator:tab\nfront\tback\n").notes
    assert note.kind is kind
