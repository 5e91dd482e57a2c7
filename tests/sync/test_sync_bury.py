"""A card buried on one device (Anki's queues -2 and -3: hidden until its next day) is buried on the other after a
sync, and is not unburied by the sync that follows: the real `anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

from studyapp.core.model import Rating
from studyapp.services.review.review import ReviewSession
from studyapp.storage.codec import to_ms
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced, engine_card, now

USER_BURIED = -3


def _buried_until(here: Here, front: str) -> int | None:
    row = here.collection.db.execute("SELECT buried_until FROM cards WHERE id = ?", [here.card_of(front)]).fetchone()
    return row[0]


def test_a_card_buried_on_the_phone_is_buried_here_and_stays_buried_on_the_phone(
    here: Here, device: EngineDevice
) -> None:
    here.add("alpha", "a")
    here.add("beta", "b")
    both_synced(here, device)
    alpha = engine_card(device, "alpha")[0]
    device.col.sched.bury_cards([alpha], manual=True)
    assert engine_card(device, "alpha")[2] == USER_BURIED
    device.sync()

    here.sync()
    until = _buried_until(here, "alpha")
    assert until is not None and until > to_ms(now())  # hidden until the end of today's study day
    assert _buried_until(here, "beta") is None
    session = ReviewSession(here.collection, here.deck.id, here.clock, here.rng)
    shown = session.next_card()
    assert shown is not None and shown.id == here.card_of("beta")  # the buried card is not studied today

    # nothing changed here: the next syncs send nothing that unburies it on the phone
    here.sync()
    device.sync()
    assert engine_card(device, "alpha")[2] == USER_BURIED


def test_a_card_buried_here_is_buried_on_the_phone(here: Here, device: EngineDevice) -> None:
    here.add("alpha", "a")
    both_synced(here, device)
    here.answer_first("alpha", Rating.GOOD)
    here.collection.db.execute(
        "UPDATE cards SET buried_until = ? WHERE id = ?", [to_ms(now()) + 3_600_000, here.card_of("alpha")]
    )
    here.sync()
    device.sync()
    assert engine_card(device, "alpha")[2] == USER_BURIED
    # the phone unburies it (its day rolled over): here it is studied again
    device.col.sched.unbury_deck(device.col.decks.id_for_name("Bio"))
    assert engine_card(device, "alpha")[2] != USER_BURIED
    device.sync()
    here.sync()
    assert _buried_until(here, "alpha") is None
