"""Anki's per-deck audio options on import: which decks' sounds do not play when their side is shown.

Anki keeps them in a deck's options group: ``autoplay`` (off: "Don't play audio automatically", as studyapp's
deck option) and ``replayq`` (off: replaying the answer does not play the question's sounds again; studyapp's R
always does, as Anki's default, so that is reported). Only the decks the notes go to are looked at.
"""

from __future__ import annotations

from collections.abc import Iterable

from studyapp.importers.anki_collection import AnkiCollection


def quiet_decks(
    collection: AnkiCollection, names: dict[int, str], used: Iterable[str], file_name: str
) -> tuple[tuple[str, ...], list[str]]:
    """The names of the used decks whose sounds do not play on their own (``names``: the package's decks by id
    as they are imported), and one-line warnings for what studyapp does otherwise."""
    audio, unreadable = collection.deck_audio()
    wanted = set(used)
    quiet: list[str] = []
    replay_answer_only = 0
    for deck_id, (autoplay, replay_question) in audio.items():
        name = names.get(deck_id)
        if name is None or name not in wanted:
            continue
        if not autoplay:
            quiet.append(name)
        if not replay_question:
            replay_answer_only += 1
    warnings = []
    if replay_answer_only:
        warnings.append(
            f"{file_name}: {replay_answer_only} deck(s) replay only the answer's sounds in Anki (its 'Skip question "
            "when replaying answer'): in studyapp R on the answer replays the question's sounds too"
        )
    if unreadable:
        warnings.append(
            f"{file_name}: the options of {unreadable} deck(s) could not be read (damaged or left out of the "
            "package): their sounds play automatically"
        )
    return tuple(sorted(set(quiet))), warnings
