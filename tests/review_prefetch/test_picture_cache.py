"""Media pictures decoded once, at the size they are shown, in a cache bounded by pixels."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from studyapp.ui.review.pictures.picture_cache import MediaPictures

from .pictures import write_picture


def test_a_wide_picture_is_decoded_at_the_column_width_once(tmp_path: Path, qapp: QApplication) -> None:
    path = write_picture(tmp_path, "wide.jpg", 1)
    pictures = MediaPictures()
    image = pictures.picture(path, 720, 1.0)
    assert image is not None and image.size() == QSize(720, 480) and image.devicePixelRatio() == 1.0
    assert pictures.decoded == 1
    again = pictures.picture(path, 720, 1.0)
    assert again is not None and again.cacheKey() == image.cacheKey() and pictures.decoded == 1
    assert pictures.natural_size(path) == QSize(1200, 800)


def test_at_pixel_ratio_two_it_keeps_the_files_pixels_and_its_logical_size(tmp_path: Path, qapp: QApplication) -> None:
    wide, small = write_picture(tmp_path, "wide.png", 1), write_picture(tmp_path, "small.png", 2, (300, 200))
    pictures = MediaPictures()
    image = pictures.picture(wide, 720, 2.0)
    assert image is not None and image.size() == QSize(1200, 800)  # never more pixels than the file has
    assert image.deviceIndependentSize().toSize() == QSize(720, 480)
    little = pictures.picture(small, 720, 2.0)
    assert little is not None and little.size() == QSize(300, 200) and little.devicePixelRatio() == 1.0


def test_a_changed_file_is_decoded_again(tmp_path: Path, qapp: QApplication) -> None:
    path = write_picture(tmp_path, "p.png", 1)
    pictures = MediaPictures()
    first = pictures.picture(path, 720, 1.0)
    write_picture(tmp_path, "p.png", 2, (600, 400))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    second = pictures.picture(path, 720, 1.0)
    assert first is not None and second is not None and pictures.decoded == 2
    assert second.size() == QSize(600, 400) and second.pixel(5, 5) != first.pixel(5, 5)


def test_the_cache_is_bounded_by_pixels(tmp_path: Path, qapp: QApplication) -> None:
    pictures = MediaPictures(max_pixels=2 * 720 * 480)
    paths = [write_picture(tmp_path, f"p{number}.png", number) for number in range(3)]
    for path in paths:
        assert pictures.picture(path, 720, 1.0) is not None
    assert pictures.pixels == 2 * 720 * 480
    keys = [pictures.key(path, 720, 1.0) for path in paths]
    assert [pictures.cached(key[0]) is not None for key in keys if key] == [False, True, True]


def test_a_missing_or_broken_file_is_no_picture(tmp_path: Path, qapp: QApplication) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    pictures = MediaPictures()
    assert pictures.picture(broken, 720, 1.0) is None
    assert pictures.picture(tmp_path / "gone.png", 720, 1.0) is None
    assert pictures.decoded == 0


def test_a_column_a_scrollbar_wider_uses_the_picture_made_ready_not_a_new_decode(
    tmp_path: Path, qapp: QApplication
) -> None:
    """The view's first layout pass asks for a column a scrollbar wider (712 px) than the next (700 px), which
    the prefetch made ready: the ready picture is used; a column much wider gets its own."""
    path = write_picture(tmp_path, "wide.jpg", 1)
    pictures = MediaPictures()
    assert pictures.prepare(path, 700, 1.0) and pictures.decoded == 1
    near = pictures.picture(path, 712, 1.0)
    assert near is not None and near.width() == 700 and pictures.decoded == 1
    far = pictures.picture(path, 900, 1.0)
    assert far is not None and far.width() == 900 and pictures.decoded == 2
