"""What a failed call means, in one line naming the server: an HTTP status (``status_error``) or a socket's
failure (``network_error``). Used by ``client.SyncClient``."""

from __future__ import annotations

import http.client
import socket
import ssl

from studyapp.services.sync.errors import SyncError


def status_error(server_name: str, status: int, text: str, area: str, method: str, *, login: bool) -> SyncError:
    """The failure a call's HTTP status means (403 "auth", 409 "busy", 400 "full_sync", 413 "too_large", 404/405/501
    "protocol", else "server"), in one line naming the server."""
    where = f"the sync server at {server_name}"
    if status == 403:
        if login:
            return SyncError(f"{where} did not accept that user name and password", "auth", status=403)
        return SyncError(f"{where} no longer accepts this computer's sign-in: sign in again", "auth", status=403)
    if status == 409:
        return SyncError(
            f"{where} is busy with another sync of this account (another device?): try again in a minute",
            "busy",
            status=409,
        )
    if status == 400:
        return SyncError(
            f"{where} could not apply this sync ({area}/{method}: {text or 'bad request'}): the collection "
            "needs a check, then a full sync",
            "full_sync",
            status=400,
        )
    if status == 413:
        return SyncError(f"{where} refused {method}: it is larger than the server accepts", "too_large", status=413)
    if status in (404, 405, 501):
        return SyncError(
            f"{where} does not speak the Anki sync protocol version 11 ({method}: HTTP {status})",
            "protocol",
            status=status,
        )
    detail = f": {text}" if text and text != str(status) else ""
    return SyncError(f"{where} failed on {method} (HTTP {status}{detail})", "server", status=status)


def network_error(server_name: str, timeout: float, error: BaseException) -> SyncError:
    """A socket's failure as one line naming the server and the likely cause."""
    if isinstance(error, ConnectionRefusedError):
        why = "connection refused (is the server running?)"
    elif isinstance(error, (socket.timeout, TimeoutError)):
        why = f"no answer within {timeout:g} s"
    elif isinstance(error, socket.gaierror):
        why = "the name was not found"
    elif isinstance(error, ssl.SSLError):
        why = f"the secure connection failed ({error.reason or error})"
    elif isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        why = "the connection was closed in the middle of a call"
    else:
        why = str(error) or type(error).__name__
    return SyncError(f"cannot reach the sync server at {server_name}: {why}", "network")
