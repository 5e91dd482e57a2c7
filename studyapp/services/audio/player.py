"""Sounds played in order on a thread of their own, so that a key press never waits for audio.

``SoundPlayer.play(paths)`` stops what is playing and plays ``paths`` one after another; ``stop()`` stops.
Whatever goes wrong (no output device, a format the decoder does not read, a broken file) is told to
``on_problem`` in one short line ("cannot play x.m4a: format not supported") and the next file is tried:
audio never stops the study.

Where the sound goes is a ``Sink``: ``DeviceSink`` streams a file through ``miniaudio``'s device to the default
output, a little at a time (a long file is never decoded whole); tests and the benchmark give another one.
``open_pcm`` picks the decoder: miniaudio's own (mp3, Ogg Vorbis, FLAC, WAV), else ``fallback.PcmStream``
(PyAV: Opus, m4a/AAC, .3gp, AMR; loaded only when such a file plays); see ``pyproject.toml`` for why these
two. The device is opened on the player's thread when the first sound plays, so nothing of it is loaded
before then.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

NO_DEVICE = "cannot play audio: no sound output device"
RATE = 44_100
CHANNELS = 2
_TAIL_SECONDS = 0.15  # the device's last buffer is let play out before it is stopped


class SoundProblem(Exception):
    """Why a sound cannot be played, in one line for the status area."""


def not_supported(path: Path) -> SoundProblem:
    return SoundProblem(f"cannot play {path.name}: format not supported")


# What miniaudio decodes itself; anything else (or one of these it cannot read: Opus named .ogg) goes to PyAV.
MINIAUDIO_SUFFIXES = frozenset({".mp3", ".ogg", ".oga", ".wav", ".flac"})


def open_pcm(path: Path, rate: int = RATE, channels: int = CHANNELS) -> Any:
    """A started stream of ``path`` as interleaved signed 16-bit PCM: ``send(frames)`` gives at most that many
    frames, ``StopIteration`` at the end (miniaudio's ``stream_file`` protocol). ``SoundProblem`` if it cannot."""
    if path.suffix.lower() in MINIAUDIO_SUFFIXES:
        import miniaudio  # loaded with the first sound, not at start-up

        try:
            return miniaudio.stream_file(
                str(path), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=channels, sample_rate=rate
            )
        except miniaudio.DecodeError:
            pass  # not what its name says (Opus in .ogg, AAC in .mp3): PyAV may read it
        except OSError as error:
            raise SoundProblem(f"cannot play {path.name}: {error.strerror or error}") from None
    from studyapp.services.audio.fallback import PcmStream  # PyAV, only now

    return PcmStream(path, rate, channels)


class Sink(Protocol):
    def play(self, path: Path, stop: threading.Event) -> None:
        """Play ``path`` to its end, or until ``stop`` is set; ``SoundProblem`` if it cannot."""

    def close(self) -> None: ...


class DeviceSink:
    """The default sound output through miniaudio (``backends``: e.g. ``[Backend.NULL]``, a device that
    plays to nowhere in real time, for measuring where a machine has no sound card)."""

    def __init__(self, backends: Sequence[Any] | None = None) -> None:
        import miniaudio  # loaded with the first sound, not at start-up

        self._miniaudio = miniaudio
        try:
            self._device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16, nchannels=CHANNELS, sample_rate=RATE,
                backends=list(backends) if backends else None, app_name="studyapp",
            )  # fmt: skip
        except miniaudio.MiniaudioError:
            raise SoundProblem(NO_DEVICE) from None

    def play(self, path: Path, stop: threading.Event) -> None:
        miniaudio = self._miniaudio
        stream = open_pcm(path)
        done = threading.Event()
        broken: list[BaseException] = []

        def feed() -> Any:  # runs on the device's thread: nothing may escape it
            frames = yield b""
            try:
                while not stop.is_set():
                    frames = yield stream.send(frames)
            except StopIteration:
                pass
            except Exception as error:  # a file broken part-way: what came before has played
                broken.append(error)
            finally:
                done.set()

        source = feed()
        next(source)
        try:
            self._device.start(source)
        except miniaudio.MiniaudioError:
            raise SoundProblem(NO_DEVICE) from None
        try:
            while not done.wait(0.05):
                if stop.is_set():
                    break
            else:
                stop.wait(_TAIL_SECONDS)
        finally:
            self._device.stop()
            source.close()
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        if broken:
            line = f"cannot play {path.name} to its end: {type(broken[0]).__name__}: {broken[0]}"
            raise SoundProblem(line.splitlines()[0])

    def close(self) -> None:
        self._device.close()


class SoundPlayer:
    def __init__(
        self,
        on_problem: Callable[[str], None],
        sink_factory: Callable[[], Sink] = DeviceSink,
    ) -> None:
        self._on_problem = on_problem
        self._sink_factory = sink_factory
        self._sink: Sink | None = None
        self._requests: queue.SimpleQueue[tuple[int, tuple[Path, ...]] | None] = queue.SimpleQueue()
        self._generation = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.playing = threading.Event()  # set while a file plays (for tests and the benchmark)

    def play(self, paths: Sequence[Path]) -> None:
        """Stop what plays and play ``paths`` in order; returns at once."""
        if self._closed:
            return
        with self._lock:
            self._generation += 1
            self._stop.set()
            generation = self._generation
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="studyapp-audio", daemon=True)
                self._thread.start()
        if paths:
            self._requests.put((generation, tuple(paths)))

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            self._stop.set()

    def close(self, timeout: float = 2.0) -> None:
        """Stop, end the thread and release the device."""
        if self._closed:
            return
        self._closed = True
        self.stop()
        thread = self._thread
        if thread is not None:
            self._requests.put(None)
            thread.join(timeout)

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _run(self) -> None:
        try:
            while (request := self._requests.get()) is not None:
                generation, paths = request
                self._stop.clear()
                for path in paths:
                    if not self._current(generation):  # stopped, or another side is shown
                        break
                    self._play_one(path)
        finally:
            if self._sink is not None:
                self._sink.close()
                self._sink = None

    def _play_one(self, path: Path) -> None:
        try:
            if self._sink is None:
                self._sink = self._sink_factory()
            self.playing.set()
            try:
                self._sink.play(path, self._stop)
            finally:
                self.playing.clear()
        except SoundProblem as problem:
            self._on_problem(str(problem))
        except Exception as error:  # a decoder or driver fault: told, and studying goes on
            self._on_problem(f"cannot play {path.name}: {type(error).__name__}: {error}".splitlines()[0])
