"""A filtered deck built on the phone ("Custom study", "review ahead") stays as the phone built it through syncs with
studyapp: its cards are at home in their own decks here, with their real due days (Anki keeps those in ``odue``
while a card is borrowed), and nothing here pulls them out of the filtered deck. A card answered here does go back
home, as it does when answered in the filtered deck. The real `anki.syncserver`, an `anki` Collection as the phone.
"""

from __future__ import annotations

from datetime import timedelta

from studyapp.core.model import Rating
from studyapp.storage.codec import from_ms
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_add_and_answer, engine_card, now

FRONTS = ("alpha", "beta", "gamma")


def _filtered_deck(device: EngineDevice) -> int:
    """A filtered deck of every card of "Bio" (due or not: a "review ahead"), built on the phone."""
    deck = device.col.sched.get_or_create_filtered_deck(deck_id=0)
    deck.name = "Ahead"
    deck.config.search_terms[0].search = "deck:Bio"
    deck.config.search_terms[0].limit = 100
    deck.config.reschedule = True
    return device.col.sched.add_or_update_filtered_deck(deck).id


def _home_due_days(device: EngineDevice) -> dict[str, tuple[int, int, int]]:
    """Each card's (deck, original deck, real due day) on the phone."""
    out = {}
    for front in FRONTS:
        card = device.col.get_card(engine_card(device, front)[0])
        out[front] = (card.did, card.odid, card.odue if card.odid else card.due)
    return out


def test_a_filtered_deck_built_on_the_phone_keeps_its_cards_through_syncs(here: Here, device: EngineDevice) -> None:
    for front in FRONTS:
        engine_add_and_answer(device, front, [3, 3, 3], now() - timedelta(hours=2))
    device.full_upload()
    here.sync()
    dues = {front: here.card(front)[1] for front in FRONTS}  # studied on the phone: replayed here from its log
    assert device.sync() == "normal_sync"  # (the phone takes the replay's schedules: both sides agree)

    filtered = _filtered_deck(device)
    before = _home_due_days(device)
    assert all(deck == filtered and home for deck, home, _due in before.values())
    assert device.sync() == "normal_sync"
    here.sync()
    assert {front: here.card(front)[1] for front in FRONTS} == dues  # their real due days, not the borrowed places
    decks = {here.collection.db.execute(
        "SELECT d.name FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?", [here.card_of(front)]
    ).fetchone()[0] for front in FRONTS}  # fmt: skip
    assert decks == {"Bio"}
    assert device.sync() in ("no_changes", "normal_sync")
    assert _home_due_days(device) == before  # still in the filtered deck, as the phone built it

    # answered here: that card goes home (as after an answer in the filtered deck); the others stay
    here.answer_first("alpha", Rating.GOOD)
    here.sync()
    assert device.sync() == "normal_sync"
    after = _home_due_days(device)
    assert after["alpha"][1] == 0 and after["alpha"][0] != filtered
    assert {front: after[front] for front in ("beta", "gamma")} == {front: before[front] for front in ("beta", "gamma")}
    problems, ok = device.col.fix_integrity()
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems
    assert from_ms(here.card("beta")[1]) is not None


def test_a_card_first_seen_in_a_filtered_deck_is_read_in_its_own_deck_and_place() -> None:
    """Anki's card tuples (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid,
    flags, data) of cards a filtered deck has borrowed: a new card's place, a review card's day, a learning card's
    time are in ``odue``, its deck in ``odid``."""
    from studyapp.services.sync import anki_form as af

    new = [1, 2, 99, 0, 0, 0, 0, 0, -100_000, 0, 0, 0, 0, 0, 37, 5, 0, ""]
    review = [3, 4, 99, 0, 0, 0, 2, 2, -99_999, 12, 2500, 3, 0, 0, 1_200, 5, 0, ""]
    learning = [5, 6, 99, 0, 0, 0, 1, 1, 1_796_600_000, 0, 0, 1, 0, 1001, 1_796_600_600, 5, 0, ""]
    at_home = [7, 8, 5, 0, 0, 0, 2, 2, 1_300, 12, 2500, 3, 0, 0, 0, 0, 0, ""]
    assert [af.at_home(e)[af.C_DID] for e in (new, review, learning, at_home)] == [5, 5, 5, 5]
    assert [af.at_home(e)[af.C_DUE] for e in (new, review, learning, at_home)] == [37, 1_200, 1_796_600_600, 1_300]
    assert all(af.at_home(e)[af.C_ODID] == af.at_home(e)[af.C_ODUE] == 0 for e in (new, review, learning))
    assert af.at_home(at_home) is at_home
