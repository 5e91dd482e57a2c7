"""Creating, renaming and deleting decks (with undo), and option presets.

Decks nest by name, as in Anki: ``Parent::Child``. A parent need not exist as a deck of its own; the
tree still shows it, with the sums of its children. Renaming a parent renames its subdecks too, and
deleting a deck deletes its subdecks, their notes and cards in one transaction, keeping every row so
that the deletion can be undone exactly. The review log is history: it stays.

The deck tree with its summed counts is in :mod:`studyapp.services.decks.tree`; saving options that
reschedule cards is in :mod:`studyapp.services.fsrs.options_save`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studyapp.core.clock import Clock
from studyapp.core.deck_names import SEPARATOR, DeckNameError, clean_name, deck_name_problem, levels, quoted
from studyapp.core.ids import new_id
from studyapp.core.scheduling.deck_options import Deck, DeckOptions, Preset
from studyapp.storage import Collection
from studyapp.storage.decks.deck_ops_store import DeckOpsStore, DeckRows


def _check_free(collection: Collection, names: list[str], ignore: set[int]) -> None:
    taken = {name.casefold(): name for deck_id, name in DeckOpsStore(collection.db).names() if deck_id not in ignore}
    for name in names:
        if name.casefold() in taken:
            raise DeckNameError(f"There is already a deck called “{taken[name.casefold()]}”.")


def create_deck(collection: Collection, rng: random.Random, clock: Clock, name: str) -> Deck:
    name = clean_name(name)
    with collection.transaction():
        _check_free(collection, [name], set())
        return collection.decks.create(new_id(rng), name, "", clock.now())


def rename_deck(collection: Collection, old_name: str, new_name: str) -> str:
    """Rename ``old_name`` and its subdecks (``old::X`` -> ``new::X``); the cleaned new name.

    ``old_name`` may be a parent that exists only through its children. A rename that makes names longer or
    deeper is refused if a subdeck's new name would break a limit of ``core.deck_names`` (a deck tree made
    by an older version, already over them, can still be renamed to something no deeper).
    """
    new_name = clean_name(new_name)
    store = DeckOpsStore(collection.db)
    if new_name == old_name:
        return new_name
    if new_name.startswith(old_name + SEPARATOR):
        raise DeckNameError("A deck cannot be moved inside itself.")
    with collection.transaction():
        ids = store.subtree_ids(old_name)
        if not ids:
            raise DeckNameError(f"There is no deck called {quoted(old_name)}.")
        chosen = set(ids)
        renamed = [new_name + name[len(old_name) :] for deck_id, name in store.names() if deck_id in chosen]
        if levels(new_name) > levels(old_name) or len(new_name) > len(old_name):
            _check_limits(renamed)
        _check_free(collection, [new_name, *renamed], chosen)  # a parent named only by its subdecks too
        store.rename_subtree(old_name, new_name)
    return new_name


def _check_limits(names: list[str]) -> None:
    for name in sorted(names, key=lambda n: (-levels(n), -len(n))):  # the deepest first: its message says most
        problem = deck_name_problem(name)
        if problem is not None:
            raise DeckNameError(f"The rename would break a limit for a subdeck: {problem}.")


def existing_name(collection: Collection, name: str) -> str | None:
    """The full name of a deck or of a parent named only by its subdecks: ``name`` itself, or else the one
    name equal to it ignoring case (``None`` for no such name, or several). For the command line."""
    store = DeckOpsStore(collection.db)
    if store.subtree_ids(name):
        return name
    wanted, depth = name.casefold(), levels(name)
    prefixes = (_first_levels(full, depth) for _, full in store.names())
    found = {prefix for prefix in prefixes if prefix is not None and prefix.casefold() == wanted}
    return found.pop() if len(found) == 1 else None


def _first_levels(name: str, count: int) -> str | None:
    """The first ``count`` levels of ``name`` (``A::B`` of ``A::B::C`` for 2); ``None`` if it has fewer."""
    end = -len(SEPARATOR)
    for _ in range(count):
        if end >= len(name):
            return None
        end = name.find(SEPARATOR, end + len(SEPARATOR))
        if end < 0:
            end = len(name)
    return name[:end]


@dataclass(frozen=True)
class DeletedDecks:
    """What a deletion removed, to undo it; ``name`` is the deck the student deleted."""

    name: str
    rows: DeckRows

    @property
    def card_count(self) -> int:
        return len(self.rows.cards)

    @property
    def note_count(self) -> int:
        return len(self.rows.notes)


def subdeck_count(collection: Collection, name: str) -> int:
    """How many decks are below ``name`` (``name::X``, ``name::X::Y``...)."""
    return len(DeckOpsStore(collection.db).subtree_ids(name)) - (collection.decks.by_name(name) is not None)


def deletion_size(collection: Collection, name: str) -> tuple[int, int]:
    """(decks, cards) that deleting ``name`` would remove: for the question asked first."""
    store = DeckOpsStore(collection.db)
    rows = store.snapshot(store.subtree_ids(name))
    return len(rows.decks), len(rows.cards)


def delete_deck(collection: Collection, name: str) -> DeletedDecks:
    """Delete the deck ``name``, its subdecks, their notes and cards, in one transaction.
    ``DeckNameError`` if there is no such deck (nor subdeck of that name)."""
    store = DeckOpsStore(collection.db)
    with collection.transaction():
        ids = store.subtree_ids(name)
        if not ids:
            raise DeckNameError(f"There is no deck called {quoted(name)}.")
        rows = store.snapshot(ids)
        store.delete(rows)
    return DeletedDecks(name, rows)


def undo_delete(collection: Collection, deleted: DeletedDecks) -> None:
    """Put back exactly what ``delete_deck`` removed, in one transaction."""
    with collection.transaction():
        DeckOpsStore(collection.db).restore(deleted.rows)


# -- option presets ---------------------------------------------------------------------------------

DEFAULT_PRESET = "Default"


class PresetError(ValueError):
    """A preset change that cannot be made; the message is one line for the user."""


def _preset_name(collection: Collection, name: str, ignore: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise PresetError("The preset name is empty.")
    if any(p.name.casefold() == name.casefold() and p.id != ignore for p in collection.presets.all()):
        raise PresetError(f"There is already a preset called “{name}”.")
    return name


def save_deck_options(collection: Collection, deck_id: int, preset_id: int, options: DeckOptions) -> None:
    """The deck uses ``preset_id``, which now holds ``options`` (shared by every deck on that preset)."""
    preset = collection.presets.get(preset_id)
    if preset is None:
        raise PresetError("That preset no longer exists.")
    with collection.transaction():
        collection.presets.update(preset_id, preset.name, options)
        collection.presets.assign(deck_id, preset_id)


def create_preset(collection: Collection, rng: random.Random, clock: Clock, name: str, options: DeckOptions) -> Preset:
    name = _preset_name(collection, name)
    with collection.transaction():
        return collection.presets.create(new_id(rng), name, options, clock.now())


def rename_preset(collection: Collection, preset_id: int, name: str) -> None:
    preset = collection.presets.get(preset_id)
    if preset is None:
        raise PresetError("That preset no longer exists.")
    collection.presets.update(preset_id, _preset_name(collection, name, ignore=preset_id), preset.options)


def delete_preset(collection: Collection, preset_id: int) -> Preset:
    """Delete a preset (never the last one); its decks move to Default (or the first other preset)."""
    presets = collection.presets.all()
    others = [p for p in presets if p.id != preset_id]
    if not others:
        raise PresetError("The last preset cannot be deleted.")
    if len(others) == len(presets):
        raise PresetError("That preset no longer exists.")
    target = next((p for p in others if p.name == DEFAULT_PRESET), others[0])
    with collection.transaction():
        for deck in collection.decks.all():
            if deck.preset_id == preset_id:
                collection.presets.assign(deck.id, target.id)
        collection.presets.delete(preset_id)
    return target
