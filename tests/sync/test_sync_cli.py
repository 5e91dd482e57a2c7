"""``studyapp sync`` and ``studyapp sync-status`` as a student or a script runs them.

Most run the command in this process (its keyring is the tests' in-memory one); the ones marked as such
start ``studyapp`` as a process, with the password piped in and keyring's ``fail`` backend (a headless box).
The server is the real ``anki.syncserver`` (``sync_server`` in conftest.py).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.cli.main import build_parser, run_command
from tests.conftest import REPO, collection_fingerprint

from .keyring_fake import MemoryKeyring, installed


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


def studyapp(collection: Path, capsys, *args: str, stdin: str = "") -> tuple[int, str, str]:  # noqa: ANN001
    """``studyapp --collection COLLECTION ARGS`` in this process: (exit status, standard output, standard error)."""
    parsed = build_parser().parse_args(["--collection", str(collection), *args])
    out = io.StringIO()
    capsys.readouterr()
    status = run_command(parsed, stdin=io.StringIO(stdin), stdout=out)
    return status, out.getvalue(), capsys.readouterr().err


def process(collection: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``studyapp`` as its own process, on keyring's ``fail`` backend (never the user's keyring)."""
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    environment["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return subprocess.run(
        [sys.executable, "-m", "studyapp", "--collection", str(collection), *args],
        input=stdin, capture_output=True, text=True, env=environment, cwd=REPO, timeout=120,
    )  # fmt: skip


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- before any server ----------------------------------------------------------------------------------------


def test_sync_before_signing_in_says_how_in_one_line(tmp_path: Path, capsys, memory_keyring) -> None:  # noqa: ANN001
    collection = tmp_path / "collection.db"
    status, out, err = studyapp(collection, capsys, "sync")
    assert status == 2 and out == ""
    line = one_line(err)
    assert line.startswith("studyapp sync: no sync server yet: sign in with 'studyapp sync --server URL")
    assert "--password-stdin" in line and "anki.syncserver" in line


def test_an_address_that_needs_confirming_or_https_is_refused_before_anything_is_sent(
    tmp_path: Path,
    capsys,
    memory_keyring,  # noqa: ANN001
) -> None:
    collection = tmp_path / "collection.db"
    studyapp(collection, capsys, "decks")  # made, with the bundled deck
    before = collection_fingerprint(collection)
    status, _out, err = studyapp(
        collection, capsys, "sync", "--server", "http://127.0.0.1:9/", "--user", "me", "--password-stdin", stdin="pw\n"
    )
    assert status == 2 and "--allow-insecure" in one_line(err)
    status, _out, err = studyapp(
        collection, capsys, "sync", "--server", "http://sync.example.org/", "--user", "me", "--allow-insecure",
        "--password-stdin", stdin="pw\n",
    )  # fmt: skip
    assert status == 2 and "sync.example.org needs https://" in one_line(err)
    status, _out, err = studyapp(collection, capsys, "sync", "--server", "sync.example.org", "--user", "me")
    assert status == 2 and "not a server address" in one_line(err)
    assert collection_fingerprint(collection) == before  # nothing remembered from a refused address


def test_a_remembered_address_without_a_key_says_how_to_sign_in(tmp_path: Path, capsys, memory_keyring) -> None:  # noqa: ANN001
    from studyapp.services.app import App
    from studyapp.services.sync.account import SyncSettings, save_sync_settings

    collection = tmp_path / "collection.db"
    app = App.open(collection)
    save_sync_settings(app.collection, SyncSettings("https://sync.example.org/", "me"))
    app.close()
    status, _out, err = studyapp(collection, capsys, "sync")
    assert status == 2
    assert one_line(err) == (
        "studyapp sync: not signed in to https://sync.example.org/ as me: "
        "run 'studyapp sync --password-stdin' with the password on standard input"
    )
    assert memory_keyring.stored == {}


# -- against the real server ----------------------------------------------------------------------------------


def test_sign_in_from_standard_input_then_sync_with_the_stored_key(
    tmp_path: Path,
    capsys,
    memory_keyring,
    sync_server,  # noqa: ANN001
) -> None:
    collection = tmp_path / "collection.db"
    status, out, _err = studyapp(collection, capsys, "sync-status")
    assert status == 0
    assert out.splitlines()[0].startswith("server: none (sign in with 'studyapp sync --server URL")
    assert "last sync: never" in out and "changes here since: yes" in out

    status, out, err = studyapp(
        collection, capsys, "sync", "--server", sync_server.endpoint, "--user", sync_server.user,
        "--allow-insecure", "--password-stdin", stdin=sync_server.password + "\n",
    )  # fmt: skip
    assert status == 0, err
    assert one_line(out).startswith("Synced: sent ")
    assert "sync: " in err and "Traceback" not in err  # progress lines on standard error
    ((service, name), key), *_ = memory_keyring.stored.items()
    assert (service, name) == ("studyapp-sync", f"{sync_server.user}@{sync_server.endpoint}") and key
    assert sync_server.password.encode() not in collection.read_bytes()  # the password is written nowhere
    assert sync_server.password not in memory_keyring.stored.values()

    status, out, err = studyapp(collection, capsys, "sync")  # the address, user and key remembered
    assert status == 0, err
    assert one_line(out) == "Synced: no changes on either side."

    status, out, _err = studyapp(collection, capsys, "sync-status")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"server: {sync_server.endpoint}"
    assert lines[1] == f"user: {sync_server.user} (signed in)"
    assert lines[2].startswith("last sync: 20") and lines[3] == "changes here since: no"


def test_a_wrong_password_is_one_line_exit_1_and_changes_nothing(
    tmp_path: Path,
    capsys,
    memory_keyring,
    sync_server,  # noqa: ANN001
) -> None:
    collection = tmp_path / "collection.db"
    studyapp(collection, capsys, "decks")
    before = collection_fingerprint(collection)
    status, out, err = studyapp(
        collection, capsys, "sync", "--server", sync_server.endpoint, "--user", sync_server.user,
        "--allow-insecure", "--password-stdin", stdin="not the password\n",
    )  # fmt: skip
    assert status == 1 and out == ""
    line = one_line(err)
    assert line.startswith("studyapp sync: ") and "127.0.0.1" in line
    assert collection_fingerprint(collection) == before
    assert memory_keyring.stored == {}


def test_a_key_the_server_no_longer_knows_is_removed(
    tmp_path: Path,
    capsys,
    memory_keyring,
    sync_server,  # noqa: ANN001
) -> None:
    collection = tmp_path / "collection.db"
    memory_keyring.stored[("studyapp-sync", f"{sync_server.user}@{sync_server.endpoint}")] = "stale"
    status, _out, err = studyapp(
        collection, capsys, "sync", "--server", sync_server.endpoint, "--user", sync_server.user, "--allow-insecure"
    )
    assert status == 1
    assert one_line(err).endswith("the stored key was removed: sign in again with --password-stdin")
    assert memory_keyring.stored == {}


def test_a_headless_box_signs_in_for_one_run_and_says_so(tmp_path: Path, sync_server) -> None:  # noqa: ANN001
    """As its own process, the password piped in, keyring's ``fail`` backend: the key lives for that run only."""
    collection = tmp_path / "collection.db"
    done = process(
        collection, "sync", "--server", sync_server.endpoint, "--user", sync_server.user, "--allow-insecure",
        "--password-stdin", stdin=sync_server.password + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Synced: sent " in done.stdout
    notices = [line for line in done.stderr.splitlines() if "keyring" in line]
    assert len(notices) == 1 and "kept only until studyapp closes" in notices[0]
    again = process(collection, "sync")
    assert again.returncode == 2
    assert one_line(again.stderr).startswith(f"studyapp sync: not signed in to {sync_server.endpoint} as user (no ")


def test_a_note_type_changed_here_says_to_send_the_whole_collection_then_does(
    tmp_path: Path,
    capsys,
    memory_keyring,
    sync_server,  # noqa: ANN001
) -> None:
    from studyapp.services.app import App
    from studyapp.services.notetypes.manage import NotetypeManager

    collection = tmp_path / "collection.db"
    status, _out, err = studyapp(
        collection, capsys, "sync", "--server", sync_server.endpoint, "--user", sync_server.user,
        "--allow-insecure", "--password-stdin", stdin=sync_server.password + "\n",
    )  # fmt: skip
    assert status == 0, err
    app = App.open(collection)
    try:
        basic = next(nt for nt in app.collection.notetypes.all() if nt.name == "Basic")
        NotetypeManager(app.collection, app.rng, app.clock).add_field(basic.id, "Source")
    finally:
        app.close()
    before = collection_fingerprint(collection)
    status, out, err = studyapp(collection, capsys, "sync")
    assert status == 1 and out == ""
    line = err.splitlines()[-1]  # (after the progress lines)
    assert "needs the whole collection" in line and "studyapp sync --full-upload" in line
    assert collection_fingerprint(collection) == before
    status, out, err = studyapp(collection, capsys, "sync", "--full-upload")
    assert status == 0, err
    assert one_line(out).startswith("Synced:")


def test_a_bug_mid_sync_is_one_line_exit_70_the_collection_as_it_was_and_the_details_logged(
    tmp_path: Path,
    capsys,
    memory_keyring,
    sync_server,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected error (a bug) while the server's notes are applied: before, a traceback. Now one line naming
    it and the log file that holds the traceback; the collection is exactly as it was (the sync's one transaction
    rolled back) and the next sync, the bug gone, takes everything."""
    from studyapp.services.sync.chunks_in import ChunksIn
    from tests.sync.engine_device import EngineDevice

    collection = tmp_path / "collection.db"
    sign_in = ("sync", "--server", sync_server.endpoint, "--user", sync_server.user, "--allow-insecure")
    status, _out, err = studyapp(collection, capsys, *sign_in, "--password-stdin", stdin=sync_server.password + "\n")
    assert status == 0, err
    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    if phone.sync() in ("full_sync", "full_download"):
        phone.full_download()
    phone.add_note("from the phone", "p")
    assert phone.sync() == "normal_sync"
    before = collection_fingerprint(collection)
    log = tmp_path / "logs" / "errors.log"
    monkeypatch.setenv("STUDYAPP_ERROR_LOG", str(log))

    def bug(*args: object, **kwargs: object) -> None:
        raise KeyError("a key the code forgot")

    with monkeypatch.context() as patch:
        patch.setattr(ChunksIn, "apply", bug)
        status, out, err = studyapp(collection, capsys, "sync")
    assert status == 70 and out == ""
    line = [text for text in err.splitlines() if not text.startswith("sync: ")]  # (the progress lines before it)
    assert line == [
        "studyapp sync: stopped by an unexpected error (KeyError: 'a key the code forgot'); what it had not "
        f"finished was not saved; the details, for a bug report, are in {log}"
    ]
    assert "Traceback" not in err
    assert collection_fingerprint(collection) == before
    written = log.read_text()
    assert written.startswith("=== ") and " studyapp sync\nTraceback (most recent call last):" in written
    assert ", in bug\n" in written and written.rstrip().endswith("KeyError: 'a key the code forgot'")

    status, out, err = studyapp(collection, capsys, "sync")
    assert status == 0, err
    assert "received 1 note" in one_line(out)
    phone.close()
