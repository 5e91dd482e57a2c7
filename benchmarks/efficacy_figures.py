"""The records of ``efficacy.py``'s runs and what is measured from them: achieved retention, a day's load over
its week's, and the table with its targets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from efficacy_learner import Reference

NEW_PER_DAY, REVIEWS_PER_DAY = 20, 200
FIRST_ORDINARY_DAY = 31
BALANCED_RATIO, OPTIMIZE_RATIO, RETENTION_POINTS = 1.3, 1.5, 0.01


@dataclass(frozen=True)
class Plan:
    retention: float
    seed: int
    cards: int
    days: int
    optimize_day: int | None  # the day at whose start Optimize is pressed
    load_balance: bool = True


@dataclass
class Run:
    plan: Plan
    due: list[int] = field(default_factory=list)  # review cards due by the day's end, as the day starts
    reviews: list[int] = field(default_factory=list)  # answers to review cards, day by day
    answers: list[int] = field(default_factory=list)  # every answer, day by day
    recalled: list[int] = field(default_factory=list)  # review answers recalled, day by day
    backlog: list[int] = field(default_factory=list)  # review cards due and left over at the day's end
    memorized: float = 0.0
    balancer: str = "n/a"  # on, off, or n/a (this version has no load_balance option)
    optimize: str = ""  # what Optimize said
    seconds: float = 0.0


# -- figures -------------------------------------------------------------------------------------------


def week_ratio(counts: list[int], day: int) -> float:
    """A day's count over the mean of the 7 days centred on it (``day`` counted from 1; clipped at the ends)."""
    low, high = max(0, day - 4), min(len(counts), day + 3)
    week = counts[low:high]
    mean = sum(week) / len(week)
    return counts[day - 1] / mean if mean else 0.0


def busiest(counts: list[int], days: list[int]) -> tuple[float, int]:
    """The highest week ratio among ``days`` and the day it falls on."""
    ratios = [(week_ratio(counts, day), day) for day in days if 1 <= day <= len(counts)]
    return max(ratios) if ratios else (float("nan"), 0)


def ordinary_days(plan: Plan) -> list[int]:
    first = min(FIRST_ORDINARY_DAY, max(1, plan.days // 4))
    skip = set()
    if plan.optimize_day is not None:
        skip = set(range(plan.optimize_day - 3, plan.optimize_day + 17))
    return [day for day in range(first, plan.days + 1) if day not in skip]


def optimize_days(plan: Plan) -> list[int]:
    return [] if plan.optimize_day is None else list(range(plan.optimize_day, plan.optimize_day + 14))


def retention(run: Run, from_day: int = 1) -> float:
    reviews = sum(run.reviews[from_day - 1 :])
    return sum(run.recalled[from_day - 1 :]) / reviews if reviews else float("nan")


# -- the table ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """The runs of one setting (one per seed) and fsrs-rs's figures for it."""

    retention: float
    load_balance: bool
    runs: list[Run]
    references: list[Reference]

    def mean(self, values: list[float]) -> float:
        return statistics.fmean(values) if values else float("nan")

    def achieved(self, from_day: int) -> tuple[float, float]:
        return self.mean([retention(r) for r in self.runs]), self.mean([retention(r, from_day) for r in self.runs])

    def ordinary(self) -> list[tuple[float, int]]:
        return [busiest(r.due, ordinary_days(r.plan)) for r in self.runs]

    def after_optimize(self) -> list[tuple[float, int]]:
        return [busiest(r.due, optimize_days(r.plan)) for r in self.runs]


def _met(value: bool | None) -> str:
    return "—" if value is None else ("met" if value else "not met")


def _ratio_cell(found: list[tuple[float, int]]) -> str:
    """The mean over the seeds and the worst, with its day."""
    if not found:
        return "—"
    worst = max(found)
    return f"{statistics.fmean(r for r, _ in found):.2f} (worst {worst[0]:.2f}, day {worst[1]})"


def table(rows: list[Row], year_from: int) -> list[str]:
    header = [
        "desired", "balancer", "achieved, year", f"achieved, day {year_from}+", "±1 point",
        "reviews a day (fsrs-rs)", "answers a day", "busiest ordinary day / its week", "< 1.3",
        "busiest day after Optimize / its week", "<= 1.5", "days at the 200 cap; largest backlog",
        "memorized at the end (fsrs-rs)", "fsrs-rs retention",
    ]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        if not row.runs:
            lines.append(f"| {row.retention:.2f} | off | n/a: this version has no load balancer option |"
                         + " |" * (len(header) - 3))  # fmt: skip
            continue
        year, late = row.achieved(year_from)
        ordinary, optimized = row.ordinary(), row.after_optimize()
        balancer = row.runs[0].balancer
        # an ordinary year's busiest day: judged on the mean over the seeds, as the retention is (the worst seed
        # is shown beside it); "no day after Optimize over 1.5": judged on the worst seed's worst day
        ordinary_met = None if balancer == "off" else statistics.fmean(r for r, _ in ordinary) < BALANCED_RATIO
        optimize_met = max(optimized)[0] <= OPTIMIZE_RATIO if optimized else None
        capped = row.mean([sum(1 for n in r.reviews if n >= REVIEWS_PER_DAY) for r in row.runs])
        backlog = max(max(r.backlog) for r in row.runs)
        reference = row.references
        cells = [
            f"{row.retention:.2f}", balancer, f"{year:.3f}", f"{late:.3f}",
            _met(abs(late - row.retention) <= RETENTION_POINTS + 1e-9),
            f"{row.mean([row.mean(r.reviews) for r in row.runs]):.1f} "
            f"({row.mean([x.reviews_per_day for x in reference]):.1f})",
            f"{row.mean([row.mean(r.answers) for r in row.runs]):.1f}",
            _ratio_cell(ordinary), _met(ordinary_met), _ratio_cell(optimized), _met(optimize_met),
            f"{capped:.1f}; {backlog}",
            f"{row.mean([r.memorized for r in row.runs]):.0f} ({row.mean([x.memorized for x in reference]):.0f})",
            f"{row.mean([x.retention for x in reference]):.3f}",
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return lines
