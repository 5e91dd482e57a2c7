"""Decoded media pictures for the card view, at the size they are shown, in a cache bounded by pixels.

A card's ``<img src>`` is asked for many times while its card is laid out and painted (Qt asks the view on
every layout pass and paint: some 25 times for one card), so a picture is decoded once and kept. It is decoded
at the size it is shown: no wider than the text column at the screen's pixel ratio, never larger than the
file (a big JPEG decodes several times faster scaled, and a smaller picture paints faster and takes less
memory). Its device pixel ratio makes its logical size the fitted one, so the first layout is the right one.

The key is what decides the pixels: the file (path, modification time, size) and the physical size. Workers
(``picture_prefetch``) fill the cache off the UI thread, so it is guarded by a lock; a picture that is not
ready is decoded on the UI thread as before (nothing ever waits for a worker).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QImageReader

CACHE_PIXELS = 8_000_000  # about 32 MB: some 20 pictures at a 720-pixel column
_HEADERS = 512  # natural sizes remembered (a header read is cheap, but fit_images asks on every layout)

NEAR_SHARE = 0.05  # a picture decoded within 5% of the width asked for is used as it is
PictureKey = tuple[str, int, int, int, int]  # path, mtime_ns, bytes, physical width, physical height


class MediaPictures:
    """Media-folder pictures decoded at their shown size; one per process (``shared``)."""

    def __init__(self, max_pixels: int = CACHE_PIXELS) -> None:
        self._lock = threading.Lock()
        self._cache: OrderedDict[PictureKey, QImage] = OrderedDict()
        self._pixels = 0
        self._max_pixels = max_pixels
        self._sizes: OrderedDict[tuple[str, int, int], QSize | None] = OrderedDict()
        self.decoded = 0  # pictures decoded (not taken from the cache), for tests and benchmarks

    # -- sizes -------------------------------------------------------------------------------------

    def natural_size(self, path: Path) -> QSize | None:
        """The picture's own size, from its header (remembered for the file as it is now)."""
        stamp = _stamp(path)
        if stamp is None:
            return None
        with self._lock:
            if stamp in self._sizes:
                return self._sizes[stamp]
        size = QImageReader(str(path)).size()
        found = size if size.isValid() and not size.isEmpty() else None
        with self._lock:
            self._sizes[stamp] = found
            while len(self._sizes) > _HEADERS:
                self._sizes.popitem(last=False)
        return found

    def key(self, path: Path, column_width: int, ratio: float) -> tuple[PictureKey, QSize, float] | None:
        """(the cache key, the physical size to decode at, its device pixel ratio) for a picture shown in a
        column ``column_width`` logical pixels wide at pixel ratio ``ratio``; ``None`` if it is no picture."""
        natural = self.natural_size(path)
        stamp = _stamp(path)
        if natural is None or stamp is None:
            return None
        logical_width = min(natural.width(), max(1, column_width))
        physical_width = min(natural.width(), max(1, round(logical_width * ratio)))
        physical = QSize(physical_width, max(1, round(natural.height() * physical_width / natural.width())))
        return (*stamp, physical.width(), physical.height()), physical, physical_width / logical_width

    # -- pictures ----------------------------------------------------------------------------------

    def cached(self, key: PictureKey) -> QImage | None:
        with self._lock:
            image = self._cache.get(key)
            if image is not None:
                self._cache.move_to_end(key)
            return image

    def picture(self, path: Path, column_width: int, ratio: float) -> QImage | None:
        """The picture at ``path`` as shown in the column: from the cache, else decoded now (and kept)."""
        found = self.key(path, column_width, ratio)
        if found is None:
            return None
        key, physical, device_ratio = found
        image = self.cached(key) or self._near(key)
        return image if image is not None else self._decode(path, key, physical, device_ratio)

    def _near(self, key: PictureKey) -> QImage | None:
        """The same file decoded a little narrower or wider (a view's first layout pass is a scrollbar wider
        than the next: its picture, ready from the prefetch, is drawn at the asked size instead of decoded again)."""
        stamp, width = key[:3], key[3]
        with self._lock:
            for other, image in self._cache.items():
                if other[:3] == stamp and abs(other[3] - width) <= max(2, width * NEAR_SHARE):
                    return image
        return None

    def prepare(self, path: Path, column_width: int, ratio: float) -> bool:
        """Decode the picture into the cache unless it is there (a worker's job); whether it was decoded."""
        found = self.key(path, column_width, ratio)
        if found is None or self.cached(found[0]) is not None:
            return False
        return self._decode(path, *found) is not None

    def _decode(self, path: Path, key: PictureKey, physical: QSize, device_ratio: float) -> QImage | None:
        reader = QImageReader(str(path))
        if physical != reader.size():
            reader.setScaledSize(physical)
        image = reader.read()  # (PySide releases the GIL while Qt decodes)
        if image.isNull():
            return None
        image.setDevicePixelRatio(device_ratio)
        with self._lock:
            self.decoded += 1
            self._remember(key, image)
        return image

    def _remember(self, key: PictureKey, image: QImage) -> None:
        pixels = image.width() * image.height()
        if pixels > self._max_pixels or key in self._cache:
            return
        self._cache[key] = image
        self._pixels += pixels
        while self._pixels > self._max_pixels and self._cache:
            _, old = self._cache.popitem(last=False)
            self._pixels -= old.width() * old.height()

    @property
    def pixels(self) -> int:
        """Pixels held now (at most the bound)."""
        return self._pixels

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._sizes.clear()
            self._pixels = 0


def _stamp(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path), stat.st_mtime_ns, stat.st_size


_SHARED: MediaPictures | None = None


def shared() -> MediaPictures:
    """The process's picture cache, made when first asked for."""
    global _SHARED
    if _SHARED is None:
        _SHARED = MediaPictures()
    return _SHARED
