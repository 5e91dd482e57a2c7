"""Small helpers for tests that write notes directly."""

from __future__ import annotations

import random

from studyapp.services.app import App
from tests.conftest import T0


def basic_id(app: App) -> int:
    """The id of the collection's stock Basic note type (made if missing)."""
    return app.collection.notetypes.stock("basic", random.Random(0), T0).id
