"""The deck tree travels: a deck renamed or moved under another on one side is renamed or moved on the other, with
its cards in it and its subdecks under it, and every parent a deck (as Anki keeps them); no deck is made twice.
The real `anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

import time

from studyapp.services.decks.deck_ops import rename_deck
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced, engine_card


def _deck_names_here(here: Here) -> set[str]:
    return {deck.name for deck in here.collection.decks.all()}


def _deck_of_here(here: Here, front: str) -> str:
    return here.collection.db.execute(
        "SELECT d.name FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?", [here.card_of(front)]
    ).fetchone()[0]


def _phone_deck_names(device: EngineDevice) -> set[str]:
    return {deck.name for deck in device.col.decks.all_names_and_ids()}


def test_a_deck_moved_and_renamed_here_is_moved_on_the_phone(here: Here, device: EngineDevice) -> None:
    here.add("alpha", "a")  # in "Bio"
    both_synced(here, device)
    assert rename_deck(here.collection, "Bio", "Science::Biology") == "Science::Biology"
    here.sync()
    assert device.sync() == "normal_sync"
    names = _phone_deck_names(device)
    assert {"Science", "Science::Biology"} <= names and "Bio" not in names
    assert device.col.decks.name(device.col.get_card(engine_card(device, "alpha")[0]).did) == "Science::Biology"
    # the new parent is a deck on both sides (here it was one only through its subdeck): the phone's Check
    # Database finds no deck missing (before: "Fixed 1 missing deck")
    assert "Science" in _deck_names_here(here)
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems


def test_a_deck_renamed_on_the_phone_is_renamed_here_with_its_subdecks(here: Here, device: EngineDevice) -> None:
    here.add("alpha", "a")
    both_synced(here, device)
    child = device.add_note("beta", "b", deck="Bio::Cells")
    assert device.sync() == "normal_sync"
    here.sync()
    assert _deck_of_here(here, "beta") == "Bio::Cells"

    bio = device.col.decks.by_name("Bio")
    assert bio is not None
    device.col.decks.rename(bio, "Biology")
    assert device.sync() == "normal_sync"
    here.sync()
    names = _deck_names_here(here)
    assert {"Biology", "Biology::Cells"} <= names and not {"Bio", "Bio::Cells"} & names
    assert (_deck_of_here(here, "alpha"), _deck_of_here(here, "beta")) == ("Biology", "Biology::Cells")
    assert child  # (the phone's note)
    # and back: nothing changed here, so nothing moves on the phone
    assert device.sync() in ("no_changes", "normal_sync")
    assert {"Biology", "Biology::Cells"} <= _phone_deck_names(device)


def test_a_deck_here_and_one_on_the_phone_whose_names_differ_in_case_are_one_deck(
    here: Here, device: EngineDevice
) -> None:
    """Deck names are one name whatever their case, here as in Anki: "Bio" here and "bio" on the phone merge into
    one deck (before: two here, and on the phone ours renamed "Bio+")."""
    here.add("alpha", "a")  # in "Bio"
    device.add_note("beta", "b", deck="bio::Cells")
    device.full_upload()
    here.sync()
    assert device.sync() == "normal_sync"
    names_here = sorted(name.casefold() for name in _deck_names_here(here))
    assert names_here == ["bio", "bio::cells", "default"]
    assert sorted(name.casefold() for name in _phone_deck_names(device)) == ["bio", "bio::cells", "default"]
    assert _deck_of_here(here, "alpha").casefold() == "bio"
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems


def _renamed_on_both(here: Here, device: EngineDevice, phone_first: bool) -> None:
    """Bio renamed here to "Biology" and on the phone to "Life" between two syncs, a second and more apart (Anki's
    times are in seconds), in the order given; then the phone syncs, then here."""
    here.add("one", "1")
    both_synced(here, device)
    for side in ("phone", "here") if phone_first else ("here", "phone"):
        time.sleep(1.1)
        if side == "here":
            rename_deck(here.collection, "Bio", "Biology")
        else:
            deck = device.col.decks.by_name("Bio")
            device.col.decks.rename(deck, "Life")
    assert device.sync() == "normal_sync"
    here.sync()
    device.sync()


def test_a_deck_renamed_on_both_sides_takes_the_later_name_the_phones(here: Here, device: EngineDevice) -> None:
    """Before, the name given here always won: the sync sent it stamped with the sync's own time, and the phone's
    later rename was undone there. A deck's changes now carry the time they were made."""
    _renamed_on_both(here, device, phone_first=False)
    assert _deck_names_here(here) == {"Life", "Default"}
    assert {deck["name"] for deck in device.col.decks.all()} == {"Life", "Default"}
    assert _deck_of_here(here, "one") == "Life"


def test_a_deck_renamed_on_both_sides_takes_the_later_name_this_ones(here: Here, device: EngineDevice) -> None:
    _renamed_on_both(here, device, phone_first=True)
    assert _deck_names_here(here) == {"Biology", "Default"}
    assert {deck["name"] for deck in device.col.decks.all()} == {"Biology", "Default"}
    assert here.sync().describe() == "Synced: sent nothing; received nothing."


def test_a_deck_description_travels_both_ways(here: Here, device: EngineDevice) -> None:
    """A description written on the phone never came here (only a deck's name and preset were taken from the
    server), and this side's digest then agreed with itself, so nothing showed it."""
    here.add("one", "1")
    both_synced(here, device)
    time.sleep(1.05)  # (a change within the second of the deck's time is not marked as one on the phone)
    deck = device.col.decks.by_name("Bio")
    deck["desc"] = "Cells, <b>tissues</b> and organs"
    device.col.decks.save(deck)
    assert device.sync() == "normal_sync"
    here.sync()
    bio = here.collection.decks.by_name("Bio")
    assert bio is not None and bio.description == "Cells, <b>tissues</b> and organs"

    here.collection.decks.set_description(bio.id, "Written here")
    here.sync()
    assert device.sync() == "normal_sync"
    assert device.col.decks.by_name("Bio")["desc"] == "Written here"
    assert here.sync().describe() == "Synced: sent nothing; received nothing."
