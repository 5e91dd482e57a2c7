"""Today's extra new cards and reviews (Custom study → "Increase today's limit"), as Anki extends its limits.

An extension is stored in the collection (the ``limit_extensions`` setting) for one study day: it holds for the
deck and its subdecks until the day rolls over, then it is simply ignored (and dropped by the next extension). It
works by counting that many fewer cards as studied today, so the daily limit has room for them, wherever the
limits are applied (deck list, deck tree, study session)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from studyapp.core.deck_names import SEPARATOR
from studyapp.storage import Collection
from studyapp.storage.decks.decks_store import DeckFigures

EXTENSIONS_SETTING = "limit_extensions"
MAX_EXTRA = 9999  # a day's extension of one limit, as the deck options' own maximum of new cards a day


@dataclasses.dataclass(frozen=True)
class Extension:
    new: int = 0
    review: int = 0


def _day_key(day_start: datetime) -> str:
    return day_start.isoformat()


def todays_extensions(collection: Collection, day_start: datetime) -> dict[int, Extension]:
    """Each deck's extension for the study day that starts at ``day_start`` (none from another day)."""
    stored = collection.setting(EXTENSIONS_SETTING)
    if not isinstance(stored, dict) or stored.get("day") != _day_key(day_start):
        return {}
    found = {}
    for deck_id, values in (stored.get("decks") or {}).items():
        try:
            new, review = (max(0, int(value)) for value in values)
            found[int(deck_id)] = Extension(new, review)
        except (TypeError, ValueError):  # a hand-edited setting: that deck has no extension
            continue
    return found


def extend_limits(collection: Collection, deck_id: int, day_start: datetime, new: int = 0, review: int = 0) -> int:
    """Add ``new`` new cards and ``review`` reviews to today's limits of the deck and of each of its subdecks
    (added to what was already extended today); returns how many decks were extended."""
    if new < 0 or review < 0:
        raise ValueError("an extension cannot take cards away")
    deck = collection.decks.get(deck_id)
    if deck is None:
        raise KeyError(f"no deck with id {deck_id}")
    prefix = deck.name + SEPARATOR
    ids = [deck.id] + [d.id for d in collection.decks.all() if d.name.startswith(prefix)]
    current = todays_extensions(collection, day_start)
    for each in ids:
        before = current.get(each, Extension())
        current[each] = Extension(min(MAX_EXTRA, before.new + new), min(MAX_EXTRA, before.review + review))
    collection.set_setting(
        EXTENSIONS_SETTING,
        {"day": _day_key(day_start), "decks": {str(k): [v.new, v.review] for k, v in sorted(current.items())}},
    )
    return len(ids)


def extended_figures(collection: Collection, day_start: datetime, figures: Iterable[DeckFigures]) -> list[DeckFigures]:
    """The decks' figures with today's extensions counted in (as that many fewer cards studied today)."""
    extensions = todays_extensions(collection, day_start)
    if not extensions:
        return list(figures)
    result = []
    for f in figures:
        extra = extensions.get(f.deck.id)
        if extra is not None:
            f = dataclasses.replace(
                f,
                new_studied_today=f.new_studied_today - extra.new,
                reviews_studied_today=f.reviews_studied_today - extra.review,
            )
        result.append(f)
    return result
