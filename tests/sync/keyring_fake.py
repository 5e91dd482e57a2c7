"""A keyring backend for the tests: a dict in this process. The user's real keyring is never touched."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from studyapp.services.sync import account


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.stored:
            raise PasswordDeleteError("not stored")
        del self.stored[(service, username)]


@contextmanager
def installed(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """``backend`` as the keyring (and a fresh process-wide KeyStore) for the block; the one before after it."""
    before = keyring.get_keyring()
    account.KEYS._memory.clear()
    account.KEYS.fallback_reason = None
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)
        account.KEYS._memory.clear()
        account.KEYS.fallback_reason = None


def no_keyring() -> KeyringBackend:
    """What a headless Linux box has: keyring's ``fail`` backend."""
    return fail.Keyring()
