"""Files dropped on the window: which of them can be imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

from studyapp.ui.app.dialogs import IMPORT_SUFFIXES


def importable_paths(mime: QMimeData | None) -> list[Path]:
    """The local files in a drag whose extension an importer knows, in the order they were dragged."""
    if mime is None or not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in IMPORT_SUFFIXES and path.is_file()]
