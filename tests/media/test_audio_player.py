"""The audio player service: files in order off the caller's thread, stopped at once, every problem one line."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from studyapp.services.audio.player import NO_DEVICE, DeviceSink, SoundPlayer, SoundProblem
from tests.media.audio_files import write_tone

miniaudio = pytest.importorskip("miniaudio")


class RecordingSink:
    """Plays nothing: records each file and holds it until told to finish (or stopped)."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.release = threading.Event()
        self.closed = False

    def play(self, path: Path, stop: threading.Event) -> None:
        self.started.append(path.name)
        while not stop.is_set() and not self.release.is_set():
            time.sleep(0.002)
        if not stop.is_set():
            self.finished.append(path.name)

    def close(self) -> None:
        self.closed = True


def wait_for(condition, timeout: float = 5.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


def test_files_play_in_order_and_a_new_side_stops_the_old_one(tmp_path: Path) -> None:
    sink = RecordingSink()
    player = SoundPlayer(lambda line: None, lambda: sink)
    started = time.perf_counter()
    player.play([tmp_path / "a.mp3", tmp_path / "b.mp3"])
    assert time.perf_counter() - started < 0.05  # returns at once: the sink plays on another thread
    wait_for(lambda: sink.started == ["a.mp3"])
    player.play([tmp_path / "c.ogg"])  # the next card: a is cut short, b never plays
    wait_for(lambda: sink.started == ["a.mp3", "c.ogg"])
    sink.release.set()
    wait_for(lambda: sink.finished == ["c.ogg"])
    player.stop()
    player.close()
    assert sink.closed and sink.started == ["a.mp3", "c.ogg"]


def test_a_missing_device_is_one_line_and_playing_goes_on(tmp_path: Path) -> None:
    problems: list[str] = []

    def no_device() -> RecordingSink:
        raise SoundProblem(NO_DEVICE)

    player = SoundPlayer(problems.append, no_device)
    player.play([tmp_path / "a.mp3"])
    wait_for(lambda: problems == [NO_DEVICE])
    player.close()


def test_a_sink_that_crashes_is_one_line(tmp_path: Path) -> None:
    problems: list[str] = []

    class Broken(RecordingSink):
        def play(self, path: Path, stop: threading.Event) -> None:
            raise RuntimeError("driver fault\nsecond line")

    player = SoundPlayer(problems.append, Broken)
    player.play([tmp_path / "a.mp3", tmp_path / "b.mp3"])
    wait_for(lambda: len(problems) == 2)
    assert problems[0] == "cannot play a.mp3: RuntimeError: driver fault"
    player.close()


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".ogg", ".flac"])
def test_the_formats_of_real_decks_decode(tmp_path: Path, suffix: str) -> None:
    """Decode-only, as the device would pull them: every frame of a 0.1 s tone comes out."""
    path = write_tone(tmp_path / f"tone{suffix}")
    frames = sum(len(chunk) // 2 for chunk in miniaudio.stream_file(str(path), nchannels=2, sample_rate=44_100))
    assert 0.09 * 44_100 <= frames <= 0.16 * 44_100  # mp3 and Vorbis pad a little


@pytest.mark.parametrize("name", ["speech.m4a", "noise.mp3", "random.opus"])
def test_what_cannot_be_decoded_says_so(tmp_path: Path, name: str) -> None:
    """Neither miniaudio nor the fallback (PyAV, see test_audio_fallback) reads these: one line, nothing plays."""
    path = tmp_path / name
    if name.endswith(".m4a"):
        path.write_bytes(b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + bytes(64))  # a header, no audio
    elif name.endswith(".opus"):
        path.write_bytes(bytes(range(256)) * 8)
    else:
        path.write_bytes(b"this is not audio at all " * 40)
    sink = DeviceSink([miniaudio.Backend.NULL])
    try:
        with pytest.raises(SoundProblem, match=rf"^cannot play {name}: format not supported$"):
            sink.play(path, threading.Event())
    finally:
        sink.close()


def test_the_null_device_plays_a_real_file_to_its_end(tmp_path: Path) -> None:
    """miniaudio's null backend consumes the frames in real time, as a sound card would."""
    problems: list[str] = []
    player = SoundPlayer(problems.append, lambda: DeviceSink([miniaudio.Backend.NULL]))
    tone = write_tone(tmp_path / "tone.ogg", seconds=0.2)
    started = time.perf_counter()
    player.play([tone])
    wait_for(lambda: player.playing.is_set())
    wait_for(lambda: not player.playing.is_set())
    assert time.perf_counter() - started >= 0.15  # it played, not skipped
    assert problems == []
    player.close()
