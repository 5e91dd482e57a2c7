"""What miniaudio cannot decode (Opus, AAC in .m4a/.mp4/.aac/.3gp, AMR in .3gp/.amr) is decoded by PyAV to the
device's PCM, a packet at a time, loaded only when such a file plays; what nothing decodes is one line."""

from __future__ import annotations

import array
import os
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from studyapp.services.audio import player as player_module
from studyapp.services.audio.player import RATE, DeviceSink, SoundPlayer, SoundProblem, open_pcm
from tests.media.audio_files import AMR_3GP, write_tone
from tests.media.test_audio_player import wait_for

miniaudio = pytest.importorskip("miniaudio")
pytest.importorskip("av")

SECONDS = 0.5
# (file name, how it is made): every kind a phone or another app leaves in a shared collection.
PHONE_AND_WEB_AUDIO = [
    ("tone.opus", None),
    ("tone.m4a", None),
    ("tone.mp4", None),
    ("tone.aac", None),
    ("recording.3gp", None),  # AAC, as AnkiDroid's recorder makes it
    ("old-phone.3gp", AMR_3GP),  # AMR-NB
    ("tone.amr", None),
    ("browser.webm", None),  # Opus in WebM
]


def drain(stream, frames: int = 700) -> bytes:  # noqa: ANN001 - miniaudio's generator or a PcmStream
    out = bytearray()
    try:
        while True:
            out += stream.send(frames)
    except StopIteration:
        return bytes(out)


def crossings_per_second(pcm: bytes, channels: int, rate: int) -> float:
    """Upward zero crossings of the first channel per second, over the middle of the sound."""
    samples = array.array("h", pcm)[::channels]
    middle = samples[len(samples) // 5 : len(samples) * 4 // 5]
    ups = sum(1 for a, b in zip(middle[:-1], middle[1:], strict=True) if a < 0 <= b)
    return ups * rate / len(middle)


@pytest.mark.parametrize(("name", "kind"), PHONE_AND_WEB_AUDIO)
def test_phone_recordings_decode_to_pcm_of_the_right_length_and_rate(
    tmp_path: Path, name: str, kind: tuple[str, str, int] | None
) -> None:
    path = write_tone(tmp_path / name, SECONDS, kind)
    with pytest.raises(miniaudio.DecodeError):
        miniaudio.stream_file(str(path))  # the reason for the fallback
    for rate, channels in ((RATE, 2), (22_050, 1)):
        pcm = drain(open_pcm(path, rate, channels))
        frames = len(pcm) // (2 * channels)
        # AAC and AMR carry an encoder delay and a last frame's padding: at most ~80 ms more.
        assert SECONDS * rate * 0.99 <= frames <= (SECONDS + 0.08) * rate, (rate, frames / rate)
        assert 430 <= crossings_per_second(pcm, channels, rate) <= 450  # still 440 Hz: resampled, not respun
        if channels == 2:
            left, right = array.array("h", pcm)[::2], array.array("h", pcm)[1::2]
            assert left == right and max(left) > 5000  # mono spread to both sides, and audible


def test_opus_named_ogg_falls_back_too(tmp_path: Path) -> None:
    """Some decks keep Opus in a file named .ogg: miniaudio refuses it, PyAV reads it."""
    opus = write_tone(tmp_path / "tone.opus", SECONDS)
    named_ogg = tmp_path / "tone.ogg"
    opus.rename(named_ogg)
    pcm = drain(open_pcm(named_ogg))
    assert abs(len(pcm) // 4 - SECONDS * RATE) < 0.01 * RATE


def test_the_device_plays_them_to_the_end_with_no_line(tmp_path: Path) -> None:
    """The reviewer's own player on miniaudio's null device (which consumes frames in real time)."""
    problems: list[str] = []
    sink = DeviceSink([miniaudio.Backend.NULL])
    files = [write_tone(tmp_path / name, 0.2, kind) for name, kind in PHONE_AND_WEB_AUDIO[:3]]
    try:
        for path in files:
            stop = threading.Event()
            timer = threading.Timer(5.0, stop.set)  # a stuck play is a failure, not a hang
            timer.start()
            sink.play(path, stop)
            timer.cancel()
            assert not stop.is_set()
        played: list[str] = []

        class Counting(DeviceSink):
            def play(self, path: Path, stop: threading.Event) -> None:
                super().play(path, stop)
                played.append(path.name)

        player = SoundPlayer(problems.append, lambda: Counting([miniaudio.Backend.NULL]))
        player.play(files)
        wait_for(lambda: len(played) == len(files), timeout=10)
        player.close()
    finally:
        sink.close()
    assert problems == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("random.m4a", os.urandom(4096)),
        ("empty.opus", b""),
        ("header-only.m4a", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + bytes(64)),
        ("noise.mp3", b"this is not audio at all " * 40),  # miniaudio refuses it, and so does PyAV
        ("notes.3gp", b"WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n"),
    ],
)
def test_what_nothing_decodes_is_one_line(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SoundProblem, match=rf"^cannot play {name}: format not supported$"):
        open_pcm(path)


def test_a_video_without_sound_is_not_supported(tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width = stream.height = 16
        for _ in range(3):
            frame = av.VideoFrame(16, 16, "yuv420p")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(SoundProblem, match=r"^cannot play clip\.mp4: format not supported$"):
        open_pcm(path)


def test_a_two_hour_recording_is_never_held_whole(tmp_path: Path) -> None:
    """Decoded as the device asks: Python never holds more than a few packets of PCM at once (30 s of
    stereo 16-bit would be 5.3 MB; the bound is 200 kB), and the first frames come before the rest is read."""
    path = write_tone(tmp_path / "lecture.m4a", 30.0)
    drain(open_pcm(write_tone(tmp_path / "warm.m4a")))  # the modules' own first-use allocations, not counted
    tracemalloc.start()
    try:
        stream = open_pcm(path)
        _, after_open = tracemalloc.get_traced_memory()
        frames = 0
        while True:
            try:
                frames += len(stream.send(512)) // 4
            except StopIteration:
                break
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert frames >= 30 * RATE
    assert after_open < 200_000 and peak < 200_000, (after_open, peak)


def test_a_file_broken_part_way_is_one_line_after_what_played(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    class Breaks:
        def __init__(self) -> None:
            self.sent = 0

        def send(self, frames: int) -> bytes:
            self.sent += 1
            if self.sent > 3:
                raise ValueError("Invalid data found when processing input\n(more)")
            return bytes(frames * 4)

        def close(self) -> None:
            pass

    monkeypatch.setattr(player_module, "open_pcm", lambda path: Breaks())
    sink = DeviceSink([miniaudio.Backend.NULL])
    try:
        with pytest.raises(SoundProblem) as raised:
            sink.play(tmp_path / "cut.m4a", threading.Event())
    finally:
        sink.close()
    assert str(raised.value) == "cannot play cut.m4a to its end: ValueError: Invalid data found when processing input"


def test_pyav_is_loaded_only_when_such_a_file_plays(tmp_path: Path) -> None:
    mp3 = write_tone(tmp_path / "a.mp3")
    opus = write_tone(tmp_path / "b.opus")
    script = f"""
import sys
from pathlib import Path
from studyapp.services.audio.player import open_pcm
stream = open_pcm(Path({str(mp3)!r}))
print("av" in sys.modules, "studyapp.services.audio.fallback" in sys.modules)
stream = open_pcm(Path({str(opus)!r}))
print("av" in sys.modules, "studyapp.services.audio.fallback" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.split() == ["False", "False", "True", "True"]
