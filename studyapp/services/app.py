"""The services one running app needs, built once and handed to the GUI or the command line.

There is no global app object: windows and commands receive this and call what they need.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.core.clock import Clock
from studyapp.core.drafts import DuplicatePolicy, ImportOptions
from studyapp.core.model import DeckCounts, ReviewMode
from studyapp.core.scheduling.deck_options import Deck
from studyapp.importers import ImportFailure
from studyapp.services.clock import SystemClock
from studyapp.services.decks.bundled import sync_bundled_decks
from studyapp.services.decks.decks import deck_counts, find_deck, rollover_hour
from studyapp.services.exporting.exporting import ExportError, ExportResult, export_collection
from studyapp.services.media.media import STAGE_SETTING, clean_media_stages, media_dir_for
from studyapp.services.paths import bundled_decks_dir
from studyapp.services.review.quiz import remember_mode, remembered_mode
from studyapp.services.review.review import ReviewSession
from studyapp.services.review.rules_upgrade import upgrade_schedule_rules
from studyapp.storage import Collection, CollectionError, CollectionLock, CollectionLocked, StaleCardError, StorageError
from studyapp.storage.lock import collection_writable

if TYPE_CHECKING:  # importing is loaded when an import starts, not at every start
    from studyapp.services.importing.import_job import ImportJob
    from studyapp.services.importing.importing import ImportSummary

__all__ = [
    "App",
    "CollectionError",
    "CollectionLocked",
    "ExportError",
    "ImportFailure",
    "StaleCardError",
    "StorageError",
]


@dataclass
class App:
    collection: Collection
    clock: Clock
    rng: random.Random
    lock: CollectionLock | None = field(default=None, repr=False)  # one writer: held until close()
    upgrade_notice: str | None = None  # what the first open by this version changed, to tell the student

    @classmethod
    def open(
        cls,
        path: Path,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        decks_dir: Path | None = None,
        read_only: bool = False,
    ) -> App:
        """Open the collection at ``path`` (creating it) and load or refresh the bundled decks.

        The collection's lock is taken first: if another process (or another App here) has it open,
        ``CollectionLocked`` is raised before anything is read or written. ``read_only``: read the
        collection as it is (no migration, no bundled decks, no lock file written; a shared lock, so
        several readers may read, never beside a writer); any write then fails with a ``StorageError``.
        """
        lock = CollectionLock.acquire(path, shared=read_only)
        try:
            collection = Collection.open(lock.database_path, read_only=read_only)  # a symlink: its real path
        except BaseException:
            lock.release()
            raise
        app = cls(collection, clock or SystemClock(), rng or random.Random(), lock)
        if read_only:
            return app
        try:
            # An import cut short (killed, a power cut): finish its media if it committed, else delete its stage.
            clean_media_stages(media_dir_for(app.path), collection.setting(STAGE_SETTING))
            sync_bundled_decks(collection, decks_dir or bundled_decks_dir(), app.rng, app.clock)
            app.upgrade_notice = upgrade_schedule_rules(collection, app.clock, app.rng)  # once per collection
        except BaseException:
            app.close()
            raise
        return app

    @classmethod
    def open_to_read(cls, path: Path, clock: Clock | None = None, rng: random.Random | None = None) -> App:
        """Open for a command that only reads (decks, search, export, backup, stats): as ``open`` where the
        collection can be written (migrated, its bundled decks refreshed, one writer), else read-only."""
        return cls.open(path, clock, rng, read_only=not collection_writable(path))

    @classmethod
    @contextmanager
    def on_own_connection(cls, path: Path, clock: Clock, seed: int) -> Iterator[App]:
        """An App over a connection of its own to the collection an open App holds (no lock, no bundled decks),
        for a worker thread: the window's connection belongs to the UI thread. Closed when the block ends."""
        app = cls(Collection.open(path), clock, random.Random(seed))
        try:
            yield app
        finally:
            app.collection.close()

    def close(self) -> None:
        try:
            self.collection.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def decks(self) -> list[Deck]:
        """Every deck, by name."""
        return self.collection.decks.all()

    def setting(self, key: str, default: Any = None) -> Any:
        """A setting stored in the collection (so it moves with it); values are JSON."""
        return self.collection.setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self.collection.set_setting(key, value)

    def deck_counts(self) -> list[DeckCounts]:
        return deck_counts(self.collection, self.clock)

    def find_deck(self, name: str) -> Deck | None:
        """A deck by its exact name, or else by a case-insensitive match."""
        return find_deck(self.collection, name)

    @property
    def path(self) -> Path:
        assert self.collection.path is not None
        return self.collection.path

    @property
    def media_dir(self) -> Path:
        """Where the cards' images live."""
        return media_dir_for(self.path)

    def import_job(
        self,
        path: Path,
        options: ImportOptions | None = None,
        policy: DuplicatePolicy = DuplicatePolicy.UPDATE,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> ImportJob:
        """An import to run now or on a worker thread (it opens its own connection)."""
        from studyapp.services.importing.import_job import ImportJob, ImportRequest

        request = ImportRequest(Path(path), options or ImportOptions(), policy)
        return ImportJob(self.path, request, self.rng, self.clock, on_progress, rollover_hour(self.collection))

    def import_file(
        self,
        path: Path,
        deck_name: str | None = None,
        options: ImportOptions | None = None,
        policy: DuplicatePolicy = DuplicatePolicy.UPDATE,
    ) -> ImportSummary:
        """Import a file of any supported format, here and now. A bad file changes nothing."""
        options = options or ImportOptions()
        if deck_name is not None:
            options = replace(options, deck_name=deck_name)
        return self.import_job(path, options, policy).run()

    def export_deck(self, deck_name: str, path: Path) -> int:
        """Export a deck and its subdecks to ``path`` (.csv, .txt or .apkg); returns the number of notes."""
        return self.export(Path(path), deck_name).notes

    def export(self, path: Path, deck_name: str | None = None, with_history: bool = False) -> ExportResult:
        """Export a deck and its subdecks (``None``: the whole collection) to ``path`` (.csv, .txt, .apkg or
        .colpkg), with each card's schedule and review log if ``with_history`` (a .colpkg always has them)."""
        return export_collection(
            self.collection, Path(path), self.clock.now(), deck_name, with_history, self.media_dir,
            self.clock.local_zone(),
        )  # fmt: skip

    def review_session(self, deck_id: int, mode: ReviewMode | None = None) -> ReviewSession:
        """A study session over the deck, in ``mode`` (remembered for the deck) or else its remembered mode."""
        if mode is None:
            mode = remembered_mode(self.collection, deck_id)
        else:
            remember_mode(self.collection, deck_id, mode)
        return ReviewSession(self.collection, deck_id, self.clock, self.rng, mode=mode)
