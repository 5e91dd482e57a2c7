"""Helpers shared by the text import tests: files made at test time, in any encoding."""

from __future__ import annotations

import os
from pathlib import Path

from studyapp.core.drafts import ImportDraft

FUZZ_EXAMPLES = int(os.environ.get("STUDYAPP_FUZZ_EXAMPLES", "200"))


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """A file ``name`` in ``folder`` holding ``content`` (text is encoded with ``encoding``, no newline change)."""
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def cards(draft: ImportDraft) -> list[tuple[str, str]]:
    return [(note.front, note.back) for note in draft.notes]
