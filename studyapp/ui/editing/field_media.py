"""A field's media in the editor: its images shown from the media folder, its sounds shown as chips, and
pasted, dropped or chosen files stored through ``services.media.adding``.

The field keeps Anki's form (``<img src="name">``, ``[sound:name]``), so what is stored, exported and read
by Anki is unchanged. Images load only from the collection's media folder, by a bare file name that resolves
inside it (as the card view does), scaled to the field's width and to ``MAX_IMAGE_HEIGHT``: the scaled image
is the document's resource, so the note's HTML is never touched to fit it. A ``[sound:name]`` is coloured as
a chip by a highlighter, which changes only how it looks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageReader,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from studyapp.services.media.adding import IMAGE_EXTENSIONS, SOUND_EXTENSIONS, AddedMedia, MediaError
from studyapp.services.media.adding import add_media_bytes as _add_bytes
from studyapp.services.media.adding import add_media_file as _add_file
from studyapp.services.media.media import is_safe_name

MAX_IMAGE_HEIGHT = 160  # a screenshot in a field is a preview: the field stays a field
SOUND_TAG = re.compile(r"\[sound:([^\[\]]+?)\]")
IMAGE_RESOURCE = QTextDocument.ResourceType.ImageResource.value
FILE_FILTER = (
    "Images and sounds ("
    + " ".join(f"*.{ext}" for ext in sorted(IMAGE_EXTENSIONS | SOUND_EXTENSIONS))
    + ");;Images ("
    + " ".join(f"*.{ext}" for ext in sorted(IMAGE_EXTENSIONS))
    + ");;Sounds ("
    + " ".join(f"*.{ext}" for ext in sorted(SOUND_EXTENSIONS))
    + ")"
)


def media_path(media_dir: Path | None, name: str) -> Path | None:
    """The file ``name`` of the media folder, if it is a bare name that resolves inside it; else ``None``."""
    if media_dir is None or not is_safe_name(name):
        return None
    try:
        folder = media_dir.resolve(strict=True)
        path = (folder / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return path if path.parent == folder and path.is_file() else None


def image_name(url: QUrl) -> str | None:
    """The bare file name an image URL of a field names (no scheme, host, query or folder), else ``None``."""
    if not url.isRelative() or url.host() or url.hasQuery() or url.hasFragment():
        return None
    name = url.path()
    return name if is_safe_name(name) else None


def read_image(path: Path) -> QImage | None:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    return None if image.isNull() else image


def fitted(image: QImage, width: int, height: int = MAX_IMAGE_HEIGHT) -> QImage:
    """``image`` scaled down (never up) to fit ``width`` x ``height``, keeping its proportions."""
    if image.width() <= width and image.height() <= height:
        return image
    box = QSize(max(width, 16), max(height, 16))
    return image.scaled(box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def sound_at(text: str, column: int) -> str | None:
    """The file name of the ``[sound:…]`` tag at ``column`` of ``text``, if there is one there."""
    for match in SOUND_TAG.finditer(text):
        if match.start() <= column < match.end():
            return match.group(1)
    return None


class SoundChips(QSyntaxHighlighter):
    """Shows every ``[sound:name]`` of a field as a chip (a coloured, bold run); the text stays as it is."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.chip = QTextCharFormat()
        self.chip.setBackground(QColor(230, 150, 40, 70))  # amber: not the selection's blue; the text keeps its colour
        self.chip.setFontWeight(600)
        self.chip.setToolTip("A sound of the note (Ctrl+click plays it)")

    def highlightBlock(self, text: str) -> None:
        if "[sound:" not in text:
            return
        for match in SOUND_TAG.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self.chip)


def local_files(source: QMimeData) -> list[Path]:
    """The local files a paste or a drop carries (a file manager's copy), in order."""
    if not source.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile() and url.toLocalFile()]


def image_bytes(image: QImage) -> bytes:
    """A pasted image (a screenshot) as PNG bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def store_files(media_dir: Path | None, paths: Iterable[Path]) -> tuple[list[AddedMedia], list[str]]:
    """Store each file; what was stored, and one line for each file refused."""
    added: list[AddedMedia] = []
    problems: list[str] = []
    for path in paths:
        try:
            added.append(_add_file(_folder(media_dir, path.name), path))
        except MediaError as error:
            problems.append(str(error))
    return added, problems


def store_image(media_dir: Path | None, image: QImage) -> AddedMedia:
    """Store a pasted image (PNG); a ``MediaError`` with one line if it cannot be."""
    if image.isNull():
        raise MediaError("the pasted image: the clipboard's image is empty")
    return _add_bytes(_folder(media_dir, "the pasted image"), image_bytes(image))


def _folder(media_dir: Path | None, label: str) -> Path:
    if media_dir is None:
        raise MediaError(f"{label}: this editor has no media folder to keep it in")
    return media_dir


Player = Callable[[Path], object]
