"""Signing in without a server: the settings, the address rules and where the host key is kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studyapp.services.app import App
from studyapp.services.sync.account import (
    KEYRING_SERVICE,
    AccountError,
    KeyStore,
    SyncSettings,
    insecure_problem,
    load_sync_settings,
    normalize_endpoint,
    save_sync_settings,
)

from .keyring_fake import MemoryKeyring, installed, no_keyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


def test_settings_round_trip_and_bad_values_read_as_defaults(app: App) -> None:
    assert load_sync_settings(app.collection) == SyncSettings()
    chosen = SyncSettings("http://127.0.0.1:8080/", "me", True, True, "http://127.0.0.1:8080/")
    save_sync_settings(app.collection, chosen)
    assert load_sync_settings(app.collection) == chosen
    assert chosen.insecure_allowed
    app.set_setting("sync.account.on_open", "yes")  # a hand-edited value of the wrong kind
    app.set_setting("sync.account.server", 12)
    loaded = load_sync_settings(app.collection)
    assert loaded.sync_on_open is False and loaded.server == "" and not loaded.insecure_allowed


@pytest.mark.parametrize(
    ("typed", "endpoint"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("  https://sync.example.org/anki ", "https://sync.example.org/anki/"),
        ("https://sync.example.org/", "https://sync.example.org/"),
    ],
)
def test_addresses_are_normalized(typed: str, endpoint: str) -> None:
    assert normalize_endpoint(typed) == endpoint


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "no sync server address"),
        ("192.168.1.20:8080", "not a server address"),
        ("ftp://example.org/", "not a server address"),
        ("http://127.0.0.1:99999/", "port"),
        ("https://example.org/?x=1", "no ?query"),
    ],
)
def test_a_bad_address_is_one_line(typed: str, says: str) -> None:
    with pytest.raises(AccountError, match=r"^[^\n]*$") as raised:
        normalize_endpoint(typed)
    assert says in str(raised.value)


def test_plain_http_only_to_this_computer_or_a_private_network_once_confirmed() -> None:
    assert insecure_problem("https://sync.example.org/", confirmed=False) is None
    for local in ("http://127.0.0.1:8080/", "http://localhost:8080/", "http://192.168.1.20:8080/", "http://[::1]:80/"):
        assert "--allow-insecure" in (insecure_problem(local, confirmed=False) or ""), local
        assert insecure_problem(local, confirmed=True) is None, local
    public = insecure_problem("http://sync.example.org/", confirmed=True)
    assert public is not None and "needs https://" in public  # never over the internet, confirmed or not


def test_the_host_key_goes_to_the_keyring_under_the_service_and_user_at_address(
    memory_keyring: MemoryKeyring,
) -> None:
    keys = KeyStore()
    assert keys.get("http://127.0.0.1:8080/", "me") is None
    assert keys.put("http://127.0.0.1:8080/", "me", "HOSTKEY") is None  # stored: nothing to say
    assert memory_keyring.stored == {(KEYRING_SERVICE, "me@http://127.0.0.1:8080/"): "HOSTKEY"}
    assert KeyStore().get("http://127.0.0.1:8080/", "me") == "HOSTKEY"  # another run reads it
    assert KeyStore().get("http://127.0.0.1:8080/", "other") is None
    keys.forget("http://127.0.0.1:8080/", "me")
    assert memory_keyring.stored == {}
    keys.forget("http://127.0.0.1:8080/", "me")  # signing out twice is not an error


def test_without_a_keyring_the_key_lives_for_this_run_only_and_says_so() -> None:
    with installed(no_keyring()):
        keys = KeyStore()
        notice = keys.put("http://127.0.0.1:8080/", "me", "HOSTKEY")
        assert notice is not None and "\n" not in notice
        assert "no system keyring" in notice and "sign in again next time" in notice
        assert keys.get("http://127.0.0.1:8080/", "me") == "HOSTKEY"  # this run
        assert KeyStore().get("http://127.0.0.1:8080/", "me") is None  # the next run: nothing was written
        keys.forget("http://127.0.0.1:8080/", "me")
        assert keys.get("http://127.0.0.1:8080/", "me") is None


def test_a_keyring_that_refuses_falls_back_to_memory(memory_keyring: MemoryKeyring, monkeypatch) -> None:  # noqa: ANN001
    def locked(*_args: object) -> None:
        raise RuntimeError("the keyring is locked")

    monkeypatch.setattr(memory_keyring, "set_password", locked)
    keys = KeyStore()
    notice = keys.put("https://sync.example.org/", "me", "HOSTKEY")
    assert notice is not None and "the keyring is locked" in notice
    assert keys.get("https://sync.example.org/", "me") == "HOSTKEY"
