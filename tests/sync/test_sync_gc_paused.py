"""A sync pauses Python's cycle collector (``gc_pause.cyclic_gc_paused``): a whole collection's rows are ~500,000
acyclic lists and tuples alive until the end, and every full collection walked them all again (1.4 s of a 10,000
note / 200,000 answer sync down, 0.9 s up, measured with gc.callbacks). It runs again after, also after a failure."""

from __future__ import annotations

import gc

import pytest

from studyapp.services.sync import chunks_in
from studyapp.services.sync.errors import SyncError
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here


def test_the_collector_is_paused_during_a_sync_and_back_after(
    here: Here, device: EngineDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    device.add_note("phone", "side")
    assert device.sync() in ("full_sync", "full_upload")
    device.full_upload()
    seen: list[bool] = []
    apply = chunks_in.ChunksIn.apply

    def watched(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return apply(self, *args, **kwargs)

    monkeypatch.setattr(chunks_in.ChunksIn, "apply", watched)
    assert gc.isenabled()
    here.sync()
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_failed_sync(here: Here, sync_server: SyncServer) -> None:
    here.add("q", "a")
    sync_server.stop()
    with pytest.raises(SyncError):
        here.sync()
    assert gc.isenabled()
