"""The Due column: a new card shows its place in the new-card queue ("new #3"); sorted by due, the cards with
a date come first (soonest first), then the new cards in queue order."""

from __future__ import annotations

from datetime import timezone

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.notes.search import SortKey, card_rows, search_card_ids
from studyapp.ui.browser.columns import COLUMNS

DUE = next(column for column in COLUMNS if column.key == "due")


def test_new_cards_show_their_queue_place_and_sort_after_dated_ones(app: App, calcinosis_id: int) -> None:
    positions = dict(app.collection.db.execute("SELECT id, position FROM cards"))
    session = app.review_session(calcinosis_id)
    answered = []
    for rating in (Rating.EASY, Rating.GOOD):
        card = session.next_card()
        assert card is not None
        answered.append(card.id)
        session.answer(rating, 1000)
    ids = search_card_ids(app.collection, app.clock, "", SortKey.DUE)
    rows = card_rows(app.collection, app.clock, ids)
    texts = [DUE.text(row, timezone.utc) for row in rows]
    dated = [row for row in rows if row.due is not None]
    assert {row.card_id for row in dated} == set(answered)
    assert [row.card_id for row in rows[: len(dated)]] == [row.card_id for row in sorted(dated, key=lambda r: r.due)]
    assert all(len(text) == 10 and text[4] == "-" for text in texts[: len(dated)])  # dates
    new_rows = rows[len(dated) :]
    assert [row.card_id for row in new_rows] == sorted((r.card_id for r in new_rows), key=positions.__getitem__)
    assert texts[len(dated) :] == [f"new #{positions[row.card_id] + 1}" for row in new_rows]
    assert texts[len(dated)] == "new #3"  # the first two (positions 0 and 1) were studied
    descending = search_card_ids(app.collection, app.clock, "", SortKey.DUE, descending=True)
    assert descending[len(dated) :] == [row.card_id for row in reversed(new_rows)]
