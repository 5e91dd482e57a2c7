"""Shortcuts in the sync's Anki forms give what the long way gives. A sync remembers the digests of the cards it
has seen (27,000 card digests in a first sync of 10,000 notes): a remembered digest is exactly the one computed
afresh, values of another type give their own (5 == 5.0, but their JSON differs), and the sync lets go of them at
its end. A card new to the server takes its memory state's JSON as it is."""

from __future__ import annotations

from studyapp.services.sync import anki_form as af
from studyapp.storage.sync.mirror_store import CardHere
from tests.sync.sides import Here

CARD = CardHere(1, 2, 3, 0, 0, 2, None, 5.0, 4.5, 1_700_000_000_000, 1_690_000_000_000, 3, 0, 0, 0, None)


def _fresh_card(card: CardHere) -> str:
    return af.digest(*card[1:]) if card.buried_until is not None else af.digest(*card[1:-1])


def test_remembered_digests_are_the_fresh_ones_and_types_count() -> None:
    af.forget_digests()
    assert af.card_digest(CARD) == af.card_digest(CardHere(*CARD)) == _fresh_card(CARD)
    whole = CARD._replace(stability=5)  # equal to 5.0, written "5"
    assert whole == CARD and af.card_digest(whole) == _fresh_card(whole) != af.card_digest(CARD)
    buried = CARD._replace(buried_until=1_700_000_100_000)
    assert af.card_digest(buried) == _fresh_card(buried) != af.card_digest(CARD)


def test_a_sync_lets_go_of_them(here: Here) -> None:
    here.add("front", "back")
    assert here.sync().cards_up == 1
    assert not af._digests


def test_a_new_cards_data_is_its_memory_state_as_card_data_writes_it() -> None:
    """A card new to the server takes ``card_data``'s JSON as it is: the same text as merging it into nothing."""
    import json
    import random
    from datetime import datetime, timedelta, timezone

    from studyapp.core.model import CardState, Schedule
    from studyapp.exporters.apkg_cards import card_data

    rng = random.Random(4)
    for _ in range(500):
        last = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(10**8))
        schedule = Schedule(CardState.REVIEW, None, rng.uniform(0.01, 40000), rng.uniform(1, 10), last, last, 3, 0)
        new = card_data(schedule)
        assert af._merged_data("", new) == new == json.dumps(json.loads(new), separators=(",", ":"))
        assert af._merged_data('{"cd":{"x":1},"s":1}', new) == json.dumps(
            {"cd": {"x": 1}, **json.loads(new)}, separators=(",", ":")
        )
