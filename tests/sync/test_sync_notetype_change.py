"""A note's type changed on one side while its text was edited on the other.

The cards follow the note type: Basic has one card, Basic (and reversed card) two. The rule "the later edit wins"
took the later text with its side's note type, whatever the cards were: the phone changed a note to the reversed
type (its second card came along) and a later edit here kept the note Basic, so the second card had no template,
here and on the phone (whose Check Database then deleted it: "Deleted 1 card with missing template"). Now, when
only one side's note type has a template for every card the note has on either side, that side's version is kept,
and the other side's text goes to the sync conflicts, as any edit that loses. The real `anki.syncserver`, an `anki`
Collection as the phone."""

from __future__ import annotations

import time

from studyapp.services.notes.notes import NoteText, update_note
from studyapp.services.sync.service import conflicts
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced, now


def _note_here(here: Here) -> tuple[str, str, list[int]]:
    """The one note here: its first field, its note type's name, its cards' template numbers."""
    ((note_id, notetype_id, front),) = here.collection.db.execute("SELECT id, notetype_id, front FROM notes")
    notetype = here.collection.notetypes.get(notetype_id)
    assert notetype is not None
    ords = here.collection.notes.card_ords([note_id]).get(note_id, set())
    assert all(notetype.has_template(ord_) for ord_ in ords), (notetype.name, ords)
    return front, notetype.name, sorted(ords)


def _phone_note(device: EngineDevice) -> tuple[str, str, list[int]]:
    ((mid, fields),) = device.col.db.all("SELECT mid, flds FROM notes")
    ords = device.col.db.list("SELECT ord FROM cards ORDER BY ord")
    return fields.split("\x1f")[0], device.col.models.get(mid)["name"], ords


def _agree(here: Here, device: EngineDevice) -> None:
    device.sync()
    assert here.sync().describe() == "Synced: sent nothing; received nothing."
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == []
    assert _phone_note(device) == _note_here(here)


def _phone_changes_the_type_then_here_edits(
    here: Here, device: EngineDevice, new_type: str, fronts: tuple[str, str]
) -> None:
    """A Basic note with the front ``fronts[0]``, synced; the phone changes its type to ``new_type`` (a full sync: it
    uploads); then, later, its front is edited here to ``fronts[1]``."""
    note = here.add(fronts[0], "1")
    both_synced(here, device)
    col = device.col
    basic, changed = col.models.by_name("Basic"), col.models.by_name(new_type)
    change = col.models.change_notetype_info(old_notetype_id=basic["id"], new_notetype_id=changed["id"]).input
    change.note_ids.extend(col.db.list("SELECT id FROM notes"))
    col.models.change_notetype_of_notes(change)
    assert device.sync() == "full_sync"  # a change of note type is a change of the collection's schema in Anki
    device.full_upload()
    time.sleep(1.05)
    here.clock.set(now())  # the edit here is the later one
    update_note(here.collection, here.rng, here.clock, note, NoteText(fronts[1], "1"))


def _kept(here: Here, note: tuple[str, str, list[int]], conflict: tuple[str, str]) -> None:
    """After the sync (here, a merge when the phone uploaded): the note as ``note`` (front, type, cards), the other
    side's front in the one conflict, with whose version was kept."""
    assert here.sync().conflicts == 1
    assert _note_here(here) == note
    (listed,) = conflicts(here.collection)
    assert (listed.kept_side, listed.lost_fields[0]) == conflict


def test_the_phone_makes_a_note_reversed_then_its_text_is_edited_here(here: Here, device: EngineDevice) -> None:
    _phone_changes_the_type_then_here_edits(here, device, "Basic (and reversed card)", ("one", "one, edited here"))
    _kept(here, ("one", "Basic (and reversed card)", [0, 1]), ("server", "one, edited here"))
    _agree(here, device)


def test_a_note_made_reversed_here_then_edited_on_the_phone(here: Here, device: EngineDevice) -> None:
    note = here.add("two", "2")
    both_synced(here, device)
    update_note(here.collection, here.rng, here.clock, note, NoteText("two", "2", reversed_card=True))
    time.sleep(1.05)  # the phone's edit is the later one
    (phone_note,) = device.col.db.list("SELECT id FROM notes")
    device.edit_field(phone_note, "Front", "two, edited on the phone")
    assert device.sync() == "normal_sync"

    _kept(here, ("two", "Basic (and reversed card)", [0, 1]), ("here", "two, edited on the phone"))
    _agree(here, device)


def test_types_that_both_fit_the_cards_leave_the_later_edit_winning(here: Here, device: EngineDevice) -> None:
    """A Basic note here and on the phone the same note as "Basic (optional reversed card)" with no reverse:
    both types have a template for its one card, so the later edit still decides."""
    _phone_changes_the_type_then_here_edits(
        here, device, "Basic (optional reversed card)", ("three", "three, edited here")
    )
    assert here.sync().conflicts == 1
    assert _note_here(here) == ("three, edited here", "Basic", [0])
    _agree(here, device)
