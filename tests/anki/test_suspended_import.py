"""A package's suspended cards stay suspended when it is imported with its scheduling (and only then, as Anki)."""

from __future__ import annotations

from pathlib import Path

from studyapp.core.drafts import ImportOptions
from studyapp.services.app import App

from .conftest import Sandbox
from .test_tampered_collections import tampered


def _suspended(app: App) -> list[tuple[str, int, int]]:
    rows = app.collection.db.execute(
        "SELECT n.guid, c.ord, c.suspended FROM cards c JOIN notes n ON n.id = c.note_id "
        "WHERE n.guid IN ('anki:Xy7#kq', 'h:plain') ORDER BY n.guid, c.ord"
    )
    return [tuple(row) for row in rows]


def test_a_suspended_card_comes_in_suspended_with_the_history_only(
    sandbox: Sandbox, own_package: Path, app: App, tmp_path: Path
) -> None:
    path = tampered(
        sandbox, own_package,
        "update cards set queue = -1 where ord = 1 and nid = (select id from notes where guid = 'Xy7#kq')",
    )  # fmt: skip
    app.import_file(path, options=ImportOptions(include_history=True))
    assert _suspended(app) == [("anki:Xy7#kq", 0, 0), ("anki:Xy7#kq", 1, 1), ("h:plain", 0, 0)]
    other = App.open(tmp_path / "other.db", app.clock)
    try:
        other.import_file(path)  # without scheduling: every card new and unsuspended
        assert _suspended(other) == [("anki:Xy7#kq", 0, 0), ("anki:Xy7#kq", 1, 0), ("h:plain", 0, 0)]
    finally:
        other.close()
