"""Where things live: the collection file, the bundled decks and the resources."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

import studyapp

APP_NAME = "studyapp"
COLLECTION_ENV = "STUDYAPP_COLLECTION"
_PACKAGE = Path(studyapp.__file__).resolve().parent


def default_collection_path() -> Path:
    """``$STUDYAPP_COLLECTION`` if set, else ``collection.db`` in the platform's data folder."""
    configured = os.environ.get(COLLECTION_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "collection.db"


def _data_dir(name: str) -> Path:
    # An installed wheel carries the folder inside the package; a source checkout has it at the top.
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder of studyapp is missing from {_PACKAGE}")


def bundled_decks_dir() -> Path:
    return _data_dir("decks")


def resources_dir() -> Path:
    return _data_dir("resources")
