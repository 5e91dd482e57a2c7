"""Where a card view's pictures come from: the collection's media folder only.

``MediaOnlyDocument`` asks its view for every resource and answers a refused image with a blank pixel, so Qt
never falls back to ``data:`` URLs or files of its own choosing; ``media_file_path`` accepts a plain file name
that resolves inside the media folder and nothing else. The card view and the editor's rich fields use both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QWidget

from studyapp.services.media.media import is_safe_name

IMAGE_RESOURCE = QTextDocument.ResourceType.ImageResource.value


class MediaOnlyDocument(QTextDocument):
    """A document that loads resources through ``loader`` only.

    QTextDocument's own ``loadResource`` falls back to ``data:`` URLs and local files when the view
    returns nothing, and Qt's image handler then tries the image's name as a file path (relative to
    the working folder). So a refused image is answered with a blank pixel: nothing else is read.
    """

    def __init__(self, loader: Callable[[int, QUrl], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        self._blank.fill(Qt.GlobalColor.transparent)

    def loadResource(self, type_: int, name: QUrl) -> object:
        loaded = self._loader(type_, name)
        return self._blank if loaded is None and int(type_) == IMAGE_RESOURCE else loaded


def media_file_path(media_dir: Path | None, name: QUrl) -> Path | None:
    """The file in ``media_dir`` that ``name`` names, if it is a plain file name of a file there: nothing that
    climbs out (a symbolic link included), no scheme, host, query or fragment."""
    if media_dir is None or not name.isRelative() or name.host() or name.hasQuery() or name.hasFragment():
        return None
    file_name = name.path(QUrl.ComponentFormattingOption.FullyDecoded)
    if not is_safe_name(file_name) or "/" in file_name or "\\" in file_name:
        return None
    try:
        folder = media_dir.resolve(strict=True)
        path = (folder / file_name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return path if path.parent == folder and path.is_file() else None
