"""One sync of the collection with an Anki sync server (protocol version 11), in one transaction.

The exchange, as the server expects it: ``start`` (the server's deletions) -> ``applyGraves`` (ours, in chunks of
250) -> ``applyChanges`` (note types, decks, deck options, tags, each way) -> ``chunk`` until done (the server's
review-log rows, cards and notes) -> ``applyChunk`` (ours) -> ``sanityCheck2`` (both sides count the same) ->
``finish``; ``abort`` on any failure, and the collection here is rolled back to how it was.

What changed here is found, not tracked: every object here is compared with the mirror of what the server held
when last exchanged (``storage/sync/mirror_store``). A first sync, or one after the server's schema changed (what
Anki calls a full sync), is a merge: the mirror is emptied and the exchange starts from the server's first usn, so
the server sends everything it holds and we send everything it lacks, notes matched by guid and review-log rows by
their time; nothing of either side is thrown away.

The review log is the source of truth on both sides: the rows are the union, and a card that received rows is
replayed (answers and schedule changes in time order, through the card's deck's scheduler) and sent back with a
newer modification time, so every device ends with the same schedule.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from typing import Any

from studyapp.services.decks.decks import rollover_hour
from studyapp.services.gc_pause import cyclic_gc_paused
from studyapp.services.sync.anki_form import DayNumbers, forget_digests
from studyapp.services.sync.chunks_in import ChunksIn
from studyapp.services.sync.client import SyncClient
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.exchange_in import Incoming
from studyapp.services.sync.exchange_out import Outgoing
from studyapp.services.sync.sending import ChunkReceiver, ChunkSender
from studyapp.storage.collection import Collection
from studyapp.storage.sync.mirror_store import MirrorStore

CHUNK = 250
SANITY = -1  # SyncError.status of a failed sanity check (no HTTP status: the server answered, and disagreed)
CLOCK_LIMIT_S = 300

# collection settings holding the sync state
SCM, USN, MOD, CRT = "sync.scm", "sync.usn", "sync.mod", "sync.crt"


@dataclass
class Tally:
    notes_up: int = 0
    notes_down: int = 0
    cards_up: int = 0
    cards_down: int = 0
    reviews_up: int = 0
    reviews_down: int = 0
    deletions_up: int = 0
    deletions_down: int = 0
    conflicts: int = 0
    replayed: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CollectionSyncResult:
    kind: str  # "no_changes", "normal", "first", "merge"
    tally: Tally
    server_message: str


def sync_collection(
    collection: Collection,
    client: SyncClient,
    *,
    now: Callable[[], datetime],
    mode: str = "normal",
    progress: Callable[[str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    rng: random.Random | None = None,
    zone: tzinfo = timezone.utc,
) -> CollectionSyncResult:
    """Sync ``collection`` with the server behind ``client``.

    ``mode``: "normal" (a merge when this is the first sync or the server's schema changed), "full_download" (a
    merge in which the server's version wins every difference), "full_upload" (what the server holds and this side
    lacks is taken first, nothing of this side's own sent; then the whole collection goes up and replaces the
    server's, which the other devices then download: what a note type whose fields changed here needs). None of
    them loses a review or a note of either side. ``zone`` is the clock's: a whole collection sent up counts its
    due days in the collection's study days there, as the phones that download it do.
    """
    try:
        with cyclic_gc_paused():  # a whole collection is ~500,000 rows, lists and tuples, none in a cycle
            return _sync(collection, client, now, mode, progress, cancelled, rng, zone)
    finally:
        forget_digests()


def _sync(
    collection: Collection,
    client: SyncClient,
    now: Callable[[], datetime],
    mode: str,
    progress: Callable[[str], None] | None,
    cancelled: Callable[[], bool] | None,
    rng: random.Random | None,
    zone: tzinfo,
) -> CollectionSyncResult:
    run = _Run(
        collection, client, MirrorStore(collection.db), Tally(), now,
        progress or (lambda text: None), cancelled or (lambda: False),
        rng or random.Random(random.SystemRandom().getrandbits(128)),  # ids: random 63-bit, drawn fast
        {"full_download": "server", "full_upload": "here"}.get(mode), zone,
    )  # fmt: skip
    meta = client.meta()
    if not meta.get("cont", True):
        raise SyncError(f"{client.server_name}: {meta.get('msg') or 'the server refused the sync'}", "server")
    scm = collection.setting(SCM)
    merge = mode != "normal" or scm is None or scm != meta.get("scm")
    if not merge and meta.get("mod") == collection.setting(MOD) and not run.outgoing.anything_changed():
        return CollectionSyncResult("no_changes", run.tally, str(meta.get("msg") or ""))
    kind = ("first" if collection.setting(MOD) is None else "merge") if merge else "normal"
    if mode == "full_upload":
        meta = run.full_upload(meta)
    with run.aborting():
        if merge:
            # the merge first takes what the server holds, sending nothing of this side's own (its note types and
            # decks are then matched to ours by name; only its cards that replay here to another schedule go back);
            # a second exchange, if this side has anything of its own, sends what the server lacks
            run.exchange(meta, merge=True, take_only=True, stage="Matching with the server: ")
            meta = client.meta()
        if not merge or run.outgoing.anything_changed():
            run.exchange(meta, merge=False)
    return CollectionSyncResult(kind, run.tally, str(meta.get("msg") or ""))


class _Run:
    """One sync's parts, shared by its exchanges with the server."""

    def __init__(
        self,
        collection: Collection,
        client: SyncClient,
        mirror: MirrorStore,
        tally: Tally,
        now: Callable[[], datetime],
        say: Callable[[str], None],
        stop: Callable[[], bool],
        draw: random.Random,
        prefer: str | None,
        zone: tzinfo,
    ) -> None:
        self.collection, self.client, self.mirror, self.tally = collection, client, mirror, tally
        self.now, self.say, self.stop, self.draw, self.prefer = now, say, stop, draw, prefer
        self.outgoing = Outgoing(collection, mirror, draw)
        self.zone = zone

    @contextmanager
    def aborting(self) -> Iterator[None]:
        """One transaction here; on any failure it is rolled back and the server's sync is aborted. A failed
        sanity check also makes the next sync a merge (what the mirror says the server holds is wrong)."""
        try:
            with self.collection.transaction():
                yield
        except SyncError as error:
            self.client.abort()
            if error.status == SANITY:
                self.collection.set_setting(SCM, None)
            raise
        except BaseException:
            self.client.abort()
            raise

    def full_upload(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Take what the server holds (sending nothing), then send the whole collection; the server's meta after."""
        if not meta.get("empty"):
            with self.aborting():
                self.exchange(meta, merge=True, take_only=True)
        self.check()
        self.say("Sending the whole collection")
        self.client.upload(_collection_file(self.collection, self.now(), self.zone))
        self.tally.notes_up = self.collection.notes.count()
        with self.collection.transaction():
            self.collection.set_setting(SCM, None)
        return self.client.meta()

    def check(self) -> None:
        if self.stop():
            raise SyncError("sync cancelled; nothing was changed here", "cancelled")

    def exchange(self, meta: dict[str, Any], *, merge: bool, take_only: bool = False, stage: str = "") -> None:
        """One exchange with the server, from ``start`` to ``finish`` (``take_only``: nothing is sent; a merge
        starts from the server's first usn, with the mirror emptied)."""
        collection, client, mirror, outgoing, tally = (
            self.collection,
            self.client,
            self.mirror,
            self.outgoing,
            self.tally,
        )

        def say(text: str) -> None:
            self.say(f"{stage}{text[0].lower()}{text[1:]}" if stage else text)

        if merge:
            mirror.clear()
        started = self.now()
        server_usn = int(meta.get("usn", 0))
        outgoing.merge, outgoing.send, outgoing.resend = merge, not take_only, set()
        try:
            say("Starting")
            graves = client.start(0 if merge else int(collection.setting(USN, 0)), False)
            incoming = Incoming(
                collection, mirror, self.draw, tally, prefer=self.prefer, merge=merge, now=lambda: started
            )
            incoming.apply_graves(graves, server_usn)
            for chunk in outgoing.graves():
                tally.deletions_up += sum(len(ids) for ids in chunk.values())
                client.apply_graves(chunk)
                self.check()
            say("Sending note types, decks and tags")
            local = outgoing.unchunked(server_usn, int(started.timestamp()))
            remote = client.apply_changes(local)
            crt = remote.get("crt") or collection.setting(CRT)
            if crt is None:
                raise SyncError(f"{client.server_name}: the server did not say when its collection began", "protocol")
            days = DayNumbers(int(crt), started, self.zone, rollover_hour(collection))
            incoming.apply_changes(remote, local)
            self.check()
            say("Receiving")
            chunks: list[dict[str, Any]] = []
            received = 0
            log = incoming.receiving()
            with ChunkReceiver(client) as receiver:  # the next chunk is asked for while this one is read
                for chunk in receiver:
                    revlog = chunk.pop("revlog", None) or ()
                    log.take(revlog)  # (grouped by card while the server makes the next chunk)
                    chunks.append(chunk)
                    received += len(revlog) + sum(len(chunk.get(key) or ()) for key in ("cards", "notes"))
                    self.check()
                    if not chunk.get("done"):
                        say(f"Receiving ({received:,})")
            touched = ChunksIn(incoming).apply(chunks, days, log, say, self.check)
            say("Sending")
            outgoing.replayed(touched)
            with ChunkSender(client) as sender:  # each chunk goes while the next ones are found
                for chunk in outgoing.chunks(server_usn, days, int(started.timestamp()), tally, self.prefer):
                    sender.send(chunk)
                    self.check()
        finally:
            outgoing.send = True
        say("Checking")
        self._sanity_check()
        new_mod = client.finish()
        collection.set_setting(SCM, meta.get("scm"))
        collection.set_setting(USN, server_usn + 1)
        collection.set_setting(MOD, new_mod)
        collection.set_setting(CRT, int(crt))

    def _sanity_check(self) -> None:
        counts = self.mirror.counts()
        reply = self.client.sanity_check(
            [
                [0, 0, 0],
                counts["cards"],
                counts["notes"],
                counts["revlog"],
                0,
                counts["notetypes"],
                counts["decks"],
                counts["deck_config"],
            ]  # fmt: skip
        )
        if reply.get("status") != "ok":
            raise SyncError(
                f"{self.client.server_name}: the server counts differently after the sync (here {reply.get('c')}, "
                f"there {reply.get('s')}); nothing was changed here, and the next sync compares everything again",
                "server",
                status=SANITY,
            )


def _collection_file(collection: Collection, at: datetime, zone: tzinfo) -> bytes:
    """The whole collection (notes, cards, history, note types, decks) as an Anki collection file."""
    import tempfile
    import zipfile
    from pathlib import Path

    from studyapp.core.ids import to_anki_guid
    from studyapp.exporters.apkg import prepare_for_upload
    from studyapp.services.exporting.exporting import export_collection

    with tempfile.TemporaryDirectory(prefix="studyapp-upload-") as folder:
        package = Path(folder) / "upload.colpkg"
        export_collection(collection, package, at, with_history=True, zone=zone)
        with zipfile.ZipFile(package) as archive:
            archive.extract("collection.anki2", folder)
        # the server's review-log rows this side keeps only in its mirror (answers that left the schedule alone,
        # rows of cards deleted on a device) go up too: a full upload loses no row of either side
        kept = [(*row[:9], to_anki_guid(row[9]) if row[9] is not None else None, row[10])
                for row in MirrorStore(collection.db).mirror_only_revlog()]  # fmt: skip
        prepare_for_upload(Path(folder) / "collection.anki2", kept)
        return (Path(folder) / "collection.anki2").read_bytes()
