"""What can go wrong in a sync, as one line for the student and a kind that says what to do about it."""

from __future__ import annotations

KINDS = frozenset(
    {
        "auth",  # 403: a wrong user name or password, or a host key the server no longer knows: sign in again
        "busy",  # 409: another sync of this collection is running (another device), or ours was taken over
        "full_sync",  # 400: the server could not apply a change ("check database then full sync"), or demands one
        "clock",  # this computer's clock is more than 300 s off the server's
        "network",  # connection refused, timeout, name not found, TLS: nothing reached the server or came back
        "server",  # 5xx, or a message from the server that stops the sync
        "cancelled",  # the student cancelled between two calls (or while a large body streamed)
        "too_large",  # 413: the body is over the server's limit
        "protocol",  # a reply we cannot read (not zstd, not JSON, the wrong size or shape, an unknown version)
    }
)


class SyncError(Exception):
    """One line for the student (str(error)); .kind says what to do about it (see KINDS); .status is the
    HTTP status when there was one. Made as ``SyncError(message, kind)``."""

    def __init__(self, message: str, kind: str, *, status: int | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown sync error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.status = status

    def __repr__(self) -> str:
        return f"SyncError({str(self)!r}, {self.kind!r}, status={self.status!r})"
