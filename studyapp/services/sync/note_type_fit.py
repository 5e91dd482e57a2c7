"""Which side's version of a note fits its cards, when the note's type differs on the two sides.

A note's cards follow its type: Basic has one card, Basic (and reversed card) two. When the phone made a note
reversed (its second card came along) and the note's text was edited here later, "the later edit wins" would keep
the note Basic with a card that has no template, on both sides. So before the time decides, the versions' types are
held against every card the note has on either side: when only one type has a template for all of them, that side's
version is kept (``chunks_in``; the other side's text goes to the sync conflicts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studyapp.services.sync import anki_form as af
from studyapp.storage.collection import Collection


class TypeFit:
    def __init__(self, collection: Collection, server_cards: Sequence[Sequence[Any]]) -> None:
        self._collection = collection
        self._server_cards = server_cards  # the card entries of this sync's chunks
        self._server_ords: dict[int, set[int]] | None = None

    def server_fits(self, note_id: int, ours: int, anki_id: int, theirs: int) -> bool | None:
        """For the note ``note_id`` here of type ``ours`` (``anki_id`` and ``theirs`` on the server): True when only
        the server's type has a template for every card of the note, False when only ours does, None when both or
        neither do (the time decides)."""
        ords = self._collection.notes.card_ords([note_id]).get(note_id, set())
        ords |= self._ords_from_server().get(anki_id, set())
        fits = []
        for notetype_id in (ours, theirs):
            notetype = self._collection.notetypes.get(notetype_id)
            fits.append(notetype is not None and all(notetype.has_template(ord_) for ord_ in ords))
        ours_fits, theirs_fits = fits
        return None if ours_fits == theirs_fits else theirs_fits

    def _ords_from_server(self) -> dict[int, set[int]]:
        """The template numbers of the server's cards, by the server's note id (read once, and only for a note whose
        type differs on the two sides: the sync of a whole collection never needs them)."""
        if self._server_ords is None:
            self._server_ords = {}
            for entry in self._server_cards:
                self._server_ords.setdefault(int(entry[af.C_NID]), set()).add(int(entry[af.C_ORD]))
        return self._server_ords
