"""Sync with an Anki sync server: the one entry point the command line and the window call.

``log_in`` exchanges a password for the server's host key (the password is not kept); ``sync`` runs the
collection sync (one transaction: a failure leaves the collection as it was) and then the media sync.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from studyapp.core.wording import plural
from studyapp.services.sync.client import SyncClient
from studyapp.services.sync.collection_sync import MOD, SCM, CollectionSyncResult, sync_collection
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.exchange_out import Outgoing
from studyapp.storage.codec import from_ms
from studyapp.storage.collection import Collection
from studyapp.storage.sync.mirror_store import MirrorStore

__all__ = [
    "SyncAccount",
    "SyncConflict",
    "SyncError",
    "SyncStatus",
    "SyncSummary",
    "conflicts",
    "log_in",
    "sync",
    "sync_status",
]

MODES = ("normal", "full_download", "full_upload")
_ENDPOINT, _USER, _LAST = "sync.endpoint", "sync.user", "sync.last_sync"


@dataclass(frozen=True)
class SyncAccount:
    endpoint: str  # "https://host/" or "http://127.0.0.1:8080/"
    user: str
    host_key: str


@dataclass(frozen=True)
class SyncSummary:
    kind: str  # "no_changes", "normal", "first", "merge", "full_upload", "full_download"
    notes_up: int = 0
    notes_down: int = 0
    cards_up: int = 0
    cards_down: int = 0
    reviews_up: int = 0
    reviews_down: int = 0
    deletions_up: int = 0
    deletions_down: int = 0
    media_up: int = 0
    media_down: int = 0
    conflicts: int = 0
    server_message: str = ""
    notes: tuple[str, ...] = ()  # what was skipped or refused, one line each

    def describe(self) -> str:
        if self.kind == "no_changes" and not (self.media_up or self.media_down):
            return "Synced: no changes on either side."
        up = _parts(self.notes_up, self.cards_up, self.reviews_up, self.deletions_up, self.media_up)
        down = _parts(self.notes_down, self.cards_down, self.reviews_down, self.deletions_down, self.media_down)
        text = f"Synced: sent {up or 'nothing'}; received {down or 'nothing'}"
        if self.conflicts:
            text += f"; {plural(self.conflicts, 'note')} edited on both sides (Tools → Sync conflicts)"
        return text + "."


def _parts(notes: int, cards: int, reviews: int, deletions: int, media: int) -> str:
    parts = [
        plural(n, word)
        for n, word in (
            (notes, "note"),
            (cards, "card"),
            (reviews, "review"),
            (deletions, "deletion"),
            (media, "media file"),
        )
        if n
    ]
    return ", ".join(parts)


@dataclass(frozen=True)
class SyncStatus:
    endpoint: str | None
    user: str | None
    last_sync: datetime | None
    changed_since: bool


@dataclass(frozen=True)
class SyncConflict:
    id: int
    note_id: int
    happened_at: datetime
    kept_side: str  # "here" or "server": whose version the note now has
    lost_fields: tuple[str, ...]
    lost_tags: str
    lost_modified_at: datetime


def log_in(endpoint: str, user: str, password: str, *, timeout: float = 30.0) -> SyncAccount:
    client = SyncClient(endpoint, timeout=timeout)
    try:
        key = client.host_key(user, password)
    finally:
        client.close()
    return SyncAccount(client.endpoint, user, key)


def sync(
    collection: Collection,
    media_folder: Path | None,
    account: SyncAccount,
    *,
    now: Callable[[], datetime],
    mode: str = "normal",
    progress: Callable[[str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    rng: random.Random | None = None,
    zone: tzinfo = timezone.utc,
) -> SyncSummary:
    """Sync the collection, then its media folder (if given). Raises ``SyncError`` with one line."""
    if mode not in MODES:
        raise ValueError(mode)
    client = SyncClient(account.endpoint, account.host_key, cancelled=cancelled)
    previous = collection.setting(_ENDPOINT), collection.setting(_USER)
    if previous != (account.endpoint, account.user) and previous != (None, None):
        # another server or account: what the mirror says the server holds is not what this one holds, and no
        # media file is known to it yet
        from studyapp.storage.sync.media_store import MediaSyncStore

        with collection.transaction():
            MirrorStore(collection.db).clear()
            MediaSyncStore(collection.db).reset()
            collection.set_setting(SCM, None)
            collection.set_setting(MOD, None)
    try:
        result: CollectionSyncResult = sync_collection(
            collection, client, now=now, mode=mode, progress=progress, cancelled=cancelled, rng=rng, zone=zone
        )
        collection.set_setting(_ENDPOINT, account.endpoint)
        collection.set_setting(_USER, account.user)
        collection.set_setting(_LAST, int(now().timestamp() * 1000))
        media_up = media_down = 0
        notes = list(result.tally.skipped)
        if media_folder is not None:
            from studyapp.services.sync.media_sync import sync_media

            if progress:
                progress("Syncing media")
            media = sync_media(client, collection, media_folder, progress=progress, cancelled=cancelled)
            media_up, media_down = media.uploaded + media.deleted_there, media.downloaded + media.deleted_here
            notes += media.lines()[1:]  # skipped files, refused names, conflicts, a reset
    finally:
        client.close()
    tally = result.tally
    kind = mode if mode != "normal" else result.kind
    return SyncSummary(
        kind,
        tally.notes_up,
        tally.notes_down,
        tally.cards_up,
        tally.cards_down,
        tally.reviews_up,
        tally.reviews_down,
        tally.deletions_up,
        tally.deletions_down,
        media_up,
        media_down,
        tally.conflicts,
        result.server_message,
        tuple(notes),
    )


def sync_status(collection: Collection) -> SyncStatus:
    last = collection.setting(_LAST)
    changed = (
        collection.setting(SCM) is None
        or Outgoing(collection, MirrorStore(collection.db), random.Random(0)).anything_changed()
    )
    return SyncStatus(
        collection.setting(_ENDPOINT), collection.setting(_USER), from_ms(last) if last else None, changed
    )


def conflicts(collection: Collection) -> list[SyncConflict]:
    import json

    found = []
    for row_id, note_id, at, kept, fields, tags, modified, _seen in MirrorStore(collection.db).conflicts():
        found.append(
            SyncConflict(
                row_id,
                note_id,
                from_ms(at) or datetime.min,
                kept,
                tuple(json.loads(fields)),
                tags,
                from_ms(modified) or datetime.min,
            )
        )
    return found
