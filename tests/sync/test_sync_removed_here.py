"""A deck options preset, a note type or a deck removed here but still used on the phone.

Anki removes a preset or a note type only with a full sync, so a normal sync leaves it on the server and the
phone, where a deck can take the preset again or a note be added with the note type. Before, the next sync here
failed on every try: "FOREIGN KEY constraint failed" (a deck pointing at the deleted preset), or the server's
sanity check (the phone's note skipped: "its note type never came"). Now the preset or note type comes back here
in the server's last form, and both sides agree.

A deck's deletion does travel, but a card the phone added to the deck meanwhile was left on the phone in a deck
that no longer existed (its Check Database: "Fixed 1 missing deck"). It now goes to the same deck on both sides,
with a line saying so. The real `anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

import time

from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.services.decks.deck_ops import create_preset, delete_deck, delete_preset
from studyapp.services.notetypes.manage import NotetypeManager
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced


def _fast_deleted_here(here: Here, device: EngineDevice) -> int:
    """Bio on a preset "Fast" (55 new cards a day), synced to the phone, then "Fast" deleted here and that synced
    too; the phone's id of the options group."""
    here.add("one", "1")
    here.collection.decks.create(here.rng.getrandbits(63), "Chem", "", here.clock.now())
    fast = create_preset(here.collection, here.rng, here.clock, "Fast", DeckOptions(new_per_day=55))
    here.collection.presets.assign(here.deck.id, fast.id)
    both_synced(here, device)
    delete_preset(here.collection, fast.id)
    here.sync()
    assert device.sync() == "normal_sync"
    config = next(c for c in device.col.decks.all_config() if c["name"] == "Fast")  # still on the phone
    # (a deck saved on the phone within the second its time already has is not marked as a change of the collection
    # there, and the phone's next sync sends nothing: the phone's change comes in the next second, as a person's)
    time.sleep(1.05)
    return int(config["id"])


def _phone_preset(device: EngineDevice, deck: str) -> str:
    return device.col.decks.config_dict_for_deck_id(device.col.decks.id(deck))["name"]


def _agree(here: Here, device: EngineDevice) -> None:
    device.sync()  # (whatever the last sync here sent)
    assert here.sync().describe() == "Synced: sent nothing; received nothing."
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == []


def test_a_deck_the_phone_puts_on_a_preset_deleted_here_brings_it_back(here: Here, device: EngineDevice) -> None:
    fast = _fast_deleted_here(here, device)
    chem = device.col.decks.by_name("Chem")
    chem["conf"] = fast
    device.col.decks.save(chem)
    assert device.sync() == "normal_sync"

    here.sync()
    presets = {preset.name: preset for preset in here.collection.presets.all()}
    assert set(presets) == {"Default", "Fast"} and presets["Fast"].options.new_per_day == 55
    decks = {deck.name: deck.preset_id for deck in here.collection.decks.all()}
    assert decks["Chem"] == presets["Fast"].id and decks["Bio"] == presets["Default"].id
    _agree(here, device)
    assert (_phone_preset(device, "Chem"), _phone_preset(device, "Bio")) == ("Fast", "Default")


def test_a_deck_made_on_the_phone_with_a_preset_deleted_here(here: Here, device: EngineDevice) -> None:
    fast = _fast_deleted_here(here, device)
    physics = device.col.decks.id("Physics")
    deck = device.col.decks.get(physics)
    deck["conf"] = fast
    device.col.decks.save(deck)
    assert device.sync() == "normal_sync"

    here.sync()
    physics_here = here.collection.decks.by_name("Physics")
    assert physics_here is not None
    preset = here.collection.presets.get(physics_here.preset_id)
    assert preset is not None and (preset.name, preset.options.new_per_day) == ("Fast", 55)
    _agree(here, device)


def test_notes_the_phone_adds_with_a_note_type_removed_here_bring_it_back(here: Here, device: EngineDevice) -> None:
    here.add("one", "1")
    both_synced(here, device)
    reversed_type = next(nt for nt in here.collection.notetypes.all() if nt.name == "Basic (and reversed card)")
    NotetypeManager(here.collection, here.rng, here.clock).remove(reversed_type.id)
    here.sync()
    assert device.sync() == "normal_sync"
    model = device.col.models.by_name("Basic (and reversed card)")
    assert model is not None  # still on the phone
    for front in ("two", "three"):
        note = device.col.new_note(model)
        note["Front"], note["Back"] = front, f"{front} back"
        device.col.add_note(note, device.col.decks.id("Bio"))
    assert device.sync() == "normal_sync"

    summary = here.sync()
    assert (summary.notes_down, summary.cards_down) == (2, 4)
    names = [notetype.name for notetype in here.collection.notetypes.all()]
    assert names.count("Basic (and reversed card)") == 1  # made again once, for both notes
    restored = next(nt for nt in here.collection.notetypes.all() if nt.name == "Basic (and reversed card)")
    assert restored.field_names == ("Front", "Back") and len(restored.templates) == 2
    rows = here.collection.db.execute(
        "SELECT n.front, count(c.id) FROM notes n JOIN cards c ON c.note_id = n.id WHERE n.notetype_id = ? "
        "GROUP BY n.id ORDER BY n.front",
        [restored.id],
    ).fetchall()
    assert rows == [("three", 2), ("two", 2)]
    _agree(here, device)


def test_a_card_the_phone_adds_to_a_deck_deleted_here_lands_in_one_deck_on_both(
    here: Here, device: EngineDevice
) -> None:
    here.add("one", "1")
    here.collection.decks.create(here.rng.getrandbits(63), "Chem", "", here.clock.now())
    both_synced(here, device)
    device.add_note("added on the phone", "x", deck="Chem")  # before it hears of the deletion
    delete_deck(here.collection, "Chem")
    here.sync()
    assert device.sync() == "normal_sync"

    summary = here.sync()
    assert summary.notes == ("1 card from the other device was in a deck deleted here; now in 'Default' on both",)
    row = here.collection.db.execute(
        "SELECT d.name FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id "
        "WHERE n.front = 'added on the phone'"
    ).fetchone()
    assert row == ("Default",)
    _agree(here, device)
    card = device.col.get_card(device.col.find_cards('"added on the phone"')[0])
    assert device.col.decks.name(card.did) == "Default"
