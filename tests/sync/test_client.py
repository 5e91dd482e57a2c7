"""The sync protocol client against the real `anki.syncserver`, and the fixtures it runs on."""

from __future__ import annotations

import hashlib
import io
import json
import random
import sqlite3
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from studyapp.services.sync.client import SyncClient
from studyapp.services.sync.errors import SyncError

from .conftest import SyncServer
from .engine_device import EngineDevice

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4"
    "5b0000000049454e44ae426082"
)


def test_server_fixture_answers_health_and_stops_and_starts(sync_server: SyncServer) -> None:
    with urllib.request.urlopen(f"{sync_server.endpoint}health", timeout=5) as reply:
        assert reply.status == 200
    pid = sync_server.process.pid
    sync_server.stop()
    assert not sync_server.running
    assert not Path(f"/proc/{pid}").exists()
    sync_server.start()
    assert sync_server.running


def test_engine_devices_share_a_note_and_an_answer_through_the_server(sync_server: SyncServer, tmp_path: Path) -> None:
    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    tablet = EngineDevice.for_server(tmp_path / "tablet", sync_server)
    try:
        note_id = phone.add_note("capital of France?", "Paris", tags=("geo",))
        assert phone.sync() == "full_upload"  # a fresh server: the first sync is a full one
        phone.full_upload()
        assert tablet.sync() == "full_download"
        tablet.full_download()
        assert [row[:3] for row in tablet.notes()] == [row[:3] for row in phone.notes()]

        log_id = tablet.answer(tablet.card_ids(note_id)[0], 3)
        assert tablet.sync() == "normal_sync"
        assert phone.sync() == "normal_sync"
        assert [row[0] for row in phone.revlog()] == [log_id]
    finally:
        phone.close()
        tablet.close()


# --- the protocol client against the real server -----------------------------------------------------------------

EMPTY_SERVER_COUNTS = [[0, 0, 0], 0, 0, 0, 0, 6, 1, 1]  # 6 stock note types, the Default deck and its options


def signed_in(server: SyncServer, **options) -> SyncClient:
    client = SyncClient(server.endpoint, **options)
    client.host_key(server.user, server.password)
    return client


def empty_round(client: SyncClient) -> dict:
    """start -> applyGraves -> applyChanges -> chunk until done -> applyChunk(done); the server's changes."""
    assert client.start(0, False) == {"cards": [], "notes": [], "decks": []}
    client.apply_graves({"cards": [], "notes": [], "decks": []})
    changes = client.apply_changes({"models": [], "decks": [[], []], "tags": []})
    while not client.chunk().get("done"):
        pass
    client.apply_chunk({"done": True})
    return changes


def test_sign_in_trades_the_password_for_a_host_key(sync_server: SyncServer) -> None:
    client = SyncClient(sync_server.endpoint)
    assert client.host_key == ""
    key = client.host_key(sync_server.user, sync_server.password)
    assert len(key) == 40 and key == client.host_key
    other = SyncClient(sync_server.endpoint).host_key(sync_server.user2, sync_server.password2)
    assert other != key
    # a key given to a new client (as the keyring gives it back) opens the account without the password
    assert SyncClient(sync_server.endpoint, key).meta()["usn"] == 0


def test_a_wrong_password_is_one_auth_line_naming_the_server(sync_server: SyncServer) -> None:
    client = SyncClient(sync_server.endpoint)
    with pytest.raises(SyncError) as caught:
        client.host_key(sync_server.user, "wrong")
    assert caught.value.kind == "auth" and caught.value.status == 403
    assert "\n" not in str(caught.value) and f"127.0.0.1:{sync_server.port}" in str(caught.value)
    assert "user name and password" in str(caught.value)
    assert client.host_key == ""
    with pytest.raises(SyncError) as caught:
        SyncClient(sync_server.endpoint, "0" * 40).meta()  # a key the server does not know
    assert caught.value.kind == "auth" and "sign in again" in str(caught.value)


def test_meta_of_an_empty_server(sync_server: SyncServer) -> None:
    meta = signed_in(sync_server).meta()
    assert {"mod", "scm", "usn", "ts", "msg", "cont", "hostNum", "empty", "media_usn"} <= meta.keys()
    assert (meta["mod"], meta["usn"], meta["empty"], meta["cont"], meta["media_usn"]) == (0, 0, True, True, 0)
    assert abs(meta["ts"] - time.time()) < 60 and meta["scm"] > 0


def test_an_empty_normal_sync_round_passes_the_sanity_check_with_the_servers_counts(sync_server: SyncServer) -> None:
    client = signed_in(sync_server)
    before = client.meta()
    changes = empty_round(client)
    assert [notetype["name"] for notetype in changes["models"]] == [
        "Basic",
        "Basic (and reversed card)",
        "Basic (optional reversed card)",
        "Basic (type in the answer)",
        "Cloze",
        "Image Occlusion",
    ]
    decks, deck_configs = changes["decks"]
    assert [deck["name"] for deck in decks] == ["Default"] and len(deck_configs) == 1
    assert changes["tags"] == [] and isinstance(changes["conf"], dict) and isinstance(changes["crt"], int)
    # the server compares cards, notes, revlog, note types, decks and deck configs; not due counts, not graves
    reply = client.sanity_check([[7, 8, 9], 0, 0, 0, 3, 6, 1, 1])
    assert reply == {"status": "ok", "c": EMPTY_SERVER_COUNTS, "s": EMPTY_SERVER_COUNTS}
    new_mod = client.finish()
    after = client.meta()
    assert new_mod == after["mod"] > before["mod"] and after["usn"] == before["usn"] + 1


def test_a_count_that_differs_fails_the_sanity_check_and_the_server_drops_the_sync(sync_server: SyncServer) -> None:
    client = signed_in(sync_server)
    empty_round(client)
    reply = client.sanity_check([[0, 0, 0], 0, 0, 0, 0, 5, 1, 1])
    assert reply["status"] == "bad" and reply["s"] == EMPTY_SERVER_COUNTS
    client.abort()
    assert client.meta()["usn"] == 0  # nothing was committed on the server
    # finish after a bad check is refused (400), yet the server has moved its usn on: never call it then
    empty_round(client)
    assert client.sanity_check([[0, 0, 0], 0, 0, 0, 0, 5, 1, 1])["status"] == "bad"
    with pytest.raises(SyncError) as caught:
        client.finish()
    assert caught.value.kind == "full_sync"
    assert client.meta()["usn"] == 1


def test_abort_ends_the_servers_sync_and_never_raises(sync_server: SyncServer) -> None:
    client = signed_in(sync_server)
    client.start(0, False)
    client.abort()
    with pytest.raises(SyncError) as caught:
        client.chunk()  # no sync open any more
    assert caught.value.kind == "busy" and caught.value.status == 409
    sync_server.stop()
    started = time.monotonic()
    client.abort()  # the server is gone: still no exception
    assert time.monotonic() - started < 5


def test_a_second_session_takes_the_sync_over_and_the_first_gets_busy(sync_server: SyncServer) -> None:
    first = signed_in(sync_server)
    first.start(0, False)
    second = SyncClient(sync_server.endpoint, first.host_key)
    assert second.session_key != first.session_key
    second.start(0, False)
    with pytest.raises(SyncError) as caught:
        first.apply_changes({"models": [], "decks": [[], []], "tags": []})
    assert caught.value.kind == "busy" and "another sync" in str(caught.value)
    second.abort()


def test_a_stopped_server_is_a_network_error_naming_the_address_in_bounded_time(sync_server: SyncServer) -> None:
    client = signed_in(sync_server, timeout=5)
    client.start(0, False)
    sync_server.stop()  # mid-sync
    started = time.monotonic()
    with pytest.raises(SyncError) as caught:
        client.apply_graves({"cards": [], "notes": [], "decks": []})
    assert time.monotonic() - started < 5
    assert caught.value.kind == "network"
    assert str(caught.value) == (
        f"cannot reach the sync server at 127.0.0.1:{sync_server.port}: connection refused (is the server running?)"
    )
    sync_server.start()  # back, on the same port and data: the next sync starts clean
    fresh = SyncClient(sync_server.endpoint, client.host_key)
    assert fresh.meta()["usn"] == 0
    empty_round(fresh)
    assert fresh.sanity_check(EMPTY_SERVER_COUNTS)["status"] == "ok"
    fresh.finish()


def test_a_clock_ten_minutes_off_stops_the_sync_at_meta(sync_server: SyncServer) -> None:
    client = signed_in(sync_server, now=lambda: time.time() + 600)
    with pytest.raises(SyncError) as caught:
        client.meta()
    assert caught.value.kind == "clock"
    assert str(caught.value).startswith("this computer's clock is 10 minutes ahead of the sync server at 127.0.0.1:")
    behind = signed_in(sync_server, now=lambda: time.time() - 600)
    with pytest.raises(SyncError, match="10 minutes behind"):
        behind.meta()
    assert signed_in(sync_server, now=lambda: time.time() + 240).meta()["usn"] == 0  # 4 minutes: allowed


def test_cancel_between_calls_and_while_a_body_streams(sync_server: SyncServer, tmp_path: Path) -> None:
    stop = False
    client = signed_in(sync_server, cancelled=lambda: stop)
    client.start(0, False)
    stop = True
    with pytest.raises(SyncError) as caught:
        client.apply_graves({"cards": [], "notes": [], "decks": []})
    assert caught.value.kind == "cancelled"
    client.abort()  # abort goes out even though the sync is cancelled

    polls = 0

    def after_two_pieces() -> bool:
        nonlocal polls
        polls += 1
        return polls > 3  # the check before the call, then two 64 KiB pieces go out

    uploader = signed_in(sync_server, cancelled=after_two_pieces)
    with pytest.raises(SyncError) as caught:
        uploader.upload(random.Random(1).randbytes(1_000_000))  # incompressible: about 16 pieces
    assert caught.value.kind == "cancelled"
    assert signed_in(sync_server).meta()["empty"] is True  # nothing reached the server's collection


def test_upload_a_collection_of_the_engine_then_download_gives_its_notes_back(
    sync_server: SyncServer, tmp_path: Path
) -> None:
    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    note_ids = [phone.add_note(f"question {n}", f"answer {n}", tags=("t",)) for n in range(3)]
    phone.answer(phone.card_ids(note_ids[0])[0], 3)
    notes = phone.notes()
    phone.col.close(downgrade=False)  # folded into one file, as a full upload sends it
    client = signed_in(sync_server)
    client.upload(phone.path.read_bytes())
    meta = client.meta()
    assert meta["empty"] is False

    downloaded = tmp_path / "downloaded.anki2"
    downloaded.write_bytes(client.download())
    with sqlite3.connect(downloaded) as conn:
        rows = conn.execute("SELECT id, guid, mid, mod, usn, tags, flds FROM notes ORDER BY id").fetchall()
        revlog = conn.execute("SELECT count(*) FROM revlog").fetchone()[0]
    assert [row[:3] + row[5:] for row in rows] == [row[:3] + row[5:] for row in notes] and revlog == 1

    tablet = EngineDevice.for_server(tmp_path / "tablet", sync_server)  # and the engine reads what we sent
    try:
        tablet.full_download()
        assert [row[:3] for row in tablet.notes()] == [row[:3] for row in notes]
    finally:
        tablet.close()


def test_a_collection_the_server_cannot_open_is_refused_in_one_line(sync_server: SyncServer) -> None:
    client = signed_in(sync_server)
    with pytest.raises(SyncError) as caught:
        client.upload(b"not a collection")
    assert caught.value.kind == "server" and "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"the sync server at 127.0.0.1:{sync_server.port} refused the collection: ")
    assert client.meta()["empty"] is True


def test_chunks_from_the_server_are_rows_in_ankis_column_order(sync_server: SyncServer, tmp_path: Path) -> None:
    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        note_id = phone.add_note("capital of Peru?", "Lima", tags=("geo",))
        card_id = phone.card_ids(note_id)[0]
        log_id = phone.answer(card_id, 3)
        phone.sync()
        phone.full_upload()
    finally:
        phone.close()
    client = signed_in(sync_server)
    client.start(0, False)
    client.apply_changes({"models": [], "decks": [[], []], "tags": []})
    rows: dict[str, list] = {"revlog": [], "cards": [], "notes": []}
    while True:
        chunk = client.chunk()
        for key in rows:
            rows[key] += chunk.get(key, [])
        if chunk["done"]:
            break
    client.abort()
    (note,) = rows["notes"]
    assert note[0] == note_id and note[5] == " geo " and note[6] == "capital of Peru?\x1fLima" and len(note) == 11
    (card,) = rows["cards"]
    assert card[:2] == [card_id, note_id] and len(card) == 18 and '"s":' in card[17]  # FSRS memory state in data
    (entry,) = rows["revlog"]
    assert entry[:2] == [log_id, card_id] and entry[3] == 3 and len(entry) == 9


def test_media_calls_on_an_empty_server_and_after_the_engine_sent_a_file(
    sync_server: SyncServer, tmp_path: Path
) -> None:
    client = signed_in(sync_server)
    begin = client.media_begin()
    assert begin["usn"] == 0 and begin["sk"] == client.host_key
    assert client.media_changes(0) == []
    assert client.media_sanity(0) == "OK"

    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        phone.sync()
        phone.full_upload()
        name = phone.add_media("dot.png", PNG)
        phone.sync_media()
    finally:
        phone.close()
    ((listed, usn, sha1),) = client.media_changes(0)
    assert listed == name and usn == 1 and sha1 == hashlib.sha1(PNG).hexdigest()
    with zipfile.ZipFile(io.BytesIO(client.download_files([name]))) as archive:
        manifest = json.loads(archive.read("_meta"))
        assert {manifest[entry]: archive.read(entry) for entry in manifest} == {name: PNG}
    assert client.media_sanity(1) == "OK" and client.media_sanity(2) == "mediaSanity"
