"""The review log made ready for the FSRS fit: study days from zone pieces, items in time order, the child scorer.

The fast path (SQLite computes study days, one string per card, list comprehensions) is checked against a plain
reference that converts every answer's time in its zone, one answer at a time.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs_rs_python
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.scheduling.days import DAY_MS, study_day_pieces
from studyapp.services.app import App
from studyapp.services.cancellation import Cancelled
from studyapp.services.fsrs import fit_scoring, optimizer
from studyapp.services.fsrs.fit_data import build_items, rating_counts, read_answers
from studyapp.services.fsrs.fit_scoring import Scoring, score
from studyapp.services.fsrs.review_log_import import import_review_log
from studyapp.services.notes.browser_actions import BrowserActions
from studyapp.storage.codec import to_ms

UTC = timezone.utc
EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


def _reviews(item: fsrs_rs_python.FSRSItem) -> list[tuple[int, int]]:
    return [(int(r), int(d)) for r, d in re.findall(r"rating: (\d+), delta_t: (\d+)", repr(item.reviews))]


def _study_day(moment: datetime, zone: tzinfo, hour: int) -> int:
    return (moment.astimezone(zone) - timedelta(hours=hour)).date().toordinal()


# -- study days from zone pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ZONES + ["Pacific/Apia", "America/Sao_Paulo"])
def test_zone_pieces_give_every_instants_study_day(name: str) -> None:
    zone = ZoneInfo(name)
    first, last = to_ms(datetime(2009, 1, 1, tzinfo=UTC)), to_ms(datetime(2026, 3, 1, tzinfo=UTC))
    for hour in (0, 4, 23):
        pieces = study_day_pieces(zone, first, last, hour)
        assert pieces[0].start_ms == first and all(
            a.start_ms < b.start_ms for a, b in zip(pieces, pieces[1:], strict=False)
        )
        rng = random.Random(name)
        moments = [rng.randrange(first, last) for _ in range(3000)]
        moments += [edge + step for piece in pieces[1:] for edge in [piece.start_ms] for step in (-1, 0, 1)]
        for moment in moments:
            piece = max((p for p in pieces if p.start_ms <= moment), key=lambda p: p.start_ms)
            expected = _study_day(datetime.fromtimestamp(moment / 1000, UTC), zone, hour) - EPOCH_ORDINAL
            assert (moment + piece.shift_ms) // DAY_MS == expected, (name, hour, moment)


def test_a_zone_without_changes_is_one_piece_and_berlin_changes_twice_a_year() -> None:
    first, last = to_ms(datetime(2020, 1, 1, tzinfo=UTC)), to_ms(datetime(2025, 1, 1, tzinfo=UTC))
    assert [(p.start_ms, p.shift_ms) for p in study_day_pieces(UTC, first, last, 4)] == [(first, -4 * 3_600_000)]
    berlin = study_day_pieces(ZoneInfo("Europe/Berlin"), first, last, 4)
    assert len(berlin) == 11  # five years, two changes each
    spring = datetime.fromtimestamp(berlin[1].start_ms / 1000, UTC)
    assert spring == datetime(2020, 3, 29, 1, 0, tzinfo=UTC) and berlin[1].shift_ms == -2 * 3_600_000


# -- items from histories ------------------------------------------------------------------------------------


def _history(*answers: tuple[int, int]) -> str:
    return " ".join(str(day * 8 + rating) for day, rating in answers)


def test_items_are_the_answers_a_day_or_more_later_in_order_of_their_last_day() -> None:
    answers = build_items(
        [
            _history((10, 1), (10, 3), (12, 3), (20, 4)),  # card A: same-day second answer, then two items
            _history((11, 3)),  # card B: one answer, no item
            _history((5, 2), (12, 1), (12, 3)),  # card C: an item on day 12, then a same-day answer
        ]
    )
    assert (answers.reviews, answers.cards) == (8, 2)
    assert [_reviews(item) for item in answers.items] == [
        [(1, 0), (3, 0), (3, 2)],  # A, day 12
        [(2, 0), (1, 7)],  # C, day 12: after A (card by card within a day)
        [(1, 0), (3, 0), (3, 2), (4, 8)],  # A, day 20
    ]


def test_a_clock_turned_back_past_the_rollover_is_a_gap_of_no_days() -> None:
    answers = build_items([_history((100, 3), (99, 3), (101, 1))])
    assert [_reviews(item) for item in answers.items] == [[(3, 0), (3, 0), (1, 2)]]


def test_no_answers_no_items() -> None:
    empty = build_items([])
    assert (empty.items, empty.reviews, empty.cards, empty.histories) == ([], 0, 0, [])


def test_rating_counts_split_first_answers_from_later_ones() -> None:
    first, later = rating_counts([_history((1, 3), (2, 1), (4, 3)), _history((1, 1), (3, 4))])
    assert (first, later) == ([0, 1, 0, 1, 0], [0, 1, 0, 1, 1])


# -- the fast path against a plain reference, on a collection --------------------------------------------------


def _write_log(path: Path, cards: int, seed: int) -> Path:
    """Answers over two years, some a few minutes apart, many at night (where the rollover and the clock
    changes fall); the rows shuffled, as an export may have them."""
    rng = random.Random(seed)
    rows = []
    for card in range(cards):
        moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        for _ in range(rng.randint(1, 14)):
            rows.append(f"{card},{rng.choice([1, 2, 3, 3, 3, 4])},{moment.isoformat()},4000")
            moment += rng.choice([timedelta(minutes=rng.randint(1, 50)), timedelta(hours=rng.randint(1, 30)),
                                  timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))])  # fmt: skip
    rng.shuffle(rows)
    path.write_text("card_id,review_rating,review_time,review_duration\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _reference(app: App, deck_ids: set[int], zone: tzinfo, hour: int) -> list[list[tuple[int, int]]]:
    """Items the slow, plain way: every answer's study day from its time in the zone; ordered by the day of their
    last answer, then by card id, then by place in the card's history."""
    by_card: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for entry in app.collection.reviews.log():  # in time order
        card = app.collection.reviews.card(entry.card_id)
        if card is not None and card.deck_id in deck_ids:
            by_card[entry.card_id].append((int(entry.rating), _study_day(entry.reviewed_at, zone, hour)))
    keyed = []
    for card_id, answers in by_card.items():
        reviews, previous = [], None
        for place, (rating, day) in enumerate(answers):
            gap = 0 if previous is None else max(0, day - previous)
            reviews.append((rating, gap))
            previous = day
            if place > 0 and gap > 0:
                keyed.append(((day, card_id, place), list(reviews)))
    return [reviews for _, reviews in sorted(keyed)]


@pytest.mark.parametrize(("name", "hour"), [("Europe/Berlin", 4), ("America/New_York", 0), ("Australia/Lord_Howe", 2)])
def test_the_fast_path_builds_the_reference_items_in_the_reference_order(
    app: App, tmp_path: Path, name: str, hour: int
) -> None:
    import_review_log(app, _write_log(tmp_path / "log.csv", 120, seed=hour), "Log")
    deck = app.find_deck("Log")
    assert deck is not None
    zone = ZoneInfo(name)
    answers = read_answers(app.collection.reviews, None, zone, hour)
    expected = _reference(app, {d.id for d in app.collection.decks.all()}, zone, hour)
    assert len(expected) > 300
    assert [_reviews(item) for item in answers.items] == expected
    assert answers.reviews == app.collection.reviews.log_count()


def test_only_the_decks_asked_for_and_never_a_deleted_cards_log(app: App, tmp_path: Path) -> None:
    import_review_log(app, _write_log(tmp_path / "a.csv", 40, seed=1), "A")
    import_review_log(app, _write_log(tmp_path / "b.csv", 30, seed=2), "B")
    a, b = app.find_deck("A"), app.find_deck("B")
    assert a is not None and b is not None
    only_a = read_answers(app.collection.reviews, [a.id], UTC, 4)
    assert [_reviews(item) for item in only_a.items] == _reference(app, {a.id}, UTC, 4)
    assert read_answers(app.collection.reviews, [], UTC, 4).items == []

    gone = sorted(app.collection.reviews.card_ids([a.id]))[:10]
    BrowserActions(app.collection, app.clock, app.rng).delete_notes(gone)
    after = read_answers(app.collection.reviews, [a.id], UTC, 4)
    assert [_reviews(item) for item in after.items] == _reference(app, {a.id}, UTC, 4)
    assert len(after.items) < len(only_a.items)


# -- scoring in a child process -------------------------------------------------------------------------------


def test_the_child_scores_exactly_as_this_process_does(app: App, tmp_path: Path) -> None:
    import_review_log(app, _write_log(tmp_path / "log.csv", 80, seed=5), "Log")
    answers = read_answers(app.collection.reviews, None, UTC, 4)
    # fsrs-rs sums in parallel: the last float digits may differ from one evaluation to the next
    fitted = [p * 1.01 for p in DEFAULT_PARAMETERS]  # then other parameters, handed over once "fitted"
    with Scoring(answers.histories, DEFAULT_PARAMETERS) as child:
        scored = child.result(fitted)
    assert scored is not None and scored[1] is not None
    assert scored[0] == pytest.approx(score(answers.histories, DEFAULT_PARAMETERS), rel=1e-6)
    assert scored[1] == pytest.approx(score(answers.histories, fitted), rel=1e-6)
    with Scoring(answers.histories, DEFAULT_PARAMETERS) as child:
        alone = child.result(None)  # nothing fitted: the current parameters only
    assert alone is not None and alone[1] is None
    assert answers.held_out_day is not None and 0 < len(answers.held_out) < len(answers.items) / 2
    evaluation = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).evaluate(answers.held_out)  # on the held-out part
    expected = (evaluation.log_loss, evaluation.rmse_bins)
    assert score(answers.histories, DEFAULT_PARAMETERS) == pytest.approx(expected, rel=1e-6)


def test_a_failing_child_says_none_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fit_scoring.tempfile, "tempdir", str(tmp_path))
    with Scoring([_history((1, 3), (3, 3))], [0.5] * 3) as child:  # FSRS refuses three parameters
        assert child.result(None) is None
    assert list(tmp_path.iterdir()) == []


def test_a_child_that_takes_too_long_is_stopped_and_says_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fit_scoring.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(fit_scoring, "CHILD_TIMEOUT_S", 0.001)
    with Scoring([_history((1, 3), (3, 3))], DEFAULT_PARAMETERS) as child:
        assert child.result(None) is None
    assert list(tmp_path.iterdir()) == []


def test_a_big_fit_scores_the_old_parameters_in_the_child_with_the_same_result(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_review_log(app, _write_log(tmp_path / "log.csv", 150, seed=7), "Log")
    data = optimizer.prepare_fit(app, "Log")
    alone = optimizer.compute_fit(data)  # under PARALLEL_FROM: scored here

    started: list[Scoring] = []
    original = Scoring.__init__

    def spy(self: Scoring, *args: object) -> None:
        original(self, *args)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(optimizer, "PARALLEL_FROM", 1)
    monkeypatch.setattr(Scoring, "__init__", spy)
    beside = optimizer.compute_fit(data)  # the command line's way: fitted here, the old parameters scored beside
    away = optimizer.compute_fit(data, responsive=True)  # a window's way: all of it in two children
    assert len(started) == 2
    for result in (beside, away):
        assert (result.parameters, result.items) == (alone.parameters, alone.items)
        assert result.after.log_loss == pytest.approx(alone.after.log_loss, rel=1e-6)
        assert result.before.log_loss == pytest.approx(alone.before.log_loss, rel=1e-6)
        assert result.before.rmse_bins == pytest.approx(alone.before.rmse_bins, rel=1e-6)
        assert result.after.rmse_bins == pytest.approx(alone.after.rmse_bins, rel=1e-6)


# -- how long the fit trains ----------------------------------------------------------------------------------


def test_the_fit_makes_fewer_passes_only_over_a_very_large_log() -> None:
    epochs = [optimizer.training_config(n).num_epochs for n in (10, 250_000, 400_000, 737_953, 5_000_000)]
    assert epochs == [5, 5, 4, 2, 2]
    assert optimizer.training_config(10).batch_size == fsrs_rs_python.TrainingConfig().batch_size


def test_a_check_that_raises_stops_both_children_at_once(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_review_log(app, _write_log(tmp_path / "log.csv", 150, seed=7), "Log")
    data = optimizer.prepare_fit(app, "Log")
    files = tmp_path / "files"
    files.mkdir()
    monkeypatch.setattr(fit_scoring.tempfile, "tempdir", str(files))
    monkeypatch.setattr(optimizer, "PARALLEL_FROM", 1)
    monkeypatch.setattr(fit_scoring, "_POLL_S", 0.001)  # asked long before a child can have started
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        raise Cancelled("cancelled: nothing was changed")

    with pytest.raises(Cancelled):
        optimizer.compute_fit(data, check=check, responsive=True)
    assert calls == [1]  # asked once, while waiting for the first child
    assert list(files.iterdir()) == []  # both children stopped, their files gone
