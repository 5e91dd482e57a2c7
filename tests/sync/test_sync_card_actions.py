"""What the browser does to cards travels both ways: suspend, flag, a move to another deck, a due date set and a
reset (Anki's "Forget") here reach the phone; the same done on the phone reach here. The review log carries the
two schedule changes, so both sides end on the same schedule, and the phone's Check Database finds nothing to
mend. The real `anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

import time
from datetime import timedelta

from studyapp.core.model import Rating
from studyapp.services.notes.browser_actions import BrowserActions
from studyapp.storage.codec import from_ms
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced, engine_add_and_answer, engine_card, now

FRONTS = ("suspended", "flagged", "moved", "dated", "reset")


def _studied_on_both(here: Here, device: EngineDevice) -> None:
    for front in FRONTS:
        here.add(front, "x")
        here.answer_first(front, Rating.GOOD, at=now() - timedelta(minutes=30))
        here.answer_first(front, Rating.GOOD, at=now() - timedelta(minutes=20))
    both_synced(here, device)


def _check_database(device: EngineDevice) -> list[str]:
    problems, _ok = device.col.fix_integrity()
    return [line for line in problems.splitlines() if "rebuilt" not in line]


def test_card_actions_here_reach_the_phone(here: Here, device: EngineDevice) -> None:
    _studied_on_both(here, device)
    actions = BrowserActions(here.collection, here.clock, here.rng)
    card = {front: here.card_of(front) for front in FRONTS}
    actions.set_suspended([card["suspended"]], True)
    actions.set_flag([card["flagged"]], 4)
    actions.change_deck([card["moved"]], "Bio::Elsewhere")
    actions.set_due_date([card["dated"]], "9")
    actions.reset([card["reset"]])
    here.sync()
    assert device.sync() == "normal_sync"

    phone = {front: device.col.get_card(engine_card(device, front)[0]) for front in FRONTS}
    assert phone["suspended"].queue == -1
    assert phone["flagged"].user_flag() == 4
    assert device.col.decks.name(phone["moved"].did) == "Bio::Elsewhere"
    assert phone["dated"].type == 2 and phone["dated"].due - device.col.sched.today == 9
    assert (phone["reset"].type, phone["reset"].queue) == (0, 0)  # new again
    assert _check_database(device) == []
    # nothing more travels: the two sides agree
    assert here.sync().describe().startswith("Synced: sent nothing")


def test_card_actions_on_the_phone_reach_here(here: Here, device: EngineDevice) -> None:
    _studied_on_both(here, device)
    phone = {front: engine_card(device, front)[0] for front in FRONTS}
    device.col.sched.suspend_cards([phone["suspended"]])
    device.col.set_user_flag_for_cards(2, [phone["flagged"]])
    device.col.set_deck([phone["moved"]], device.col.decks.id("Bio::Elsewhere"))
    device.col.sched.set_due_date([phone["dated"]], "9")
    device.col.sched.schedule_cards_as_new([phone["reset"]])
    assert device.sync() == "normal_sync"
    here.sync()

    rows = {front: here.collection.db.execute(
        "SELECT c.suspended, c.flag, d.name, c.state, c.due FROM cards c JOIN decks d ON d.id = c.deck_id "
        "WHERE c.id = ?", [here.card_of(front)]).fetchone() for front in FRONTS}  # fmt: skip
    assert rows["suspended"][0] == 1
    assert rows["flagged"][1] == 2
    assert rows["moved"][2] == "Bio::Elsewhere"
    due = from_ms(rows["dated"][4])
    assert rows["dated"][3] == 2 and due is not None and 8 <= (due - now()).total_seconds() / 86400 <= 9.1
    assert rows["reset"][3] == 0  # new again
    assert device.sync() in ("no_changes", "normal_sync")
    assert _check_database(device) == []


def test_new_cards_repositioned_on_the_phone_keep_that_order(here: Here, device: EngineDevice) -> None:
    """Anki's Reposition logs no answer: the new cards' places travel on the cards. Before, the sync here kept the
    old order, and its next sync put the old order back on the phone."""
    fronts = [f"new {index}" for index in range(5)]
    for front in fronts:
        here.add(front, "x")
    both_synced(here, device)
    phone = [engine_card(device, front)[0] for front in fronts]
    device.col.sched.reposition_new_cards(
        list(reversed(phone)), starting_from=0, step_size=1, randomize=False, shift_existing=False
    )
    assert device.sync() == "normal_sync"
    here.sync()

    order = here.collection.db.execute(
        "SELECT n.front FROM cards c JOIN notes n ON n.id = c.note_id ORDER BY c.position"
    ).fetchall()
    assert [front for (front,) in order] == list(reversed(fronts))
    assert here.sync().kind == "no_changes"  # (before: every card sent back with the old order)
    device.sync()
    assert [engine_card(device, front)[3] for front in fronts] == [4, 3, 2, 1, 0]
    assert _check_database(device) == []


def _forgotten_on_the_phone(here: Here, device: EngineDevice, then: list[int]) -> int:
    """A card answered Easy, Again (a lapse) and Good on the phone, then reset there by Forget with its counts kept
    (Anki's default), then answered ``then``; all synced here. The phone's card id."""
    here.add("placeholder", "x")
    both_synced(here, device)
    card = engine_add_and_answer(device, "forgotten", [4, 1, 3], now() - timedelta(minutes=30))
    device.col.sched.schedule_cards_as_new([card], restore_position=True, reset_counts=False)
    for rating in then:  # after the reset, which is logged at the time it was made
        time.sleep(0.01)
        device.answer(card, rating)
    assert device.sync() == "normal_sync"
    here.sync()
    return card


def test_a_card_forgotten_on_the_phone_with_its_counts_kept_keeps_them_here(here: Here, device: EngineDevice) -> None:
    """Before, the replay of the reset started the card from nothing: 0 reviews and 0 lapses here, and the next sync
    put those on the phone too."""
    card = _forgotten_on_the_phone(here, device, [])
    state, _due, reps, lapses, _stability = here.card("forgotten")
    assert (state, reps, lapses) == (0, 3, 1)
    assert device.sync() in ("no_changes", "normal_sync")
    phone = device.col.get_card(card)
    assert (phone.type, phone.reps, phone.lapses) == (0, 3, 1)
    assert here.sync().describe() == "Synced: sent nothing; received nothing."
    assert _check_database(device) == []


def test_a_card_forgotten_then_studied_on_the_phone_counts_on(here: Here, device: EngineDevice) -> None:
    card = _forgotten_on_the_phone(here, device, [3])
    state, _due, reps, lapses, _stability = here.card("forgotten")
    assert (reps, lapses) == (4, 1) and state != 0
    device.sync()
    phone = device.col.get_card(card)
    assert (phone.reps, phone.lapses) == (4, 1)
    assert here.sync().describe() == "Synced: sent nothing; received nothing."
    assert _check_database(device) == []


def test_a_card_forgotten_on_the_phone_with_its_counts_reset(here: Here, device: EngineDevice) -> None:
    here.add("placeholder", "x")
    both_synced(here, device)
    card = engine_add_and_answer(device, "forgotten", [4, 1, 3], now() - timedelta(minutes=30))
    device.col.sched.schedule_cards_as_new([card], restore_position=True, reset_counts=True)
    assert device.sync() == "normal_sync"
    here.sync()
    state, _due, reps, lapses, _stability = here.card("forgotten")
    assert (state, reps, lapses) == (0, 0, 0)
    device.sync()
    assert here.sync().describe() == "Synced: sent nothing; received nothing."
    assert _check_database(device) == []
