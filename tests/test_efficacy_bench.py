"""The efficacy benchmark (``benchmarks/efficacy.py``): its learner follows FSRS-6, its figures are what they say,
and ``--quick`` runs end to end through the real review session and Optimize (so the script cannot rot)."""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import efficacy  # noqa: E402
import efficacy_figures  # noqa: E402
from efficacy_learner import TRUE_PARAMETERS, Learner, Memory  # noqa: E402

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_the_learners_memory_moves_as_fsrs_6_says() -> None:
    """Against py-fsrs's own formulas with the same parameters, on random states and buttons."""
    reference = fsrs.Scheduler(parameters=TRUE_PARAMETERS)
    learner = Learner(random.Random(1))
    rng = random.Random(2)
    for _ in range(500):
        stability, difficulty, recall = rng.uniform(0.1, 400), rng.uniform(1, 10), rng.uniform(0.3, 1)
        rating = fsrs.Rating(rng.randint(1, 4))
        memory = Memory(stability, difficulty, T0)
        expected = reference._next_stability(
            difficulty=difficulty, stability=stability, retrievability=recall, rating=rating
        )
        assert learner._long_term(memory, recall, int(rating)) == pytest.approx(expected, rel=1e-12)
        expected = reference._short_term_stability(stability=stability, rating=rating)
        assert learner._short_term(stability, int(rating)) == pytest.approx(expected, rel=1e-12)
        expected = reference._next_difficulty(difficulty=difficulty, rating=rating)
        assert learner._next_difficulty(difficulty, int(rating)) == pytest.approx(expected, rel=1e-12)
    for rating in fsrs.Rating:
        expected = reference._initial_difficulty(rating=rating, clamp=True)
        assert learner._initial_difficulty(int(rating)) == pytest.approx(expected, rel=1e-12)


def test_the_learner_recalls_with_the_true_retrievability() -> None:
    learner = Learner(random.Random(3))
    learner.cards = {card: Memory(10.0, 5.0, T0) for card in range(20_000)}
    # By FSRS's definition, recall after S days is 0.9: counted over 20,000 cards, within 0.6 points.
    assert learner.retrievability(0, T0 + timedelta(days=10)) == pytest.approx(0.9)
    outcomes = [learner.answer(card, T0 + timedelta(days=10))[1] for card in range(20_000)]
    assert sum(map(bool, outcomes)) / len(outcomes) == pytest.approx(0.9, abs=0.006)
    rating, recalled = learner.answer(99_999, T0)  # a new card: first sight, no recall
    assert recalled is None and learner.cards[99_999].stability == TRUE_PARAMETERS[rating - 1]


def test_a_days_load_over_its_week() -> None:
    counts = [60, 60, 60, 200, 60, 60, 60, 60, 60, 60]
    assert efficacy_figures.week_ratio(counts, 4) == pytest.approx(200 / ((60 * 6 + 200) / 7))
    assert efficacy_figures.week_ratio(counts, 1) == pytest.approx(60 / 95)  # days 1..4: clipped at the start
    assert efficacy_figures.busiest(counts, [1, 2, 3, 4, 5]) == (pytest.approx(2.5), 4)
    assert efficacy_figures.busiest(counts, [8, 9, 10])[0] == pytest.approx(1.0)


def test_the_quick_run_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "EFFICACY.md"
    assert efficacy.main(["--quick", "--workers", "1", "--retentions", "0.9", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| 0.90 |")]
    assert len(rows) == 2  # balancer on (or n/a), and off (or its n/a line)
    cells = rows[0]
    assert 0.80 < float(cells[2]) < 1.0 and 0.80 < float(cells[3]) < 1.0  # achieved retention, a real number
    assert cells[4] in ("met", "not met") and cells[10] in ("met", "not met")
    reviews, reference = cells[5].split(" (")
    assert float(reviews) > 1 and float(reference.rstrip(")")) > 1
    assert "What Optimize said" in text and "fit on " in text  # the real Optimize ran at day 60
