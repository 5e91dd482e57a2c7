"""A phone's collection of every kind of note goes through the sync and comes back whole: cloze notes with several
cards, image occlusion, a note type of its own (five fields, two templates, its CSS), sound, images, MathJax,
nested tags and decks. Here it is studied like any other; the phone then sees its notes, note types and cards as it
had them, the answers given here on the right cards, and its own Check Database finds nothing to mend (nor after
cards in every state are studied here). A shared deck added on both sides is one deck after the first sync. The
real `anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from studyapp.core.ids import from_anki_guid, to_anki_guid
from studyapp.core.model import Rating
from tests.occlusion.engine import add_io_note, occlusions
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_add_and_answer, engine_card, now

_VOCAB_FIELDS = ("Word", "Meaning", "Example", "Audio", "Picture")


def _vocab_notetype(device: EngineDevice) -> dict[str, Any]:
    models = device.col.models
    notetype = models.new("Vocab (phone)")
    for name in _VOCAB_FIELDS:
        models.add_field(notetype, models.new_field(name))
    for name, front, back in (
        ("Recognise", "{{Word}}<br>{{Picture}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}} {{Audio}}"),
        ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}} {{Audio}}"),
    ):
        template = models.new_template(name)
        template["qfmt"], template["afmt"] = front, back
        models.add_template(notetype, template)
    notetype["css"] = ".card { font-family: serif; color: #123456; }"
    models.add(notetype)
    return models.by_name("Vocab (phone)")


def _phone_collection(device: EngineDevice, folder: Path) -> dict[str, int]:
    """Every kind of note, on the phone: their ids by a short name."""
    col = device.col
    ids: dict[str, int] = {}
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "{{c1::Mitochondria}} make {{c2::ATP}} from {{c3::glucose}} \\(C_6H_{12}O_6\\)"
    cloze["Back Extra"] = "<b>cell</b> biology"
    cloze.tags = ["bio::cell", "exam"]
    col.add_note(cloze, col.decks.id("Bio::Cells"))
    ids["cloze"] = cloze.id
    vocab = col.new_note(_vocab_notetype(device))
    sound = device.add_media("chat.mp3", b"ID3 not really a sound")
    picture = device.add_media("chat.png", b"\x89PNG not really a picture")
    for name, value in zip(_VOCAB_FIELDS, ("le chat", "the cat", "Le chat dort.", f"[sound:{sound}]",
                                           f'<img src="{picture}">'), strict=True):  # fmt: skip
        vocab[name] = value
    vocab.tags = ["french"]
    col.add_note(vocab, col.decks.id("Lang::French"))
    ids["vocab"] = vocab.id
    col.add_image_occlusion_notetype()
    ids["occlusion"] = add_io_note(col, folder, occlusions(hide_all=False), header="Heart", back_extra="atria")
    return ids


def _notes(device: EngineDevice) -> dict[int, tuple[Any, ...]]:
    return {row[0]: (row[1], row[2], row[5], row[6]) for row in device.col.db.all(
        "SELECT id, guid, mid, mod, usn, tags, flds FROM notes")}  # fmt: skip


def _notetypes(device: EngineDevice) -> dict[int, dict[str, Any]]:
    """Each note type as the phone keeps it, less what a sync moves on (its modification time and usn)."""
    kept = {}
    for notetype in device.col.models.all():
        kept[notetype["id"]] = {key: value for key, value in notetype.items() if key not in ("mod", "usn")}
    return kept


def _cards(device: EngineDevice) -> dict[int, tuple[int, int, int]]:
    return {row[0]: (row[1], row[2], row[3]) for row in device.col.db.all("SELECT id, nid, ord, did FROM cards")}


def test_every_kind_of_note_comes_down_whole_and_goes_back_unchanged(
    here: Here, device: EngineDevice, tmp_path: Path
) -> None:
    ids = _phone_collection(device, tmp_path)
    device.full_upload()
    device.sync_media()
    notes, notetypes, cards = _notes(device), _notetypes(device), _cards(device)

    summary = here.sync()
    assert summary.notes_down == 3 and summary.cards_down == len(cards) == 3 + 2 + 4
    db = here.collection.db
    # (a note from Anki is kept under its guid as a package's note is: "anki:" and Anki's)
    by_guid = {to_anki_guid(guid): (note_id, front, back, rest, tags) for note_id, guid, front, back, rest, tags in
               db.execute("SELECT id, guid, front, back, rest, tags FROM notes")}  # fmt: skip
    assert set(by_guid) == {guid for guid, *_ in notes.values()}
    cloze_guid, cloze_mid, _tags, cloze_fields = notes[ids["cloze"]]
    note_id, front, back, _rest, tags = by_guid[cloze_guid]
    assert (front, back) == tuple(cloze_fields.split("\x1f")) and set(tags.split()) == {"bio::cell", "exam"}
    ords = sorted(row[0] for row in db.execute("SELECT ord FROM cards WHERE note_id = ?", [note_id]))
    assert ords == [0, 1, 2]  # c1, c2, c3
    deck = db.execute(
        "SELECT d.name FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.note_id = ?", [note_id]
    ).fetchone()[0]
    assert deck == "Bio::Cells"
    vocab_guid, _mid, _tags, vocab_fields = notes[ids["vocab"]]
    stored = here.collection.notes.by_guids([from_anki_guid(vocab_guid)])[from_anki_guid(vocab_guid)]
    assert tuple(stored.padded(5)) == tuple(vocab_fields.split("\x1f"))
    occlusion_guid = from_anki_guid(notes[ids["occlusion"]][0])
    assert (
        tuple(here.collection.notes.by_guids([occlusion_guid])[occlusion_guid].padded(5))[:3]
        == tuple(notes[ids["occlusion"]][3].split("\x1f"))[:3]
    )

    # studied here: the cloze's second card (c2) is answered
    card_c2 = db.execute("SELECT id FROM cards WHERE note_id = ? AND ord = 1", [note_id]).fetchone()[0]
    here.answer_card(card_c2, Rating.GOOD)
    here.sync()
    assert device.sync() == "normal_sync"

    assert _notes(device) == notes  # every field, tag and note type as the phone had them
    assert _notetypes(device) == notetypes
    assert _cards(device) == cards  # the same cards, in the same decks
    [(card, ease)] = device.col.db.all("SELECT cid, ease FROM revlog")
    assert ease == 3 and cards[card][:2] == (ids["cloze"], 1)  # on the phone's c2 card
    problems, ok = device.col.fix_integrity()  # the studied card as the phone's Check Database wants it
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems


def test_every_kind_of_note_brought_here_reaches_the_phone_and_passes_its_check_database(
    here: Here, device: EngineDevice, tmp_path: Path, sync_server: SyncServer
) -> None:
    """The other way: the same notes made by the engine, brought here in a package (as a student brings a deck),
    go up in a first sync; the phone that downloads them has each note's fields, its note type's fields and
    templates, and every card, and Anki's own Check Database finds nothing to mend."""
    package, made_notes, made_notetypes, made_cards = _shared_deck(tmp_path, sync_server)
    _import_here(here, package)
    summary = here.sync()
    assert summary.kind == "first" and summary.notes_up == 3 and summary.cards_up == 9

    assert device.sync() == "full_download"
    device.full_download()
    by_guid = {guid: (fields, tags) for guid, _mid, tags, fields in _notes(device).values()}
    for note_id, (guid, _mid, tags, fields) in made_notes.items():
        assert by_guid[guid] == (fields, tags), note_id
    for made in made_notetypes.values():
        if not any(note[1] == made["id"] for note in made_notes.values()):
            continue  # (a stock type no note uses)
        [notetype] = [m for m in _notetypes(device).values() if m["name"] == made["name"]]
        assert [f["name"] for f in notetype["flds"]] == [f["name"] for f in made["flds"]]
        assert [(t["name"], t["qfmt"], t["afmt"]) for t in notetype["tmpls"]] == [
            (t["name"], t["qfmt"], t["afmt"]) for t in made["tmpls"]
        ]
        assert notetype["css"] == made["css"] and notetype["type"] == made["type"]
    cards_per_note = sorted(sorted(o for n, o, _d in _cards(device).values() if n == nid) for nid in _notes(device))
    assert cards_per_note == sorted(
        sorted(o for n, o, _d in made_cards.values() if n == nid) for nid in made_notes
    )  # fmt: skip
    problems, ok = device.col.fix_integrity()  # (before: every note and card "with a timestamp in the future")
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems


def _shared_deck(
    tmp_path: Path, server: SyncServer
) -> tuple[Path, dict[int, tuple[Any, ...]], dict[int, dict[str, Any]], dict[int, tuple[int, int, int]]]:
    """Every kind of note, made by the engine into a package (a shared deck): the package, and the notes, note
    types and cards it was made from."""
    from anki.collection import ExportAnkiPackageOptions

    # (the engine that makes the deck: logged in to the server's other account, and never syncing)
    maker = EngineDevice(tmp_path / "maker", server.endpoint, server.user2, server.password2)
    try:
        _phone_collection(maker, tmp_path)
        package = tmp_path / "deck.apkg"
        options = ExportAnkiPackageOptions(with_scheduling=False, with_media=True, legacy=False)
        maker.col.export_anki_package(out_path=str(package), options=options, limit=None)
        return package, _notes(maker), _notetypes(maker), _cards(maker)
    finally:
        maker.close()


def _import_here(here: Here, package: Path) -> None:
    from studyapp.core.clock import FixedClock
    from studyapp.services.importing.import_job import ImportJob, ImportRequest

    ImportJob(here.collection.path, ImportRequest(package), here.rng, FixedClock(here.clock.now())).run()


def test_a_shared_deck_on_the_phone_and_here_is_one_deck_after_the_first_sync(
    here: Here, device: EngineDevice, tmp_path: Path, sync_server: SyncServer
) -> None:
    """A student who added the same shared deck on the phone and here: the first sync matches its notes by their
    guid (a package's note keeps Anki's), so each note is there once on both sides, not twice."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    package, made_notes, _made_notetypes, made_cards = _shared_deck(tmp_path, sync_server)
    request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
    device.col.import_anki_package(request)
    device.full_upload()
    _import_here(here, package)
    assert here.collection.notes.count() == 3

    summary = here.sync()
    # (the phone's Anki keeps the package's Cloze and Image Occlusion notes in copies of those types, "Cloze+";
    # here they are in the stock ones: the later side's type is taken, no text differs, no conflict is listed)
    assert (summary.kind, summary.conflicts) == ("first", 0)
    assert here.collection.notes.count() == 3
    assert device.sync() in ("no_changes", "normal_sync")
    assert sorted(guid for guid, *_ in _notes(device).values()) == sorted(guid for guid, *_ in made_notes.values())
    assert {g: f for g, _m, _t, f in _notes(device).values()} == {g: f for g, _m, _t, f in made_notes.values()}
    assert len(_cards(device)) == len(made_cards)
    problems, ok = device.col.fix_integrity()  # (a note moved to the other Cloze type keeps its cards valid)
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems


def test_cards_in_every_state_studied_here_pass_the_phones_check_database(here: Here, device: EngineDevice) -> None:
    """The phone's cards in every state (new, learning, review, relearning; suspended, flagged, buried), studied
    here across states, come back as Anki's Check Database wants them: nothing to mend."""
    at = now() - timedelta(days=30)
    fronts = {name: f"{name} card" for name in ("new", "learning", "review", "relearning", "suspended", "flagged")}
    for name, ratings, when in (
        ("learning", [1], now() - timedelta(minutes=20)),
        ("review", [3, 3, 3], at),
        ("relearning", [3, 3, 4, 1], at),
        ("suspended", [3], at),
        ("flagged", [4], at),
    ):
        engine_add_and_answer(device, fronts[name], ratings, when)
    device.add_note(fronts["new"], "n", deck="Bio")
    device.col.sched.suspend_cards([engine_card(device, fronts["suspended"])[0]])
    device.col.set_user_flag_for_cards(3, [engine_card(device, fronts["flagged"])[0]])
    device.full_upload()
    here.sync()

    # studied here: every card that can be, across its states (a lapse, a step, a new card learnt, Easy)
    for name, rating in (("new", Rating.GOOD), ("learning", Rating.GOOD), ("review", Rating.AGAIN),
                         ("relearning", Rating.GOOD), ("flagged", Rating.EASY)):  # fmt: skip
        here.answer_first(fronts[name], rating)
    here.sync()
    assert device.sync() == "normal_sync"
    assert len(device.revlog()) == 1 + 3 + 4 + 1 + 1 + 5
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems
    assert engine_card(device, fronts["suspended"])[2] == -1  # still suspended
    flags = device.col.db.scalar("SELECT flags FROM cards WHERE id = ?", engine_card(device, fronts["flagged"])[0])
    assert flags == 3


def test_a_note_whose_last_field_is_empty_goes_up_with_all_its_fields(here: Here, device: EngineDevice) -> None:
    """A note keeps no empty fields after its last one, so a three-field note with an empty third field is its front
    and back here. It went up so, the server refused the whole sync ("note has 2 fields, expected 3": "the collection
    needs a check, then a full sync"), and so did every later sync. Found with a real shared deck."""
    from studyapp.services.notes.notes import update_note_fields
    from studyapp.services.notetypes.manage import NotetypeManager

    basic = next(notetype for notetype in here.collection.notetypes.all() if notetype.name == "Basic")
    NotetypeManager(here.collection, here.rng, here.clock).add_field(basic.id, "Extra")
    here.add("extra left empty", "back")
    filled = here.add("extra filled", "back")
    update_note_fields(here.collection, here.rng, here.clock, filled, ("extra filled", "back", "more"), (), False)
    summary = here.sync()
    assert summary.notes_up == 2
    if device.sync() in ("full_sync", "full_download"):
        device.full_download()
    phone = {fields.split("\x1f")[0]: fields.split("\x1f") for *_, fields in device.notes()}
    assert phone["extra left empty"] == ["extra left empty", "back", ""]
    assert phone["extra filled"] == ["extra filled", "back", "more"]

    update_note_fields(here.collection, here.rng, here.clock, filled, ("extra filled", "changed", ""), (), False)
    assert here.sync().notes_up == 1  # an edit that empties the last field goes up in a normal sync too
    assert device.sync() == "normal_sync"
    phone = {fields.split("\x1f")[0]: fields.split("\x1f") for *_, fields in device.notes()}
    assert phone["extra filled"] == ["extra filled", "changed", ""]
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == []
