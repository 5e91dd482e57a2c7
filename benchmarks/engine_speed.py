"""The engine measurements of the suite: studyapp and Anki's engine on the same generated data, same run.

- deck list: open the collection and compute the deck list with its counts (studyapp ``deck_tree``;
  Anki ``Collection(path)`` + ``col.sched.deck_due_tree()``);
- answer a card and get the next one, 1,000 answers in the deck ``Medicine`` (a fifth of the cards), p50 and
  p95 (studyapp ``ReviewSession.answer``, which fetches the next card; Anki's v3 scheduler:
  ``build_answer`` + ``answer_card`` + ``get_queued_cards``), each repetition on a fresh copy whose daily
  limits are raised on both sides so that 1,000 answers are possible. Both sides are durable (SQLite WAL with
  ``synchronous = FULL``: one sync of the WAL per answer before it returns, as ``strace -c -e fdatasync,fsync``
  shows) and answer in turn, one answer each, so that both see the same disk;
- a word search, first page (studyapp ``search_card_ids`` + ``card_rows`` of 50; Anki
  ``col.find_cards(word, order=True)`` as the browser sorts + ``browser_row_for_id`` of 50);
- fitting FSRS parameters on the whole review log (studyapp ``prepare_fit`` + ``compute_fit``; Anki's
  optimizer over the whole collection, as its deck options screen asks the backend).
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW  # noqa: E402
from suite_api import BenchData, Result, all_met, measurement, ratio_target  # noqa: E402

from studyapp.core.clock import FixedClock  # noqa: E402
from studyapp.core.model import CardState, Rating  # noqa: E402

DECK_LIST = "open collection + deck list with counts"
ANSWER_P50 = "answer + next card (engine), p50"
ANSWER_P95 = "answer + next card (engine), p95"
SEARCH = "word search, first page"
FIT = "fit FSRS parameters on the whole log"
STUDIED_DECK = "Medicine"
ANSWERS = 1000
WORD = "muscle"
ANKI_COLUMNS = ["question", "answer", "deck", "noteTags", "cardDue", "cardIvl", "stability", "difficulty",
                "retrievability", "cardReps", "cardLapses"]  # fmt: skip
PAGE = 50
SECONDS_PER_ANSWER = timedelta(seconds=5)  # the studyapp clock moves on as a student would


def _copy(source: Path, target: Path) -> Path:
    """A private copy of a collection file (with its WAL, if Anki or SQLite left one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        extra = Path(str(source) + suffix)
        if extra.exists():
            shutil.copyfile(extra, Path(str(target) + suffix))
    return target


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# -- the deck list ------------------------------------------------------------------------------------


def _studyapp_deck_list(path: Path) -> float:
    from studyapp.services.decks.tree import deck_tree
    from studyapp.storage import Collection

    started = time.perf_counter()
    collection = Collection.open(path)
    tree = deck_tree(collection, FixedClock(NOW))
    elapsed = (time.perf_counter() - started) * 1000
    assert tree
    collection.close()
    return elapsed


def _anki_deck_list(path: Path) -> float:
    from anki.collection import Collection

    started = time.perf_counter()
    col = Collection(str(path))
    tree = col.sched.deck_due_tree()
    elapsed = (time.perf_counter() - started) * 1000
    assert tree.children
    col.close()
    return elapsed


@measurement(DECK_LIST)
def measure_deck_list(data: BenchData, repeat: int) -> list[Result]:
    folder = data.workdir / "decklist"
    ours_path = _copy(data.studyapp_path, folder / "studyapp.db")
    theirs_path = _copy(data.anki_path, folder / "anki.anki2")
    _studyapp_deck_list(ours_path)  # warm the page cache, as a second start would (and bring the schema up to date)
    _anki_deck_list(theirs_path)
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(_studyapp_deck_list(ours_path))
        theirs.append(_anki_deck_list(theirs_path))
    result = Result(DECK_LIST, ours, theirs, "ms", "ratio <= 1.0 and < 50 ms", None)
    result.met = all_met(ratio_target(result.ratio), statistics.median(ours) < 50)
    return [result]


# -- answering -----------------------------------------------------------------------------------------


def _ratings(seed: int, count: int) -> list[int]:
    rng = random.Random(seed)
    return rng.choices([1, 2, 3, 4], [0.1, 0.1, 0.7, 0.1], k=count)


_RATING = {int(rating): rating for rating in Rating}  # (the harness's lookup, as Anki's side has its buttons)


class _StudyappAnswers:
    """studyapp's side: a session on a private copy, one answer (and the next card) per ``step``."""

    def __init__(self, path: Path) -> None:
        from studyapp.services.review.review import ReviewSession
        from studyapp.storage import Collection

        with Collection.open(path) as collection, collection.transaction():
            for preset in collection.presets.all():  # limits high enough for 1,000 answers, in this copy only
                options = replace(preset.options, new_per_day=9999, reviews_per_day=9999)
                collection.presets.update(preset.id, preset.name, options)
            learning = (int(CardState.LEARNING), int(CardState.RELEARNING))
            collection.db.conn.execute("UPDATE cards SET step = 0 WHERE step IS NULL AND state IN (?, ?)", learning)
        self.collection = Collection.open(path)
        self.synchronous = _SYNCHRONOUS[int(self.collection.db.execute("PRAGMA synchronous").fetchone()[0])]
        self.clock = FixedClock(NOW)
        deck = self.collection.decks.by_name(STUDIED_DECK) or self.collection.decks.all()[0]
        self.session = ReviewSession(self.collection, deck.id, self.clock, random.Random(1))
        self.done = self.session.next_card() is None

    def step(self, rating: int) -> float:
        self.clock.advance(SECONDS_PER_ANSWER)
        started = time.perf_counter()
        self.session.answer(_RATING[rating])
        elapsed = (time.perf_counter() - started) * 1000
        self.done = self.session.current is None
        return elapsed

    def close(self) -> None:
        self.collection.close()


class _AnkiAnswers:
    """Anki's side: its v3 scheduler on a private copy, as its reviewer answers and loads the next card."""

    def __init__(self, path: Path) -> None:
        from anki.collection import Collection  # (anki.cards cannot be imported before anki.collection)
        from anki.scheduler.v3 import CardAnswer

        self.col = col = Collection(str(path))
        self.synchronous = _SYNCHRONOUS[int(col.db.scalar("PRAGMA synchronous"))]
        for config in col.decks.all_config():  # the same raised limits, in this copy only
            config["new"]["perDay"], config["rev"]["perDay"] = 9999, 9999
            col.decks.update_config(config)
        deck_id = col.decks.id_for_name(STUDIED_DECK)
        assert deck_id is not None
        col.decks.select(deck_id)
        self.buttons = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
        self.queued = col.sched.get_queued_cards()  # type: ignore[union-attr]
        self.done = not self.queued.cards

    def step(self, rating: int) -> float:
        from anki.collection import Card

        col, sched = self.col, self.col.sched
        started = time.perf_counter()
        top = self.queued.cards[0]
        card = Card(col)
        card._load_from_backend_card(top.card)
        card.start_timer()
        sched.answer_card(sched.build_answer(card=card, states=top.states, rating=self.buttons[rating]))  # type: ignore[union-attr]
        self.queued = sched.get_queued_cards()  # type: ignore[union-attr]
        if self.queued.cards:  # the next card, as the reviewer loads it
            Card(col)._load_from_backend_card(self.queued.cards[0].card)
        elapsed = (time.perf_counter() - started) * 1000
        self.done = not self.queued.cards
        return elapsed

    def close(self) -> None:
        self.col.close()


_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def _interleaved_answers(
    ours_path: Path, theirs_path: Path, ratings: list[int]
) -> tuple[list[float], list[float], str]:
    """Answer on both sides in turn, one answer each, so that both see the same disk: an answer is durable
    (its WAL is synced before it returns) and the time of a sync on a shared disk swings from a fraction of a
    millisecond to several. Returns both sides' times and their ``PRAGMA synchronous``."""
    ours, theirs = _StudyappAnswers(ours_path), _AnkiAnswers(theirs_path)
    ours_ms: list[float] = []
    theirs_ms: list[float] = []
    try:
        for rating in ratings:
            if not ours.done:
                ours_ms.append(ours.step(rating))
            if not theirs.done:
                theirs_ms.append(theirs.step(rating))
            if ours.done and theirs.done:
                break
    finally:
        ours.close()
        theirs.close()
    return ours_ms, theirs_ms, f"synchronous {ours.synchronous} / {theirs.synchronous}"


@measurement(ANSWER_P50, ANSWER_P95)
def measure_answers(data: BenchData, repeat: int, answers: int = ANSWERS) -> list[Result]:
    ratings = _ratings(data.seed, answers)
    p50s: dict[str, list[float]] = {"studyapp": [], "anki": []}
    p95s: dict[str, list[float]] = {"studyapp": [], "anki": []}
    counts = {}
    durability = ""
    for run in range(repeat):
        folder = data.workdir / f"answers-{run}"
        ours, theirs, durability = _interleaved_answers(
            _copy(data.studyapp_path, folder / "studyapp.db"), _copy(data.anki_path, folder / "anki.anki2"), ratings
        )
        shutil.rmtree(folder, ignore_errors=True)
        for side, times in (("studyapp", ours), ("anki", theirs)):
            counts[side] = len(times)
            if times:
                p50s[side].append(percentile(times, 0.50))
                p95s[side].append(percentile(times, 0.95))
    note = (f"{counts.get('studyapp', 0)} / {counts.get('anki', 0)} answers per run in {STUDIED_DECK}, "
            f"taken in turn; durable on both sides ({durability}: one WAL sync per answer)")  # fmt: skip
    p50 = Result(ANSWER_P50, p50s["studyapp"], p50s["anki"], "ms", "ratio <= 1.0", None, note)
    p50.met = ratio_target(p50.ratio)
    p95 = Result(ANSWER_P95, p95s["studyapp"], p95s["anki"], "ms", "ratio <= 1.0 and < 5 ms", None, note)
    p95.met = all_met(ratio_target(p95.ratio), bool(p95.studyapp) and statistics.median(p95.studyapp) < 5)
    return [p50, p95]


# -- search --------------------------------------------------------------------------------------------


@measurement(SEARCH)
def measure_search(data: BenchData, repeat: int) -> list[Result]:
    from anki.collection import Collection as AnkiCollection

    from studyapp.services.notes.search import card_rows, search_card_ids
    from studyapp.storage import Collection

    folder = data.workdir / "search"
    collection = Collection.open(_copy(data.studyapp_path, folder / "studyapp.db"))
    col = AnkiCollection(str(_copy(data.anki_path, folder / "anki.anki2")))
    # The browser's columns set to what studyapp's browser shows (Anki's browser sets them when it opens).
    col.set_browser_card_columns(ANKI_COLUMNS)
    clock = FixedClock(NOW)
    hits = {}

    def ours() -> None:
        ids = search_card_ids(collection, clock, WORD)
        hits["studyapp"] = len(ids)
        card_rows(collection, clock, ids[:PAGE])

    def theirs() -> None:
        ids = col.find_cards(WORD, order=True)  # sorted as the browser's column says, as the browser asks
        hits["anki"] = len(ids)
        for card_id in ids[:PAGE]:
            cells, *_ = col.browser_row_for_id(card_id)
            list(cells)

    ours(), theirs()  # warm
    ours_ms = [_timed(ours) for _ in range(repeat)]
    theirs_ms = [_timed(theirs) for _ in range(repeat)]
    collection.close()
    col.close()
    note = f"'{WORD}': {hits['studyapp']:,} / {hits['anki']:,} cards"
    result = Result(SEARCH, ours_ms, theirs_ms, "ms", "ratio <= 1.0 and < 50 ms", None, note)
    result.met = all_met(ratio_target(result.ratio), statistics.median(ours_ms) < 50)
    return [result]


# -- fitting FSRS --------------------------------------------------------------------------------------


@measurement(FIT)
def measure_fit(data: BenchData, repeat: int) -> list[Result]:
    from anki.collection import Collection as AnkiCollection

    from studyapp.services.app import App
    from studyapp.services.fsrs.optimizer import compute_fit, prepare_fit, training_config
    from studyapp.storage import Collection

    folder = data.workdir / "fit"
    app = App(Collection.open(_copy(data.studyapp_path, folder / "studyapp.db")), FixedClock(NOW), random.Random(1))
    col = AnkiCollection(str(_copy(data.anki_path, folder / "anki.anki2")))
    runs = max(1, min(repeat, 3))  # a fit takes seconds: three are enough for a median
    ours, theirs, note = [], [], ""
    for _ in range(runs):
        started = time.perf_counter()
        fit = compute_fit(prepare_fit(app, None))
        ours.append(time.perf_counter() - started)
        passes = training_config(fit.items).num_epochs
        note = (f"{fit.reviews:,} reviews, {fit.items:,} items, {passes} passes; log loss "
                f"{fit.before.log_loss:.4f} -> {fit.after.log_loss:.4f}")  # fmt: skip
        started = time.perf_counter()
        col._backend.compute_fsrs_params(
            search="", current_params=[], ignore_revlogs_before_ms=0, num_of_relearning_steps=1, health_check=False
        )
        theirs.append(time.perf_counter() - started)
    app.collection.close()
    col.close()
    result = Result(FIT, ours, theirs, "s", "< 5 s", statistics.median(ours) < 5, note)
    return [result]
