"""Signing in to a sync server: where to sync (in the collection's settings) and the host key (in the OS keyring).

The password is only ever exchanged for the server's host key (``service.log_in``) and then dropped: it is
written nowhere. The host key lives in the OS keyring (``keyring``: the Secret Service on Linux, the macOS
Keychain, the Windows Credential Locker) under the service ``studyapp-sync`` and the user
``<user>@<endpoint>``. Where no keyring backend works (a headless Linux box: keyring's ``fail`` backend, or a
chainer with nothing in it) the key is kept in memory for this run only, and :func:`KeyStore.notice` says so
in one line; it is never written to a file in plain text.

The server address must be https, except a server on this computer or on the student's own network
(loopback and private addresses), which plain http may reach once the student confirms it (a checkbox in
the window, ``--allow-insecure`` on the command line); the confirmation is stored with the address.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from studyapp.services.sync.address import address_problem  # (client.address_problem: the same, lighter to load)
from studyapp.storage import Collection

SERVER_SETTING = "sync.account.server"
USER_SETTING = "sync.account.user"
ON_OPEN_SETTING = "sync.account.on_open"
ON_CLOSE_SETTING = "sync.account.on_close"
INSECURE_SETTING = "sync.account.insecure_confirmed"  # the http address the student confirmed (loopback or private)
KEYRING_SERVICE = "studyapp-sync"
SELF_HOSTED_HINT = (
    "Self-hosted: run `SYNC_USER1=me:secret python -m anki.syncserver` (from the `anki` package) and use "
    "http://ITS-ADDRESS:8080/. AnkiWeb is possible only where its terms allow third-party clients."
)


class AccountError(Exception):
    """A server address or sign-in that cannot be used as it is: one line saying what to do."""


@dataclass(frozen=True)
class SyncSettings:
    server: str = ""  # "https://host/" or "http://127.0.0.1:8080/" (always ending in "/"), "" before the first
    user: str = ""
    sync_on_open: bool = False
    sync_on_close: bool = False
    insecure_confirmed: str = ""  # the http server address the student allowed, "" for none

    @property
    def insecure_allowed(self) -> bool:
        return bool(self.server) and self.insecure_confirmed == self.server


def _bool(value: Any) -> bool:
    return value is True


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def load_sync_settings(collection: Collection) -> SyncSettings:
    """The sync settings as stored; anything missing or of the wrong kind reads as the default."""
    return SyncSettings(
        server=_text(collection.setting(SERVER_SETTING)),
        user=_text(collection.setting(USER_SETTING)),
        sync_on_open=_bool(collection.setting(ON_OPEN_SETTING)),
        sync_on_close=_bool(collection.setting(ON_CLOSE_SETTING)),
        insecure_confirmed=_text(collection.setting(INSECURE_SETTING)),
    )


def save_sync_settings(collection: Collection, settings: SyncSettings) -> None:
    with collection.transaction():
        collection.set_setting(SERVER_SETTING, settings.server)
        collection.set_setting(USER_SETTING, settings.user)
        collection.set_setting(ON_OPEN_SETTING, settings.sync_on_open)
        collection.set_setting(ON_CLOSE_SETTING, settings.sync_on_close)
        collection.set_setting(INSECURE_SETTING, settings.insecure_confirmed)


# -- the server address ------------------------------------------------------------------------------------


def normalize_endpoint(text: str) -> str:
    """The address as the client wants it (``scheme://host[:port]/path/``), or an ``AccountError`` line."""
    text = text.strip()
    if not text:
        raise AccountError("no sync server address: give one, e.g. http://127.0.0.1:8080/ (self-hosted)")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AccountError(
            f"{text}: not a server address; write it with https:// (or http:// for a server on this computer "
            "or your own network), e.g. http://192.168.1.20:8080/"
        )
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number or out of range
    except ValueError:
        raise AccountError(f"{text}: the port is not a number from 1 to 65535") from None
    if parts.query or parts.fragment:
        raise AccountError(f"{text}: a server address has no ?query or #fragment")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def is_local_address(endpoint: str) -> bool:
    """Plain http that the student may confirm: a server on this computer or a private network."""
    problem = address_problem(endpoint)
    return problem is not None and problem.confirmable


def insecure_problem(endpoint: str, confirmed: bool) -> str | None:
    """Why this address may not be used as it is, or None (``client.address_problem``'s rule): https is always
    fine; plain http only to this computer or a private network, once the student has confirmed it."""
    problem = address_problem(endpoint)
    if problem is None or (problem.confirmable and confirmed):
        return None
    if problem.confirmable:
        return f"{problem}; to go ahead, confirm it: --allow-insecure on the command line, the checkbox in the window"
    return str(problem)


# -- the host key ------------------------------------------------------------------------------------------


def keyring_user(endpoint: str, user: str) -> str:
    return f"{user}@{endpoint}"


class KeyStore:
    """The host keys: in the OS keyring, else (no working backend) in memory until the process ends."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}
        self.fallback_reason: str | None = None  # why the keyring was not used, once it failed

    def _backend(self) -> Any:
        """The keyring backend, or None where none works (its reason kept in ``fallback_reason``)."""
        try:
            import keyring
            from keyring.backends import chainer, fail
        except ImportError:  # pragma: no cover - a dependency; a broken install only
            self.fallback_reason = "the keyring package is not installed"
            return None
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or (isinstance(backend, chainer.ChainerBackend) and not backend.backends):
            self.fallback_reason = "no system keyring is available (no Secret Service, Keychain or Credential Locker)"
            return None
        return backend

    def _call(self, action: str, *args: str) -> Any:
        backend = self._backend()
        if backend is None:
            raise LookupError
        try:
            return getattr(backend, action)(*args)
        except Exception as error:  # a locked or broken keyring: every backend has its own errors
            self.fallback_reason = f"the system keyring refused ({type(error).__name__}: {error})".strip()
            raise LookupError from error

    def get(self, endpoint: str, user: str) -> str | None:
        name = keyring_user(endpoint, user)
        if name in self._memory:
            return self._memory[name]
        try:
            found = self._call("get_password", KEYRING_SERVICE, name)
        except LookupError:
            return None
        return found if isinstance(found, str) and found else None

    def put(self, endpoint: str, user: str, host_key: str) -> str | None:
        """Keep the key; None when the keyring has it, else the one line saying it is kept for this run only."""
        name = keyring_user(endpoint, user)
        try:
            self._call("set_password", KEYRING_SERVICE, name, host_key)
        except LookupError:
            self._memory[name] = host_key
            return self.notice()
        self._memory.pop(name, None)
        return None

    def forget(self, endpoint: str, user: str) -> None:
        """Sign out: the key leaves the keyring (and memory); nothing stored is not an error."""
        name = keyring_user(endpoint, user)
        self._memory.pop(name, None)
        backend = self._backend()
        if backend is None:
            return
        with contextlib.suppress(Exception):  # none stored (PasswordDeleteError) or a locked keyring: nothing to undo
            backend.delete_password(KEYRING_SERVICE, name)

    def notice(self) -> str:
        reason = self.fallback_reason or "no system keyring is available"
        return f"{reason}: the sync key is kept only until studyapp closes; you will sign in again next time"


KEYS = KeyStore()  # one per process: what a fallback keeps in memory lasts as long as the process
