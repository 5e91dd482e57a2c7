"""Flushing a file, or a folder's entries (new names, renames), to the disk before a confirmation."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """fsync ``path``, a file or a folder, where the platform can (Windows cannot open a folder; its renames
    are durable as they are). Quiet on failure: the caller's own writes already raised if the disk refused."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        handle = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
