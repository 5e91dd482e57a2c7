"""Months of study here, then the phone: every answer (all four buttons, lapses, cards through learning and
relearning), cloze notes that gain and lose a deletion, all reach a phone that downloads the collection, and Anki's
Check Database there finds nothing to mend: no review entry, card or note it would call invalid. The real
`anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

import random
from datetime import timedelta

from studyapp.core.model import Rating
from studyapp.services.notes.notes import NoteFields, add_note_fields, update_note_fields
from studyapp.storage.codec import from_ms
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_card, now


def _check_database(device: EngineDevice) -> list[str]:
    problems, _ok = device.col.fix_integrity()
    return [line for line in problems.splitlines() if "rebuilt" not in line]


def test_months_of_study_here_pass_the_phones_check_database(here: Here, device: EngineDevice) -> None:
    rng = random.Random(11)
    fronts = [f"card {n}" for n in range(30)]
    for front in fronts:
        here.add(front, "x", tags=("bio", f"week{rng.randint(1, 4)}"))
    start = now() - timedelta(days=90)
    for front in fronts:
        at = start + timedelta(hours=rng.randint(0, 48))
        for _ in range(rng.randint(1, 10)):
            rating = rng.choices(list(Rating), [0.15, 0.15, 0.6, 0.1])[0]
            here.answer_first(front, rating, at=at)
            at += timedelta(minutes=rng.choice([1, 10]), days=rng.choice([0, 0, 1, 3, 7, 12]))
            if at > now() - timedelta(minutes=5):
                break
    cloze = next(nt for nt in here.collection.notetypes.all() if nt.is_cloze)
    added = add_note_fields(here.collection, here.rng, here.clock, here.deck.id,
                            NoteFields(cloze.id, ("{{c1::Rome}} is in {{c2::Italy}}", "")))  # fmt: skip
    update_note_fields(here.collection, here.rng, here.clock, added.note_id,
                       ("{{c1::Rome}} is in {{c2::Italy}}, on the {{c3::Tiber}}", ""), (), False)  # fmt: skip
    answers = here.collection.db.execute("SELECT count(*) FROM review_log").fetchone()[0]
    summary = here.sync()
    assert summary.kind == "first" and summary.reviews_up == answers > 60

    assert device.sync() == "full_download"
    device.full_download()
    assert len(device.revlog()) == answers
    assert device.col.card_count() == 30 + 3  # (the cloze note's three cards)
    assert _check_database(device) == []


def test_a_card_overdue_since_before_the_collection_began_keeps_its_due_day(here: Here, device: EngineDevice) -> None:
    """A deck brought with its history (answers from two years ago) into a collection begun today: Anki numbers due
    days from the day its collection began, so such a card's day is negative, as Anki's own import writes it. The
    sync clamped it at 0: the phone had the card due today with an interval of one day, not overdue by a year with
    its real interval."""
    here.add("long ago", "x")
    studied = now() - timedelta(days=730)
    for days, rating in ((0, Rating.GOOD), (3, Rating.GOOD), (12, Rating.GOOD), (40, Rating.EASY)):
        here.answer_first("long ago", rating, at=studied + timedelta(days=days))
    state, due, *_ = here.card("long ago")
    last = studied + timedelta(days=40)
    assert state == 2
    here.sync()
    if device.sync() in ("full_sync", "full_download"):
        device.full_download()

    _, ctype, queue, phone_due, interval, reps, _ = engine_card(device, "long ago")
    today = device.col.sched.today
    due_date = (now() + timedelta(days=phone_due - today)).date()
    here_due = from_ms(due).date()
    assert (ctype, queue, reps) == (2, 2, 4)
    assert phone_due < 0 and abs((due_date - here_due).days) <= 1  # (the hour of the day's rollover)
    assert abs(interval - (here_due - last.date()).days) <= 1
    assert _check_database(device) == []
