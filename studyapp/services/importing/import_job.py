"""One import from start to end: read the file, store its media, write its notes in one transaction.

A job opens its own connection to the collection, so it can run on a worker thread while the window
stays responsive. ``cancel()`` may be called from any thread; the job stops at its next progress step
and leaves the collection and the media folder exactly as they were.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timezone, tzinfo
from pathlib import Path

from studyapp.core.clock import Clock
from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import DuplicatePolicy, ImportDraft, ImportOptions
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR
from studyapp.importers.anki_media import MediaSink
from studyapp.importers.anki_package import read_anki_package
from studyapp.importers.detect import detect_format, quizlet_by_options, read_text_file
from studyapp.importers.errors import ImportFailure
from studyapp.services.gc_pause import cyclic_gc_paused
from studyapp.services.importing.importing import ImportSummary, Progress, store_draft
from studyapp.services.media.media import STAGE_SETTING, MediaStage, media_dir_for
from studyapp.storage import Collection, StorageError, storage_faults
from studyapp.storage.errors import NOT_IMPORTED

ANKI_FORMATS = ("apkg", "colpkg")


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was changed."""


@dataclass(frozen=True)
class ImportRequest:
    path: Path
    options: ImportOptions = field(default_factory=ImportOptions)
    policy: DuplicatePolicy = DuplicatePolicy.UPDATE


def read_file(
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
    media: MediaSink | None = None,
    zone: tzinfo = timezone.utc,
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
) -> ImportDraft:
    """Read any supported file into a draft, detecting its format unless the options name one.

    A package's media files are streamed into ``media`` (an import's stage); without it they are not read. ``zone``
    and ``rollover_hour``: the student's study days (a package's due days are dates)."""
    path = Path(path)
    if options.deck_name is not None and (problem := deck_name_problem(options.deck_name)) is not None:
        raise ImportFailure(path, f"cannot be imported into that deck: {problem}")
    kind = options.format or quizlet_by_options(options) or detect_format(path, options.encoding)
    if kind in ANKI_FORMATS:
        draft = read_anki_package(
            path, options, progress, media=media, read_media=media is not None, zone=zone, rollover_hour=rollover_hour
        )
    else:
        draft = read_text_file(path, replace(options, format=kind), progress)
    problem = deck_name_problem(draft.name)  # a name made from the file's name (the readers check the rest)
    if problem is not None:
        raise ImportFailure(path, problem)
    if not draft.notes and draft.skipped:  # every note skipped (a package's, all in too deep a deck...): say why
        first, count = draft.skipped[0], len(draft.skipped)
        every = f": all {count:,} were skipped" if count > 1 else ""
        raise ImportFailure(path, f"has no notes that can be imported{every} ({first.place}: {first.reason})")
    return draft


class ImportJob:
    def __init__(
        self,
        collection_path: Path,
        request: ImportRequest,
        rng: random.Random,
        clock: Clock,
        on_progress: Callable[[str, int, int], None] | None = None,
        rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
    ) -> None:
        self.collection_path = collection_path
        self.rollover_hour = rollover_hour  # the collection's: its study days, for a package's due days
        self.request = request
        self._rng = random.Random(rng.getrandbits(64))  # this job's own stream: it may run on another thread
        self._clock = clock
        self._on_progress = on_progress
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _step(self, stage: str) -> Progress:
        def report(done: int, total: int) -> None:
            if self._cancelled.is_set():
                raise ImportCancelled("the import was cancelled; nothing was changed")
            if self._on_progress is not None:
                self._on_progress(stage, done, total)

        return report

    def run(self) -> ImportSummary:
        request = self.request
        stage = MediaStage(media_dir_for(self.collection_path))  # media wait here until the transaction commits
        try:
            with cyclic_gc_paused():
                draft = read_file(
                    request.path, request.options, self._step("Reading"), media=stage, zone=self._clock.local_zone(),
                    rollover_hour=self.rollover_hour,
                )  # fmt: skip
                self._step("Reading")(1, 1)
                try:
                    return self._store(draft, stage)
                except StorageError as error:  # a full or read-only disk, a vanished file: rolled back
                    raise error.reworded(NOT_IMPORTED) from error
        finally:
            stage.discard()  # nothing of a failed or cancelled import reaches the media folder

    def _store(self, draft: ImportDraft, stage: MediaStage) -> ImportSummary:
        request = self.request
        with Collection.open(self.collection_path) as collection:
            media_dir = media_dir_for(self.collection_path)
            with storage_faults(media_dir, NOT_IMPORTED):
                for file in draft.media:  # media a reader kept in memory (none of the formats here do)
                    stage.receive(file.name, [file.data])
                renames = stage.prepare()

            def record_stage() -> None:  # in the transaction: a commit cut short is finished at the next open
                collection.set_setting(STAGE_SETTING, stage.name)

            summary = store_draft(
                collection,
                draft,
                self._rng,
                self._clock.now(),
                policy=request.policy,
                with_history=request.options.include_history,
                media_renames=renames,
                progress=self._step("Saving"),
                before_commit=record_stage if len(stage) else None,
            )
            stage.commit()
        return replace(summary, media=len(stage)) if len(stage) else summary
