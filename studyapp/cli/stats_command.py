"""``studyapp stats [--deck NAME] [--json]``: the Statistics window's figures, as text or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from studyapp.core.wording import answers_on_cards, plural
from studyapp.services.app import App
from studyapp.services.stats.stats import Share, Stats, compute_stats, deck_names

__all__ = ["StatsError", "register", "stats_from_args"]


class StatsError(Exception):
    """No such deck."""


def register(commands: Any) -> None:
    """Add ``stats`` to the command line's subparsers."""
    stats = commands.add_parser("stats", help="statistics: today, reviews per day, forecast, true retention, cards")
    stats.add_argument("--deck", metavar="NAME", help="one deck with its subdecks (default: all decks)")
    stats.add_argument("--json", action="store_true", help="print every figure as a JSON object")


def stats_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    name = None
    if args.deck is not None:
        deck = app.find_deck(args.deck)
        matches = [n for n in deck_names(app) if n.casefold() == args.deck.casefold()]
        name = deck.name if deck is not None else (matches[0] if len(matches) == 1 else None)
        if name is None:
            raise StatsError(f"no deck named '{args.deck}' (decks: {', '.join(deck_names(app))})")
    stats = compute_stats(app, name)
    if args.json:
        json.dump(stats.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(summary_text(stats))


def _share(share: Share) -> str:
    return "none yet" if share.value is None else f"{share.value:.1%} of {share.total:,}"


def _bins(bins: Any) -> str:
    if not any(b.count for b in bins):
        return "no studied cards yet"
    return "  ".join(f"{b.label}: {b.count:,}" for b in bins)


def _today(stats: Stats) -> str:
    today = stats.today
    if not today.answers:
        return "no answers yet today" if stats.ever_answered else "no answers yet: study a deck and they count here"
    minutes = today.seconds / 60
    return f"{answers_on_cards(today.answers, today.cards)} in {minutes:.1f} min, Again {_share(today.again)}"


def _answers(stats: Stats) -> str:
    week = sum(d.reviews for d in stats.days[-7:])
    year = sum(d.reviews for d in stats.days)
    if not year:
        return "none in the past year"
    active = sum(1 for d in stats.days if d.reviews)
    return f"{week:,} in the last 7 days, {year:,} in the past year ({plural(active, 'day')} studied)"


def _due(forecast: tuple[int, ...]) -> str:
    if not sum(forecast):
        return f"nothing in the next {len(forecast)} days"
    return (
        f"{plural(forecast[0], 'card')} today (with overdue), {sum(forecast[:7]):,} within 7 days, "
        f"{sum(forecast):,} within {len(forecast)} days"
    )


def summary_text(stats: Stats) -> str:
    """A readable summary of the figures (the JSON has all of them)."""
    states = stats.states
    cards = (
        f"{states.new:,} new, {states.learning:,} learning, {states.review:,} review, {states.suspended:,} suspended"
        if states.new + states.learning + states.review + states.suspended
        else "none here yet"
    )
    streak = stats.today.streak_days
    lines = [
        f"{stats.scope}, study day {stats.today_date.isoformat()}",
        "",
        f"Today:       {_today(stats)}",
        f"Streak:      {plural(streak, 'day') if streak else 'none yet'}",
        f"Answers:     {_answers(stats)}",
        f"Due:         {_due(stats.forecast)}",
        f"Retention:   young {_share(stats.young)}, mature {_share(stats.mature)} "
        f"(desired {stats.desired_retention:.0%})",
        f"Cards:       {cards}",
        "",
        f"Stability (days): {_bins(stats.stability)}",
        f"Difficulty:       {_bins(stats.difficulty)}",
        f"Retrievability:   {_bins(stats.retrievability)}",
    ]
    return "\n".join(lines) + "\n"
