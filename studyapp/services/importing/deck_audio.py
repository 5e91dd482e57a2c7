"""A package's decks whose sounds do not play on their own (``ImportDraft.quiet_decks``) get studyapp's "Don't
play audio automatically": a deck the import makes is given a preset like its own with autoplay off (made once,
"<preset> (no autoplay)", and shared by every such deck); a deck already here keeps its options, and says so."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from studyapp.core.ids import new_id
from studyapp.core.scheduling.deck_options import Deck, Preset
from studyapp.core.wording import plural
from studyapp.storage import Collection


def _quiet_preset(collection: Collection, rng: random.Random, now: datetime, deck: Deck) -> Preset:
    options = replace(deck.options, autoplay_audio=False)
    current = collection.presets.get(deck.preset_id) if deck.preset_id is not None else None
    base = f"{current.name if current else 'Default'} (no autoplay)"
    presets = collection.presets.all()
    for preset in presets:
        if preset.options == options and (preset.name == base or preset.name.startswith(f"{base} ")):
            return preset
    taken = {preset.name for preset in presets}
    name, number = base, 2
    while name in taken:
        name, number = f"{base} {number}", number + 1
    return collection.presets.create(new_id(rng), name, options, now)


def quiet_audio(collection: Collection, rng: random.Random, now: datetime, deck_ids: dict[str, int],
                created: set[str], quiet: tuple[str, ...]) -> tuple[str, list[str]]:  # fmt: skip
    """Autoplay off for the ``quiet`` decks this import ``created`` (``deck_ids``: the import's decks by name).
    Returns the summary's line for them ('' if none) and a warning for quiet decks that were already here."""
    made: list[str] = []
    kept: list[str] = []
    for name in quiet:
        deck_id = deck_ids.get(name)
        deck = collection.decks.get(deck_id) if deck_id is not None else None
        if deck is None or not deck.options.autoplay_audio:
            continue  # no card goes there, or its sounds already wait for R
        if name not in created:
            kept.append(name)
            continue
        collection.presets.assign(deck.id, _quiet_preset(collection, rng, now, deck).id)
        made.append(name)
    line = ""
    if made:
        line = f"{plural(len(made), 'deck')} ({', '.join(made)}): audio not played automatically, as in Anki"
    warnings = []
    if kept:
        warnings.append(
            f"{plural(len(kept), 'deck')} already here ({', '.join(kept)}) "
            f"{'plays' if len(kept) == 1 else 'play'} audio automatically, although the package's options say not "
            f"to: {'its' if len(kept) == 1 else 'their'} options were kept (change them in the deck's options)"
        )
    return line, warnings
