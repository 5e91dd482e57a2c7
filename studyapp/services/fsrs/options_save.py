"""Saving a deck's options when that changes how its cards are scheduled: the studied cards of every deck
concerned are rescheduled from their history in the same transaction (Anki's "reschedule cards on change").

A save that changes nothing about scheduling is ``deck_ops.save_deck_options`` alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from studyapp.core.clock import Clock
from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.services.cancellation import Cancellation
from studyapp.services.decks.deck_ops import PresetError, save_deck_options
from studyapp.services.fsrs.reschedule import RescheduleResult, decks_using_preset, reschedule_decks
from studyapp.storage import Collection


def rescheduled_decks(collection: Collection, deck_id: int, preset_id: int, options: DeckOptions) -> list[int]:
    """The decks whose studied cards saving ``options`` into ``preset_id`` (for ``deck_id``) would reschedule:
    every deck of the preset if it changes how cards are scheduled (desired retention, steps, maximum interval,
    FSRS parameters), and the deck itself if its switch to another preset does. Empty: a quick save.
    ``PresetError`` if the deck or the preset no longer exists."""
    deck, preset = collection.decks.get(deck_id), collection.presets.get(preset_id)
    if deck is None or preset is None:
        raise PresetError("That deck or preset no longer exists.")
    config = options.scheduler_config()
    affected = set(decks_using_preset(collection, preset_id)) if preset.options.scheduler_config() != config else set()
    if deck.options.scheduler_config() != config:
        affected.add(deck_id)
    return sorted(affected)


def save_options_and_reschedule(
    collection: Collection,
    rng: random.Random,
    clock: Clock,
    deck_id: int,
    preset_id: int,
    options: DeckOptions,
    check: Callable[[], None] | None = None,
    before_commit: Callable[[], None] | None = None,
) -> RescheduleResult | None:
    """``save_deck_options``, and when that changes how cards are scheduled (``rescheduled_decks``), the studied
    cards of every deck it concerns are rescheduled from their history (logged as schedule changes), all in one
    transaction: each card's stored schedule stays the replay of its history with its deck's options.
    ``None`` when nothing needed rescheduling.

    ``check`` is called between cards and ``before_commit`` last (see ``services.cancellation``); an exception
    from either rolls everything back."""
    with collection.transaction():
        affected = rescheduled_decks(collection, deck_id, preset_id, options)
        save_deck_options(collection, deck_id, preset_id, options)
        result = reschedule_decks(collection, rng, clock, affected, check) if affected else None
        if before_commit is not None:
            before_commit()
    return result


def save_options_on_worker(
    path: Path,
    clock: Clock,
    seed: int,
    deck_id: int,
    preset_id: int,
    options: DeckOptions,
    cancellation: Cancellation,
) -> RescheduleResult | None:
    """``save_options_and_reschedule`` for a worker thread, through a connection of the worker's own (the
    window's belongs to the UI thread): rescheduling the cards of a big preset takes most of a minute.

    ``cancellation`` stops it between cards and before the commit (``Cancelled``: nothing written)."""
    collection = Collection.open(path)
    try:
        cancellation.check()
        with cancellation.committing():
            return save_options_and_reschedule(
                collection,
                random.Random(seed),
                clock,
                deck_id,
                preset_id,
                options,
                check=cancellation.check,
                before_commit=cancellation.last_check,
            )
    finally:
        collection.close()
