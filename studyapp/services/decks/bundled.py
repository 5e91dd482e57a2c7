"""The decks that ship in ``decks/``: loaded into every new collection, kept in step with their files.

Each file's hash is remembered in the collection's settings, so a start-up with unchanged files does no
work and never duplicates a deck. When a file changes, its notes are matched by their stable guids:
changed cards are updated in place and keep their progress.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.core.clock import Clock
from studyapp.storage import Collection

if TYPE_CHECKING:  # the reader and the importer are loaded only when a file has changed (not at a usual start)
    from studyapp.services.importing.importing import ImportSummary

_SETTING_PREFIX = "bundled_deck_sha256:"


def sync_bundled_decks(
    collection: Collection, directory: Path, rng: random.Random, clock: Clock
) -> list[ImportSummary]:
    summaries = []
    for path in sorted(directory.glob("*.txt")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = _SETTING_PREFIX + path.name
        if collection.setting(key) == digest:
            continue
        from studyapp.importers.plaintext_qa import read_qa
        from studyapp.services.importing.importing import store_draft

        draft = read_qa(path)
        with collection.transaction():
            summaries.append(store_draft(collection, draft, rng, clock.now()))
            collection.set_setting(key, digest)
    return summaries
