"""A second device for the sync tests: a collection of the `anki` engine syncing through the same server.

This is how AnkiDroid and AnkiMobile behave: the same engine code paths (login, normal sync, full upload or
download, media sync) and the same protocol. The engine is a test dependency only; studyapp never imports it.

Times: ``answer(..., at=...)`` sets the answer's time (its review-log id, in ms); the engine computes the new
schedule from the real present (it reads the system clock), as a phone would. Everything else the engine does
(modification times, usns) is stamped with the real clock too.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer
from anki.sync import SyncAuth, SyncOutput

RATINGS = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
REQUIRED = {
    SyncOutput.NO_CHANGES: "no_changes",
    SyncOutput.NORMAL_SYNC: "normal_sync",
    SyncOutput.FULL_SYNC: "full_sync",
    SyncOutput.FULL_DOWNLOAD: "full_download",
    SyncOutput.FULL_UPLOAD: "full_upload",
}
MEDIA_SYNC_TIMEOUT = 30.0


class EngineDevice:
    """An `anki` Collection in its own folder, logged in to `endpoint` as `user`; FSRS on, v3 scheduler."""

    def __init__(self, folder: Path, endpoint: str, user: str, password: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / "collection.anki2"
        self.endpoint = endpoint
        self.col = Collection(str(self.path))
        self.col.set_config("fsrs", True)
        login = self.col.sync_login(user, password, endpoint)
        self.auth = SyncAuth(hkey=login.hkey, endpoint=endpoint, io_timeout_secs=30)
        self.last_output: SyncOutput | None = None

    @classmethod
    def for_server(cls, folder: Path, server) -> EngineDevice:  # noqa: ANN001 - tests/sync/conftest.SyncServer
        return cls(folder, server.endpoint, server.user, server.password)

    def close(self) -> None:
        if self.col.db is not None:
            self.col.close()

    # -- syncing ----------------------------------------------------------------------------------------------

    def sync(self) -> str:
        """A normal sync, as the phone's sync button does it. Returns what the engine found was required:
        "no_changes", "normal_sync" (done), or "full_sync" / "full_download" / "full_upload" (NOT done: call
        full_upload() or full_download(), as the phone would after asking its user)."""
        # the engine reports NO_CHANGES both for "nothing to do" and after a normal sync it has done; a normal
        # sync always moves the collection's usn on (to the server's next one)
        before = self.meta()
        self.last_output = self.col.sync_collection(self.auth, sync_media=False)
        required = REQUIRED[self.last_output.required]
        if required == "no_changes" and self.meta() != before:
            return "normal_sync"
        return required

    def full_upload(self) -> None:
        self._full(upload=True)

    def full_download(self) -> None:
        self._full(upload=False)

    def _full(self, *, upload: bool) -> None:
        self.col.close_for_full_sync()
        try:
            self.col.full_upload_or_download(auth=self.auth, server_usn=None, upload=upload)
        finally:
            self.col.reopen(after_full_sync=True)

    def sync_media(self) -> None:
        """Media sync, waited for (the engine runs it in the background); raises what it raised."""
        self.col.sync_media(self.auth)
        deadline = time.monotonic() + MEDIA_SYNC_TIMEOUT
        while self.col.media_sync_status().active:  # raises if the media sync failed
            if time.monotonic() > deadline:
                raise TimeoutError(f"the engine's media sync did not finish within {MEDIA_SYNC_TIMEOUT:.0f} s")
            time.sleep(0.05)

    # -- changes, as a student makes them on the phone ------------------------------------------------------------

    def add_note(self, front: str, back: str, *, tags: tuple[str, ...] = (), deck: str = "Default") -> int:
        """A Basic note; returns its id."""
        notetype = self.col.models.by_name("Basic")
        note = self.col.new_note(notetype)
        note["Front"] = front
        note["Back"] = back
        note.tags = list(tags)
        self.col.add_note(note, self.col.decks.id(deck))
        return note.id

    def card_ids(self, note_id: int) -> list[int]:
        return self.col.card_ids_of_note(note_id)

    def answer(self, card_id: int, rating: int, *, at: datetime | None = None, taken_ms: int = 3000) -> int:
        """Answer a card 1-4 (Again..Easy) through the v3 scheduler; `at` is the answer time (the review-log
        id); returns the review-log id."""
        card = self.col.get_card(card_id)
        card.start_timer()
        states = self.col._backend.get_scheduling_states(card_id)
        answer = self.col.sched.build_answer(card=card, states=states, rating=RATINGS[rating])
        if at is not None:
            answer.answered_at_millis = int(at.timestamp() * 1000)
        answer.milliseconds_taken = taken_ms
        self.col.sched.answer_card(answer)
        return answer.answered_at_millis

    def edit_field(self, note_id: int, field: str, value: str) -> None:
        note = self.col.get_note(note_id)
        note[field] = value
        self.col.update_note(note)

    def delete_note(self, note_id: int) -> None:
        self.col.remove_notes([note_id])

    def add_field(self, notetype_name: str, field: str) -> None:
        """Add a field to a note type: a schema change, so the next sync needs a full sync."""
        notetype = self.col.models.by_name(notetype_name)
        self.col.models.add_field(notetype, self.col.models.new_field(field))
        self.col.models.update_dict(notetype)

    def add_media(self, name: str, data: bytes) -> str:
        """Write a file into the media folder; returns the name the engine gave it (it may rename)."""
        return self.col.media.write_data(name, data)

    def media_path(self, name: str) -> Path:
        return Path(self.col.media.dir()) / name

    # -- what it holds, as plain tuples ------------------------------------------------------------------------------

    def notes(self) -> list[tuple]:
        """(id, guid, notetype id, mod, usn, tags, fields joined by \\x1f), by id."""
        return [
            tuple(row) for row in self.col.db.all("SELECT id, guid, mid, mod, usn, tags, flds FROM notes ORDER BY id")
        ]

    def cards(self) -> list[tuple]:
        """(id, note id, deck id, ord, mod, usn, type, queue, due, ivl, reps, lapses, data), by id."""
        return [
            tuple(row)
            for row in self.col.db.all(
                "SELECT id, nid, did, ord, mod, usn, type, queue, due, ivl, reps, lapses, data FROM cards ORDER BY id"
            )
        ]

    def revlog(self) -> list[tuple]:
        """(id, card id, usn, ease, ivl, lastIvl, factor, time, type), by id."""
        return [
            tuple(row)
            for row in self.col.db.all(
                "SELECT id, cid, usn, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id"
            )
        ]

    def meta(self) -> dict:
        """The collection's own mod, scm, usn (what its next sync compares with the server's)."""
        mod, scm, usn = self.col.db.first("SELECT mod, scm, usn FROM col")
        return {"mod": mod, "scm": scm, "usn": usn}
