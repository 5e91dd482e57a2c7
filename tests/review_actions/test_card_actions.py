"""The reviewer's card actions as a service: bury, suspend, flag, delete the note, set the due date, each undone
with the answers in the order they were done; the stored state always replays from the log (Check stays silent)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating, ScheduleChangeKind
from studyapp.core.scheduling.due_date import DueDateError, parse_due_days
from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check
from studyapp.services.notes.card_actions import ActionError, ReviewActions
from studyapp.services.review.card_info import card_info
from tests.review_actions.helpers import rows_of


def _check_is_silent(app: App) -> None:
    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert (report.problems, report.unresolved) == (0, 0), report.text()


def _studied(app: App, deck_id: int, clock: FixedClock) -> None:
    """Every card of the deck answered Good twice, on two days, so that they are review cards."""
    for _day in range(2):
        session = app.review_session(deck_id)
        while session.next_card() is not None:
            session.answer(Rating.GOOD, 1000)
            clock.advance(timedelta(seconds=20))
        clock.advance(timedelta(days=30))


def test_due_days_parse_as_anki_reads_them() -> None:
    assert parse_due_days("0") == parse_due_days(" 0 ")
    days = parse_due_days("1-7!")
    assert (days.low, days.high, days.reset_interval) == (1, 7, True)
    assert {parse_due_days("3-5").draw(random.Random(seed)) for seed in range(50)} == {3, 4, 5}
    for bad in ("", "x", "-1", "7-3", "1-2-3", "99999999"):
        with pytest.raises(DueDateError):
            parse_due_days(bad)


def test_bury_suspend_flag_and_undo_in_order_with_answers(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    before = rows_of(app.path)
    session = app.review_session(calcinosis_id)
    actions = ReviewActions(session)
    first = session.next_card()
    assert first is not None
    assert actions.toggle_flag(1).message == "Red flag" and actions.flag() == 1
    assert actions.toggle_flag(1).message == "Remove flag" and actions.flag() == 0  # the same key again clears
    actions.toggle_flag(4)
    session.answer(Rating.GOOD, 1000)
    second = session.current
    assert second is not None
    actions.bury()
    assert session.current is not None and session.current.id != second.id
    third = session.current
    actions.suspend()
    assert app.collection.db.execute("SELECT suspended FROM cards WHERE id = ?", [third.id]).fetchone()[0] == 1
    _check_is_silent(app)

    assert actions.undo().message == "Undone: suspend"  # type: ignore[union-attr]
    assert session.current is not None and session.current.id == third.id
    assert actions.undo().message == "Undone: bury"  # type: ignore[union-attr]
    assert session.current is not None and session.current.id == second.id
    assert actions.undo().message == "Answer undone"  # type: ignore[union-attr]
    assert session.current is not None and session.current.id == first.id
    assert [actions.undo().message for _ in range(3)] == [  # type: ignore[union-attr]
        "Undone: blue flag", "Undone: remove flag", "Undone: red flag",
    ]  # fmt: skip
    assert actions.undo() is None and not actions.can_undo
    assert rows_of(app.path) == before  # exactly as it was


def test_set_due_date_is_a_logged_change_that_replays_and_undoes(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    _studied(app, calcinosis_id, clock)
    session = app.review_session(calcinosis_id)
    actions = ReviewActions(session)
    card = session.next_card()
    assert card is not None and card.schedule.state is CardState.REVIEW
    before = rows_of(app.path)
    done = actions.set_due_date("5!")
    assert done.card_id == card.id
    [change] = app.collection.schedule_changes.of_card(card.id)
    assert change.kind is ScheduleChangeKind.SET_DUE and change.before == card.schedule
    stored = app.collection.reviews.card(card.id)
    assert stored is not None and stored.schedule == change.after
    assert stored.schedule.due == clock.now() + timedelta(days=5) and stored.schedule.last_review == clock.now()
    assert session.current is None or session.current.id != card.id  # due in five days: off the screen
    _check_is_silent(app)
    # Due today: it stays on screen and is answered; the answer replays from the set due date.
    clock.advance(timedelta(minutes=1))
    actions.undo()
    assert rows_of(app.path) == before
    actions.set_due_date("0")
    assert session.current is not None and session.current.id == card.id
    clock.advance(timedelta(minutes=1))
    session.answer(Rating.HARD, 1000)
    _check_is_silent(app)
    actions.undo()  # the answer
    actions.undo()  # the due date
    assert rows_of(app.path) == before
    _check_is_silent(app)


def test_a_new_card_has_no_due_date_to_set(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    actions = ReviewActions(session)
    assert session.next_card() is not None
    before = rows_of(app.path)
    with pytest.raises(ActionError, match="1 new card has no due date to set"):
        actions.set_due_date("3")
    with pytest.raises(ActionError, match="is not a number of days"):
        actions.set_due_date("soon")
    assert rows_of(app.path) == before and not actions.can_undo


def test_deleting_the_note_keeps_its_history_for_the_undo(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    _studied(app, calcinosis_id, clock)
    session = app.review_session(calcinosis_id)
    actions = ReviewActions(session)
    card = session.next_card()
    assert card is not None
    history = app.collection.reviews.log(card.id)
    assert len(history) == 2
    before = rows_of(app.path)
    assert actions.delete_note().message == "Note deleted (1 card)"
    assert app.collection.reviews.card(card.id) is None
    assert session.current is None or session.current.id != card.id
    actions.undo()
    assert rows_of(app.path) == before
    assert session.current is not None and session.current.id == card.id
    assert app.collection.reviews.log(card.id) == history
    _check_is_silent(app)


def test_card_info_tells_the_history(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    _studied(app, calcinosis_id, clock)
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    ReviewActions(session).toggle_flag(3)
    info = card_info(app.collection, card.id, clock)
    assert info is not None
    assert (len(info.answers), info.schedule.lapses, info.flag_name, info.state_name) == (2, 0, "Green", "Review")
    assert info.first_review is not None and info.last_review is not None
    assert info.first_review < info.last_review < clock.now()
    assert info.retrievability is not None and 0.5 < info.retrievability < 1
    assert info.deck == "Calcinosis" and info.added <= info.first_review
