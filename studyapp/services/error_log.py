"""Unexpected errors: a bug, not a bad file, a wrong password or a full disk (those have their own one line).

The traceback goes to a log file for a bug report (``error_log_path``: the platform's log folder, or
``$STUDYAPP_ERROR_LOG``), and the user gets one line saying what stopped and that nothing half-done was kept:
every write of the collection is one transaction, which an exception rolls back. The file keeps the newest
entries within ``MAX_BYTES``.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from studyapp.services.paths import APP_NAME

ERROR_LOG_ENV = "STUDYAPP_ERROR_LOG"
MAX_BYTES = 1_000_000
_ENTRY = "=== "  # each entry's first line: "=== <UTC time> <what was running>"
_MESSAGE_CHARS = 200


def error_log_path() -> Path:
    configured = os.environ.get(ERROR_LOG_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "errors.log"


def record_unexpected(error: BaseException, doing: str, path: Path | None = None) -> Path | None:
    """Append ``error``'s traceback to the log, as what happened while ``doing``; the log's path, or None when it
    could not be written (the user's line then says so: the error itself must still reach them)."""
    path = path or error_log_path()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    entry = f"{_ENTRY}{when} {doing}\n{''.join(traceback.format_exception(error))}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="replace") as log:
            log.write(entry)
        if path.stat().st_size > MAX_BYTES:
            _keep_newest(path)
    except OSError:
        return None
    return path


def _keep_newest(path: Path) -> None:
    """Drop the oldest entries, whole, until the file is at most half of ``MAX_BYTES`` (the newest one always kept)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    keep = text[-(MAX_BYTES // 2) :]
    start = keep.find("\n" + _ENTRY)
    if start >= 0:
        keep = keep[start + 1 :]
    else:  # one entry longer than the half: keep its end
        last = text.rfind(_ENTRY)
        keep = text[last:][-MAX_BYTES:]
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(keep, encoding="utf-8")
    os.replace(temporary, path)


def unexpected_line(error: BaseException, log: Path | None) -> str:
    """One line for the user: what stopped it, that nothing half-done was kept, where the details are."""
    message = " ".join(str(error).split())
    if len(message) > _MESSAGE_CHARS:
        message = message[: _MESSAGE_CHARS - 1] + "…"
    what = f"{type(error).__name__}: {message}" if message else type(error).__name__
    where = (
        f"the details, for a bug report, are in {log}"
        if log is not None
        else "the details could not be written to a log file"
    )
    return f"stopped by an unexpected error ({what}); what it had not finished was not saved; {where}"
