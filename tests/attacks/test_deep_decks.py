"""Issue 12, point 4: a deck name nested a thousand levels deep.

Such a name (``#deck:L::L::…::X`` in a CSV, a deck of an ``.apkg``, ``--deck``, ``studyapp add``, a rename) used
to be stored as it was, and the window then failed to start (the deck tree recursed once per level). Now every
entry point refuses a name over the limits of ``core.deck_names`` with one line naming the limit, the file and
the place, and leaves the collection as it was; and a collection that already holds such a deck (made by an
older version) opens, lists it, shows it in the window, and can delete or rename it.
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from studyapp.core.deck_names import MAX_LEVEL_CHARS, MAX_LEVELS, MAX_NAME_CHARS, DeckNameError, clean_name
from studyapp.core.drafts import ImportOptions
from studyapp.core.ids import new_id
from studyapp.importers.errors import ImportFailure
from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.services.decks.tree import deck_tree, walk
from studyapp.services.fsrs.review_log_import import import_review_log
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.browser_actions import BrowserActions, BulkActionError
from studyapp.services.notes.notes import NoteError, NoteText, add_note

from ..conftest import collection_fingerprint
from ..test_cli import studyapp

DEEP = "::".join(["L"] * 999 + ["X"])  # 1,000 levels
DEEP_LIMIT = f"has 1,000 levels; at most {MAX_LEVELS} are allowed"


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def csv_with_deck_header(path: Path, deck: str) -> Path:
    path.write_text(f"#separator:tab\n#deck:{deck}\nheart\tcardiac\nlung\tpulmonary\n", encoding="utf-8")
    return path


def legacy_deep_deck(app: App) -> int:
    """A deck 1,000 levels deep with one note, put in through storage as an older version could have."""
    with app.collection.transaction():
        deck = app.collection.decks.create(new_id(app.rng), DEEP, "", app.clock.now())
    add_note(app.collection, app.rng, app.clock, deck.id, NoteText("deep front", "deep back"))
    return deck.id


# -- refused where it comes in -------------------------------------------------------------------------------


def test_a_csv_whose_deck_header_is_1000_levels_deep_is_refused_with_one_line(app: App, tmp_path: Path) -> None:
    path = csv_with_deck_header(tmp_path / "deep.csv", DEEP)
    before = collection_fingerprint(app.path)
    with pytest.raises(ImportFailure) as refused:
        app.import_file(path)
    assert str(refused.value).startswith(f"{path}: line 2: #deck: the deck name “L::L::")
    assert str(refused.value).endswith(DEEP_LIMIT)
    assert collection_fingerprint(app.path) == before


def test_the_command_line_says_the_same_in_one_line(tmp_path: Path) -> None:
    collection = tmp_path / "c.db"
    assert studyapp("--collection", str(collection), "decks").returncode == 0
    before = collection_fingerprint(collection)
    path = csv_with_deck_header(tmp_path / "deep.csv", DEEP)
    result = studyapp("--collection", str(collection), "import", str(path))
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith(f"studyapp import: {path}: line 2: #deck: the deck name") and line.endswith(DEEP_LIMIT)
    assert len(line) < 300
    assert collection_fingerprint(collection) == before


@pytest.mark.parametrize(
    ("deck", "limit"),
    [
        ("::".join(["L"] * (MAX_LEVELS + 1)), f"has {MAX_LEVELS + 1} levels; at most {MAX_LEVELS} are allowed"),
        ("x" * (MAX_LEVEL_CHARS + 1), f"has a level of {MAX_LEVEL_CHARS + 1} characters"),
        ("::".join(["y" * 200] * 6), f"has 1,210 characters; at most {MAX_NAME_CHARS:,} are allowed"),
    ],
)
def test_each_limit_is_named(app: App, tmp_path: Path, deck: str, limit: str) -> None:
    before = collection_fingerprint(app.path)
    with pytest.raises(ImportFailure, match=limit):
        app.import_file(csv_with_deck_header(tmp_path / "over.csv", deck))
    assert collection_fingerprint(app.path) == before


def test_the_deepest_and_longest_allowed_names_are_imported(app: App, tmp_path: Path) -> None:
    deepest = "::".join(f"L{level}" for level in range(MAX_LEVELS))
    longest = "::".join(["z" * MAX_LEVEL_CHARS] * 3) + "::" + "z" * (MAX_NAME_CHARS - 3 * MAX_LEVEL_CHARS - 6)
    assert len(longest) == MAX_NAME_CHARS
    for name, deck in (("deepest.csv", deepest), ("longest.csv", longest)):
        app.import_file(csv_with_deck_header(tmp_path / name, deck))
        assert app.find_deck(deck) is not None


def test_rows_of_a_deck_column_with_a_deep_name_are_skipped_with_their_line(app: App, tmp_path: Path) -> None:
    path = tmp_path / "column.csv"
    path.write_text(f"#separator:tab\n#deck column:3\nheart\tcardiac\tBody\nlung\tpulmonary\t{DEEP}\n", "utf-8")
    summary = app.import_file(path)
    assert (summary.new, [(s.place, s.reason) for s in summary.skipped]) == (
        1,
        [("line 4", f"the deck name “L::L::L::L::L::L::L::L::L::L::L::L::L::…” {DEEP_LIMIT}")],
    )
    assert app.find_deck("Body") is not None and not [d for d in app.decks() if d.name.startswith("L")]


def test_a_deck_column_with_only_deep_names_is_refused(app: App, tmp_path: Path) -> None:
    path = tmp_path / "column.csv"
    path.write_text(f"#separator:tab\n#deck column:3\nlung\tpulmonary\t{DEEP}\n", "utf-8")
    before = collection_fingerprint(app.path)
    with pytest.raises(ImportFailure, match=r"column.csv: line 3: no usable rows: all 1 were skipped"):
        app.import_file(path)
    assert collection_fingerprint(app.path) == before


def test_an_apkg_with_a_1000_level_deck_is_refused_with_one_line(app: App, tmp_path: Path) -> None:
    genanki = pytest.importorskip("genanki")
    deck = genanki.Deck(2059400111, DEEP)
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["Hund", "dog"], guid="g-deep"))
    path = tmp_path / "deep.apkg"
    genanki.Package(deck).write_to_file(str(path))
    before = collection_fingerprint(app.path)
    with pytest.raises(ImportFailure) as refused:
        app.import_file(path)
    assert str(refused.value) == (
        f"{path}: has no notes that can be imported (note 1: its deck: the deck name "
        f"“L::L::L::L::L::L::L::L::L::L::L::L::L::…” {DEEP_LIMIT})"
    )
    assert collection_fingerprint(app.path) == before


def test_an_apkg_with_a_deep_deck_beside_others_skips_only_its_notes(app: App, tmp_path: Path) -> None:
    genanki = pytest.importorskip("genanki")
    good, deep = genanki.Deck(2059400112, "German"), genanki.Deck(2059400113, DEEP)
    good.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["Katze", "cat"], guid="g-cat"))
    deep.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["Hund", "dog"], guid="g-dog"))
    path = tmp_path / "mixed.apkg"
    genanki.Package([good, deep]).write_to_file(str(path))
    summary = app.import_file(path)
    assert summary.new == 1
    assert [s.place for s in summary.skipped] == ["note 2"] and DEEP_LIMIT in summary.skipped[0].reason
    assert [d.name for d in app.decks()] == ["Calcinosis", "German"]


def test_a_deep_deck_option_is_refused_before_the_file_is_read(app: App, tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("What is the heart?\n\nA pump.\n", encoding="utf-8")
    before = collection_fingerprint(app.path)
    for options in (ImportOptions(), ImportOptions(format="quizlet")):
        with pytest.raises(ImportFailure) as refused:
            app.import_file(path, deck_name=DEEP, options=options)
        assert str(refused.value).startswith(f"{path}: cannot be imported into that deck: the deck name “L::")
    log = tmp_path / "log.csv"
    log.write_text("card_id,review_rating,review_time,review_duration\n1,3,1700000000000,5000\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match=DEEP_LIMIT):
        import_review_log(app, log, DEEP)
    assert collection_fingerprint(app.path) == before


def test_adding_new_deck_rename_and_change_deck_refuse_a_deep_name(app: App) -> None:
    before = collection_fingerprint(app.path)
    with pytest.raises(NoteError, match=f"^the deck name “L::L::.*” {DEEP_LIMIT}$"):
        add_to_deck(app, DEEP, NoteText("front", "back"))
    with pytest.raises(DeckNameError, match=DEEP_LIMIT):
        deck_ops.create_deck(app.collection, app.rng, app.clock, DEEP)
    with pytest.raises(DeckNameError, match=DEEP_LIMIT):
        deck_ops.rename_deck(app.collection, "Calcinosis", DEEP)
    with pytest.raises(DeckNameError, match="has a level of 300 characters"):
        deck_ops.rename_deck(app.collection, "Calcinosis", "x" * 300)
    cards = [row[0] for row in app.collection.db.execute("SELECT id FROM cards LIMIT 2")]
    with pytest.raises(BulkActionError, match=DEEP_LIMIT):
        BrowserActions(app.collection, app.clock, app.rng).change_deck(cards, DEEP)
    assert collection_fingerprint(app.path) == before


def test_a_rename_that_would_push_subdecks_past_the_limit_is_refused(app: App) -> None:
    deep = "::".join(f"D{level}" for level in range(MAX_LEVELS))
    deck_ops.create_deck(app.collection, app.rng, app.clock, deep)
    before = collection_fingerprint(app.path)
    with pytest.raises(DeckNameError, match=f"subdeck: the deck name .* has {MAX_LEVELS + 1} levels"):
        deck_ops.rename_deck(app.collection, "D0", "New::D0")
    assert collection_fingerprint(app.path) == before
    deck_ops.rename_deck(app.collection, "D0", "E0")  # no deeper: fine
    assert app.find_deck("E0" + deep[2:]) is not None


def test_the_command_line_refuses_add_and_rename_in_one_line(tmp_path: Path) -> None:
    collection = tmp_path / "c.db"
    assert studyapp("--collection", str(collection), "decks").returncode == 0
    before = collection_fingerprint(collection)
    added = studyapp("--collection", str(collection), "add", "--deck", DEEP, "front", "back")
    assert added.returncode == 1
    assert one_line(added.stderr) == f"studyapp add: the deck name “{DEEP[:39]}…” {DEEP_LIMIT}"
    renamed = studyapp("--collection", str(collection), "deck", "rename", "Calcinosis", DEEP)
    assert renamed.returncode == 1
    assert one_line(renamed.stderr).startswith("studyapp deck: the deck name “L::") and DEEP_LIMIT in renamed.stderr
    assert collection_fingerprint(collection) == before


def test_a_hostile_name_costs_time_and_memory_linear_in_its_length() -> None:
    hostile = "::" * 5_000_000 + "X"  # 10 MB, five million levels
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DeckNameError, match="has 5,000,001 levels"):
        clean_name(hostile)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 1_000_000  # never split into five million parts
    assert clean_name(" A :: B ") == "A::B"


# -- a collection that already holds a deck 1,000 levels deep ---------------------------------------------------


def test_an_old_deep_deck_gives_its_tree_without_recursion(app: App) -> None:
    deck_id = legacy_deep_deck(app)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # far less than the depth: any recursion per level would fail here
    try:
        tree = deck_tree(app.collection, app.clock)
        nodes = walk(tree)
        session = app.review_session(deck_id)
        counts = session.counts()
    finally:
        sys.setrecursionlimit(limit)
    assert [node.name for node in tree] == ["Calcinosis", "L"]
    deep = nodes[-1]
    assert (deep.name, deep.deck_id, deep.new, deep.total) == (DEEP, deck_id, 1, 1)
    assert len(nodes) == 1 + 1000 and tree[1].total == 1  # each implied parent sums it
    assert counts.new == 1


def test_an_old_deep_deck_is_listed_deleted_and_renamed_from_the_command_line(tmp_path: Path) -> None:
    collection = tmp_path / "c.db"
    opened = App.open(collection, rng=random.Random(4))
    legacy_deep_deck(opened)
    opened.close()
    listed = studyapp("--collection", str(collection), "decks")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["Calcinosis", DEEP]

    renamed = studyapp("--collection", str(collection), "deck", "rename", DEEP, "Shallow")
    assert (renamed.returncode, renamed.stdout.strip()) == (0, f"Renamed {DEEP} to Shallow"), renamed.stderr
    assert studyapp("--collection", str(collection), "deck", "rename", "Shallow", DEEP).returncode == 1

    opened = App.open(collection, rng=random.Random(5))
    legacy_deep_deck(opened)
    opened.close()
    deleted = studyapp("--collection", str(collection), "deck", "delete", "L")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.strip() == "Deleted L and 1 subdeck: 1 note, 1 card (their review history is kept)"
    listed = studyapp("--collection", str(collection), "decks", "--json")
    assert '"L' not in listed.stdout and '"Shallow"' in listed.stdout


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_window_opens_on_an_old_deep_deck_and_deletes_it(app: App, qtbot) -> None:  # noqa: ANN001 - qtbot
    from ..gui.support import open_window

    legacy_deep_deck(app)
    started = time.perf_counter()
    window = open_window(app, qtbot)
    opened = time.perf_counter() - started
    table = window.deck_list.table
    assert [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())] == ["Calcinosis", "L"]
    deep = window.deck_list.item_named(DEEP)
    assert deep is not None and deep.text(0) == "X" and deep.text(1) == "1"
    assert opened < 10  # measured: about 0.4 s on a loaded two-core machine

    window.deck_list.table.setCurrentItem(window.deck_list.item_named("L"))
    box = window.deck_actions.delete()
    assert isinstance(box, QMessageBox) and "and its 1 subdeck" in box.text() and len(box.text()) < 200
    box.button(QMessageBox.StandardButton.Yes).click()
    assert window.deck_list.item_named("L") is None and app.find_deck(DEEP) is None
    assert window.deck_actions.undo()
    assert app.find_deck(DEEP) is not None and window.deck_list.item_named(DEEP) is not None
    window.close()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_new_deck_prompt_refuses_a_deep_name_with_one_line(app: App, qtbot) -> None:  # noqa: ANN001 - qtbot
    from ..gui.support import open_window

    window = open_window(app, qtbot)
    before = collection_fingerprint(app.path)
    dialog = window.deck_actions.new_deck()
    dialog.setTextValue(DEEP)
    dialog.accept()
    assert dialog.isVisible() and dialog.textValue() == DEEP  # the prompt stays, with the name as typed
    assert dialog.reason.text() == f"The deck name “L::L::L::L::L::L::L::L::L::L::L::L::L::…” {DEEP_LIMIT}."
    assert collection_fingerprint(app.path) == before
    dialog.reject()
    window.close()
