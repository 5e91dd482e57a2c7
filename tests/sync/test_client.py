"""The sync protocol client against the real `anki.syncserver`, and the fixtures it runs on."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from .conftest import SyncServer
from .engine_device import EngineDevice


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
