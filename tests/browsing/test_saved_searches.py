"""Saved searches live in the collection's settings: saved, renamed, deleted; bad names and queries refused
with one line, the stored list unchanged."""

from __future__ import annotations

import pytest

from studyapp.services.app import App
from studyapp.services.browsing.sidebar import (
    SAVED_SEARCHES_SETTING,
    SavedSearchError,
    delete_search,
    rename_search,
    save_search,
    saved_searches,
)


def test_save_rename_delete(app: App) -> None:
    assert save_search(app.collection, "  heart   cards ", " tag:anatomy::heart ") == "heart cards"
    save_search(app.collection, "Due", "is:due")
    assert saved_searches(app.collection) == [("Due", "is:due"), ("heart cards", "tag:anatomy::heart")]
    assert app.collection.setting(SAVED_SEARCHES_SETTING) == [["Due", "is:due"], ["heart cards", "tag:anatomy::heart"]]
    assert rename_search(app.collection, "Due", "Due today") == "Due today"
    delete_search(app.collection, "heart cards")
    assert saved_searches(app.collection) == [("Due today", "is:due")]


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "x", "needs a name"),
        ("x" * 101, "x", "at most 100"),
        ("due", "a", 'already a saved search called "Due"'),
        ("Bad", "(calcium", "cannot be saved: '\\(' is never closed"),
    ],
)
def test_refused_with_one_line_and_nothing_changed(app: App, name: str, query: str, message: str) -> None:
    save_search(app.collection, "Due", "is:due")
    before = app.collection.setting(SAVED_SEARCHES_SETTING)
    with pytest.raises(SavedSearchError, match=message) as error:
        save_search(app.collection, name, query)
    assert "\n" not in str(error.value)
    assert app.collection.setting(SAVED_SEARCHES_SETTING) == before


def test_rename_to_a_name_taken_is_refused(app: App) -> None:
    save_search(app.collection, "A", "a")
    save_search(app.collection, "B", "b")
    with pytest.raises(SavedSearchError, match="already"):
        rename_search(app.collection, "A", "b")
    assert rename_search(app.collection, "A", "a") == "a"  # its own name in other letters is fine
    assert saved_searches(app.collection) == [("a", "a"), ("B", "b")]


def test_a_stored_value_of_the_wrong_shape_reads_as_none(app: App) -> None:
    app.collection.set_setting(SAVED_SEARCHES_SETTING, {"not": "a list"})
    assert saved_searches(app.collection) == []
    app.collection.set_setting(SAVED_SEARCHES_SETTING, [["ok", "x"], ["no"], [1, 2], "z"])
    assert saved_searches(app.collection) == [("ok", "x")]
