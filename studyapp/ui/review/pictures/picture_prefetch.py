"""The next cards' pictures made ready off the UI thread, so that a card with a picture shows within a frame.

After a card is painted, the reviewer hands ``prepare`` the cards likely to come next (the session's
``upcoming`` guess) and the card on screen (its answer side). Their faces are rendered on the UI thread (pure
Python, well under a millisecond a card) and the pictures they name (``core.text.face_pictures``) are checked
against the caches; what is missing is decoded, or composed with its masks, by one worker thread into the same
caches the card view reads first (``picture_cache`` for media images, ``occlusion_images`` for ``occlusion:``
pictures). Formulas (``math:``) are left to the card view: they are drawn fast and cached per formula.

Nothing ever waits for the worker: a picture that is not ready when its card is shown is decoded on the UI
thread as before. A new ``prepare`` makes the earlier one stale: its jobs that have not started are dropped
and a running one stops before its next picture. ``stop`` (the reviewer hidden or closed) drops the waiting
jobs and waits for the one running (a decode takes milliseconds), so no thread outlives the reviewer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QUrl, Signal

from studyapp.core.model import Card
from studyapp.core.occlusion.faces import SCHEME as OCCLUSION_SCHEME
from studyapp.core.text.face_budget import FIRST_VIEW
from studyapp.core.text.face_pictures import picture_sources
from studyapp.core.text.maths import SCHEME as MATH_SCHEME
from studyapp.core.text.render import card_faces
from studyapp.ui.review.card_view import MAX_READING_WIDTH, CardView
from studyapp.ui.review.pictures.occlusion_images import OcclusionImages
from studyapp.ui.review.pictures.occlusion_images import shared as shared_occlusion_images
from studyapp.ui.review.pictures.picture_cache import MediaPictures
from studyapp.ui.review.pictures.picture_cache import shared as shared_media_pictures

STOP_WAIT_MS = 5000  # the longest a stop waits for the running decode (a huge picture), then gives up on it


@dataclass(frozen=True)
class PictureJob:
    """One picture to make ready: a media file (``path``) or an ``occlusion:`` address (``url``)."""

    path: Path | None = None
    url: str | None = None


@dataclass(frozen=True)
class ViewGeometry:
    """What decides the pixels, read from the card view on the UI thread."""

    column_width: int  # media images: the text column, logical pixels
    occlusion_width: int  # occlusion pictures: their widest
    ratio: float  # the screen's device pixel ratio
    media_file: Callable[[str], Path | None]  # a media file by its plain name (or None)


class PicturePrefetcher(QObject):
    """Makes pictures ready in a worker thread of its own (``QThreadPool`` of one)."""

    finished = Signal(int)  # a prepare's work is done (or dropped): its generation

    def __init__(
        self,
        media: MediaPictures | None = None,
        occlusion: OcclusionImages | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.media = media or shared_media_pictures()
        self.occlusion = occlusion or shared_occlusion_images()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._lock = threading.Lock()
        self.done = 0  # pictures a worker made ready (for tests and benchmarks)
        self.dropped = 0  # pictures of a stale prepare that were not made

    @property
    def generation(self) -> int:
        return self._generation

    def jobs_for(
        self, cards: Iterable[Card], geometry: ViewGeometry, answers_of: Card | None = None
    ) -> list[PictureJob]:
        """The pictures of ``answers_of``'s answer side and of ``cards`` (both sides) that are not ready yet."""
        sources: dict[str, None] = {}
        faces_of = [(answers_of, True)] if answers_of is not None else []
        for card, with_answer in [*faces_of, *((card, True) for card in cards)]:
            faces = card_faces(card, FIRST_VIEW, with_answer=with_answer)
            shown = (faces.revealed_question, faces.answer) if with_answer else (faces.question,)
            for source in picture_sources(faces.question, *shown):
                sources.setdefault(source)
        jobs: list[PictureJob] = []
        for source in sources:
            scheme = QUrl(source).scheme()
            if scheme == OCCLUSION_SCHEME:
                jobs.append(PictureJob(url=source))
            elif scheme == MATH_SCHEME or scheme:
                continue  # formulas are drawn by the view; other addresses are never loaded
            else:
                path = geometry.media_file(QUrl(source).path(QUrl.ComponentFormattingOption.FullyDecoded))
                found = None if path is None else self.media.key(path, geometry.column_width, geometry.ratio)
                if found is not None and self.media.cached(found[0]) is None:
                    jobs.append(PictureJob(path=path))
        return jobs

    def prepare_for(self, view: CardView, shown: Card, upcoming: Iterable[Card]) -> int:
        """Make ready the answer side of ``shown`` (on screen in ``view``) and the pictures of ``upcoming``."""
        ratio = view.devicePixelRatioF()
        geometry = ViewGeometry(view.column_width(), MAX_READING_WIDTH, ratio, view.media_file)
        return self.prepare(self.jobs_for(upcoming, geometry, answers_of=shown), geometry)

    def prepare(self, jobs: list[PictureJob], geometry: ViewGeometry) -> int:
        """Start making ``jobs`` ready in the worker; earlier work becomes stale. Returns this generation."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._pool.clear()  # what has not started is stale
        if jobs:
            self._pool.start(lambda: self._run(generation, jobs, geometry))
        else:
            self.finished.emit(generation)
        return generation

    def cancel(self) -> None:
        """Make the work under way stale (the session moved on, or the reviewer left)."""
        with self._lock:
            self._generation += 1
        self._pool.clear()

    def stop(self) -> None:
        """Drop the waiting work and wait for the running job to end (the reviewer is hidden or closed)."""
        self.cancel()
        self._pool.waitForDone(STOP_WAIT_MS)

    def idle(self) -> bool:
        return self._pool.activeThreadCount() == 0

    def _run(self, generation: int, jobs: list[PictureJob], geometry: ViewGeometry) -> None:
        """In the worker thread: each picture in turn, while this work is not stale."""
        for index, job in enumerate(jobs):
            if generation != self._generation:
                with self._lock:
                    self.dropped += len(jobs) - index
                break
            made = False
            if job.path is not None:
                made = self.media.prepare(job.path, geometry.column_width, geometry.ratio)
            elif job.url is not None:
                made = self.occlusion.prepare(job.url, geometry.media_file, geometry.occlusion_width, geometry.ratio)
            if made:
                with self._lock:
                    self.done += 1
        self.finished.emit(generation)  # (queued to the UI thread)
