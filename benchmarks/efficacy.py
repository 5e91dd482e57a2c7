"""Does the scheduler deliver what it promises? A simulated student studies for a year through the real review
session, and the retention it gets and the work it asks are measured (issue 17).

Each run: a fresh collection (in /dev/shm, else the temp folder) with a deck of ``--cards`` generated notes; the
deck's preset at a desired retention, 20 new cards and 200 reviews a day (the defaults), the load balancer on
(the ``load_balance`` deck option, where this version has it). Each study day, at a random time between 06:00
and 18:00 (the day rolls over at 04:00, the clock's zone UTC), the student opens a
``studyapp.services.review.review.ReviewSession`` on the deck, with a ``FixedClock``, and answers every card it
shows, in its order, 4 to 20 seconds an answer; learning cards due later that day are answered when due. The
answers come from ``efficacy_learner.Learner``: a memory that follows FSRS-6 with parameters of its own (fitted
on a real log), recalling each card with its true retrievability at that second. Reviews over the day's limit
wait: the session shows the most overdue first the next day (the backlog is counted).

At the start of day 91 the student presses Optimize, as the deck options' button does
(``studyapp.services.fsrs.optimizer``: fit on the deck's history, the first 90 days, then save and reschedule the
preset's cards), and studies on.

Per desired retention (0.80, 0.85, 0.90, 0.95), the mean over ``--seeds`` runs (one seed each, a process each,
two at a time) of:

- achieved retention: the share of answers to review cards (not learning steps) recalled, over the year and
  from day 180;
- reviews a day: answers to review cards, mean over the year (and all answers, steps included);
- the busiest ordinary day over the mean of its week (the 7 days centred on it), over days 31..365 outside
  days 88..107 (the first month is the deck's ramp-up, when each day holds more than the one before; the
  Optimize's fortnight and the days whose week reaches into it are measured apart), and the busiest of
  days 91..104 over its week's mean, after the Optimize;
- beside each, fsrs-rs's simulator on the same settings (``fsrs_rs_python.simulate``: deck size, a year, 20 new
  and 200 reviews a day, the retention; scheduling with the learner's true parameters): its reviews a day,
  retention and cards memorized at the end, and ours (the sum of the learner's true retrievability).

Also the 0.90 case with the load balancer off, to show its effect. Writes ``benchmarks/EFFICACY.md`` (``--out``)
and prints the same table. ``--quick``: 300 cards, 120 days (Optimize at day 60), one seed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from efficacy_figures import (  # noqa: E402
    BALANCED_RATIO,
    FIRST_ORDINARY_DAY,
    NEW_PER_DAY,
    OPTIMIZE_RATIO,
    REVIEWS_PER_DAY,
    Plan,
    Row,
    Run,
    table,
)
from efficacy_learner import Learner, fsrs_rs_reference  # noqa: E402

from studyapp.core.clock import FixedClock  # noqa: E402
from studyapp.core.model import CardState, Rating  # noqa: E402

HERE = Path(__file__).resolve().parent
RETENTIONS = (0.80, 0.85, 0.90, 0.95)
START = datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc)  # day 1 begins at the rollover hour
DECK = "Efficacy"
_RATING = {int(rating): rating for rating in Rating}


def _workdir() -> Path:
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    return Path(tempfile.mkdtemp(prefix="studyapp-efficacy-", dir=base))


def _notes_file(folder: Path, cards: int, rng: random.Random) -> Path:
    from learner import Vocabulary

    words = Vocabulary(rng)
    path = folder / "notes.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Front,Back\n")
        for number in range(1, cards + 1):
            out.write(f'"{number}. {words.question()}","{words.sentence(6)}"\n')
    return path


def _set_options(app: object, plan: Plan, deck_id: int) -> str:
    from studyapp.core.scheduling.deck_options import DeckOptions

    collection = app.collection  # type: ignore[attr-defined]
    deck = collection.decks.get(deck_id)
    preset = collection.presets.get(deck.preset_id)
    options = replace(preset.options, desired_retention=plan.retention, new_per_day=NEW_PER_DAY,
                      reviews_per_day=REVIEWS_PER_DAY)  # fmt: skip
    balancer = "n/a"
    if hasattr(DeckOptions(), "load_balance"):
        options = replace(options, load_balance=plan.load_balance)
        balancer = "on" if plan.load_balance else "off"
    with collection.transaction():
        collection.presets.update(preset.id, preset.name, options)
    return balancer


def _optimize(app: object) -> str:
    """Optimize as the deck options' button does: fit on the deck's history, save the result, reschedule."""
    from studyapp.services.fsrs.optimizer import fit_parameters, save_and_reschedule

    result = fit_parameters(app, DECK)  # type: ignore[arg-type]
    saved = save_and_reschedule(app, result)  # type: ignore[arg-type]
    kept = "new parameters kept" if saved.saved else "old parameters kept"
    held_out = getattr(result, "held_out", None)  # (a version that scores the fit on answers it never saw)
    scored = f"{held_out}" if held_out is not None else "scored on the answers it was fitted on"
    what = f"fit on {result.reviews:,} answers, {scored}: old {result.before}, new {result.after}; {kept}"
    if saved.rescheduled is not None:
        what += f"; {saved.rescheduled}"
    return what


def _due(app: object, deck_id: int, day_end: datetime) -> int:
    from studyapp.storage.codec import to_ms

    row = app.collection.db.execute(  # type: ignore[attr-defined]
        "SELECT count(*) FROM cards WHERE deck_id = ? AND state = ? AND due < ? AND suspended = 0",
        (deck_id, int(CardState.REVIEW), to_ms(day_end)),
    ).fetchone()
    return int(row[0])


def simulate(plan: Plan) -> Run:
    """One student, one year (``plan.days`` days), on a collection of its own."""
    from studyapp.services.app import App
    from studyapp.services.review.review import ReviewSession

    started = time.perf_counter()
    folder = _workdir()
    rng = random.Random(plan.seed)
    learner = Learner(random.Random(plan.seed * 7919 + 1))
    clock = FixedClock(START - timedelta(hours=1))
    run = Run(plan)
    try:
        app = App.open(folder / "collection.db", clock=clock, rng=random.Random(plan.seed))
        app.import_file(_notes_file(folder, plan.cards, random.Random(plan.seed)), deck_name=DECK)
        deck = app.find_deck(DECK)
        assert deck is not None
        run.balancer = _set_options(app, plan, deck.id)
        for day in range(plan.days):
            day_start = START + timedelta(days=day)
            if plan.optimize_day is not None and day + 1 == plan.optimize_day:
                clock.set(day_start + timedelta(minutes=30))
                run.optimize = _optimize(app)
            clock.set(day_start + timedelta(hours=2, seconds=rng.uniform(0, 12 * 3600)))
            day_end = day_start + timedelta(days=1)
            run.due.append(_due(app, deck.id, day_end))
            reviews = answers = recalled = 0
            session = ReviewSession(app.collection, deck.id, clock, app.rng)
            card = session.next_card()
            while True:
                while card is not None:
                    clock.advance(timedelta(seconds=rng.uniform(4, 20)))
                    rating, was_recalled = learner.answer(card.id, clock.now())
                    if card.schedule.state == CardState.REVIEW:
                        reviews += 1
                        recalled += bool(was_recalled)
                    answers += 1
                    session.answer(_RATING[rating])
                    card = session.current
                wait = session.next_due_in()  # a learning card due later today
                if wait is None or clock.now() + wait >= day_end - timedelta(minutes=5):
                    break
                clock.advance(wait + timedelta(seconds=1))
                card = session.next_card()
            run.reviews.append(reviews)
            run.answers.append(answers)
            run.recalled.append(recalled)
            run.backlog.append(_due(app, deck.id, day_end))
        run.memorized = learner.memorized(START + timedelta(days=plan.days))
        app.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    run.seconds = time.perf_counter() - started
    return run


def report(rows: list[Row], args: argparse.Namespace, seconds: float) -> str:
    from suite import commit, cpu_model

    plan = next((row.runs[0].plan for row in rows if row.runs), None)
    days = plan.days if plan is not None else args.days
    year_from = min(180, max(1, days // 2))
    notes = []
    for row in rows:
        kept = sum("new parameters kept" in run.optimize for run in row.runs)
        for run in row.runs[:1]:
            notes.append(f"- {row.retention:.2f}, balancer {run.balancer} (new parameters kept in {kept} of "
                         f"{len(row.runs)} seeds); seed {run.plan.seed}: {run.optimize}")  # fmt: skip
    lines = [
        "# Does the scheduler deliver? (efficacy)",
        "",
        "Made by `benchmarks/efficacy.py` (in `make bench`): a simulated student whose memory follows FSRS-6",
        "with its own parameters studies a deck through the real review session for a year, 20 new cards and",
        "at most 200 reviews a day, and presses Optimize at the start of day "
        f"{args.optimize_day}. Means over the seeds; fsrs-rs's simulator on the same settings in brackets.",
        "",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; CPU: {cpu_model()}, {os.cpu_count()} cores",
        f"- studyapp commit: {commit()}",
        f"- {args.cards:,} cards, {days} days, Optimize at day {args.optimize_day}, seeds "
        f"{', '.join(str(s) for s in seeds_of(args))}; {len([r for row in rows for r in row.runs])} runs took "
        f"{seconds:.0f} s ({args.workers} at a time)",
        "",
        *table(rows, year_from),
        "",
        "- achieved: answers to review cards recalled (learning steps left out); ±1 point: day "
        f"{year_from}+ within 0.01 of the desired retention (mean over the seeds).",
        "- reviews a day: answers to review cards, mean over the days; answers a day: with learning steps.",
        "- a day's load: the review cards due by its end as it starts (a backlog left from the day before counts).",
        "  Busiest ordinary day: the highest load over the mean load of the 7 days centred on it, days "
        f"{min(FIRST_ORDINARY_DAY, max(1, days // 4))}..{days} outside days {args.optimize_day - 3}.."
        f"{args.optimize_day + 16} (the first month ramps up; the Optimize fortnight is measured apart); target",
        f"  under {BALANCED_RATIO} with the balancer on, for the mean over the seeds (as the retention's target).",
        f"  After Optimize: days {args.optimize_day}..{args.optimize_day + 13}, target at most {OPTIMIZE_RATIO} on"
        " every seed (no day over it). Each cell: the mean over the seeds, and the worst seed.",
        "- days at the cap: days the student answered 200 reviews (more were due; they wait for the next day,",
        "  most overdue first); largest backlog: most review cards left due at a day's end, any seed.",
        "- memorized: the expected number of cards the student would recall at the end (the sum of their true",
        "  retrievability); fsrs-rs schedules with the student's true parameters from the first day.",
        "",
        "What Optimize said (first seed of each row):",
        "",
        *notes,
        "",
    ]
    return "\n".join(lines)


def seeds_of(args: argparse.Namespace) -> list[int]:
    return [args.seed + index for index in range(args.seeds)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--optimize-day", type=int, default=91, help="Optimize at the start of this day")
    parser.add_argument("--seeds", type=int, default=3, help="runs per setting (the issue's figure: 10)")
    parser.add_argument("--seed", type=int, default=1, help="the first seed")
    parser.add_argument("--retentions", type=float, nargs="+", default=list(RETENTIONS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE / "EFFICACY.md")
    parser.add_argument("--quick", action="store_true", help="300 cards, 120 days, Optimize at day 60, one seed")
    args = parser.parse_args(argv)
    if args.quick:
        args.cards, args.days, args.optimize_day, args.seeds = 300, 120, 60, 1
    from studyapp.core.scheduling.deck_options import DeckOptions

    has_balancer = hasattr(DeckOptions(), "load_balance")
    settings = [(retention, True) for retention in args.retentions]
    if 0.90 in args.retentions:
        settings.append((0.90, False))
    plans = [
        Plan(retention, seed, args.cards, args.days, args.optimize_day, balance)
        for retention, balance in settings
        for seed in seeds_of(args)
        if balance or has_balancer
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers, mp_context=_spawn(), max_tasks_per_child=1) as pool:
        runs = list(pool.map(simulate, plans))
    seconds = time.perf_counter() - started
    rows = []
    for retention, balance in settings:
        mine = [run for run in runs if run.plan.retention == retention and run.plan.load_balance == balance]
        references = [fsrs_rs_reference(retention, args.cards, args.days, NEW_PER_DAY, REVIEWS_PER_DAY, seed)
                      for seed in seeds_of(args)]  # fmt: skip
        rows.append(Row(retention, balance, mine, references))
    text = report(rows, args, seconds)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}")
    return 0


def _spawn() -> object:
    import multiprocessing

    return multiprocessing.get_context("spawn")


if __name__ == "__main__":
    raise SystemExit(main())
