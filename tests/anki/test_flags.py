"""Card flags through .apkg: Anki's flags (cards.flags & 7) come in with the scheduling, studyapp's go out with it,
and Anki itself reads them back; without scheduling cards come and go unflagged, as in Anki."""

from __future__ import annotations

import random
from pathlib import Path

from studyapp.core.drafts import ImportOptions
from studyapp.services.app import App
from studyapp.services.notes.browser_actions import BrowserActions

from .conftest import Sandbox
from .test_tampered_collections import tampered


def _flags(app: App) -> dict[tuple[str, int], int]:
    rows = app.collection.db.execute("SELECT n.guid, c.ord, c.flag FROM cards c JOIN notes n ON n.id = c.note_id")
    return {(guid, ord_): flag for guid, ord_, flag in rows}


def test_anki_flags_come_in_with_the_scheduling(sandbox: Sandbox, own_package: Path, app: App, tmp_path: Path) -> None:
    path = tampered(
        sandbox,
        own_package,
        "update cards set flags = 3 where nid = (select id from notes where guid = 'h:plain')",
        "update cards set flags = 8 + 5 where ord = 1 and nid = (select id from notes where guid = 'Xy7#kq')",
    )  # fmt: skip (the bits above the low three are not the flag: 13 is pink, 5)
    result = app.import_file(path, options=ImportOptions(include_history=True))
    flagged = {key: flag for key, flag in _flags(app).items() if flag}
    assert flagged == {("h:plain", 0): 3, ("anki:Xy7#kq", 1): 5}
    assert not any("flag" in warning for warning in result.warnings)
    other = App.open(tmp_path / "other.db", app.clock)
    try:
        other.import_file(path)  # without scheduling: unflagged
        assert not any(_flags(other).values())
    finally:
        other.close()


def test_studyapp_flags_go_out_to_anki(app: App, tmp_path: Path) -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    deck = app.find_deck("Calcinosis")
    assert deck is not None
    card_ids = sorted(app.collection.reviews.card_ids([deck.id]))
    actions = BrowserActions(app.collection, app.clock, random.Random(3))
    actions.set_flag(card_ids[:2], 2)
    actions.set_flag(card_ids[2:3], 7)
    package = tmp_path / "out.apkg"
    app.export(package, "Calcinosis", with_history=True)
    plain = tmp_path / "plain.apkg"
    app.export(plain, "Calcinosis")

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=True)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
        assert sorted(col.db.list("select flags from cards where flags != 0")) == [2, 2, 7]
    finally:
        col.close()
    back = App.open(tmp_path / "back.db", app.clock)
    try:  # (without its bundled copy of the deck, whose notes the import would update, not add)
        BrowserActions(back.collection, back.clock, random.Random(4)).delete_notes(
            sorted(back.collection.reviews.card_ids())
        )
        back.import_file(package, options=ImportOptions(include_history=True))
        assert sorted(flag for flag in _flags(back).values() if flag) == [2, 2, 7]
        again = App.open(tmp_path / "again.db", app.clock)
        try:
            BrowserActions(again.collection, again.clock, random.Random(5)).delete_notes(
                sorted(again.collection.reviews.card_ids())
            )
            again.import_file(plain, options=ImportOptions(include_history=True))
            assert not any(_flags(again).values())  # exported without scheduling: no flags
        finally:
            again.close()
    finally:
        back.close()
