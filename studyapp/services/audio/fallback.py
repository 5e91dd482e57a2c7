"""The audio miniaudio cannot decode: Opus (``.opus``, or Opus in a file named ``.ogg``/``.webm``), AAC
(``.m4a``, ``.mp4``, ``.aac``, and the ``.3gp`` of Android's recorder, which AnkiDroid makes) and AMR (older
phones' ``.3gp``/``.amr``), decoded by PyAV (FFmpeg inside; see ``pyproject.toml`` for why this library).

``PcmStream`` behaves as miniaudio's own ``stream_file`` generator does, so the same device plays it: send it a
number of frames, get at most that many frames of interleaved signed 16-bit PCM at the device's rate and
channels; it stops (``StopIteration``) at the file's end. It decodes one packet at a time as the device asks, so
a two-hour recording starts at once and never lies whole in memory (what is held: the container's index, one
decoded packet and the frames not yet taken).

PyAV is imported here, and this module only when such a file plays: nothing of FFmpeg is loaded for mp3.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from studyapp.services.audio.player import SoundProblem, not_supported

_SAMPLE_BYTES = 2  # signed 16-bit


def _av() -> Any:
    try:
        import av
    except ImportError:  # an install without it: the file is simply not playable here
        return None
    return av


class PcmStream:
    """A file decoded a packet at a time to the device's PCM (see the module's doc)."""

    def __init__(self, path: Path, rate: int, channels: int) -> None:
        av = _av()
        if av is None:
            raise not_supported(path)
        self.path = path
        self.rate = rate
        self.channels = channels
        self._frame_bytes = channels * _SAMPLE_BYTES
        try:
            self._container = av.open(str(path), metadata_errors="ignore")
        except (FileNotFoundError, PermissionError, IsADirectoryError) as error:
            raise SoundProblem(f"cannot play {path.name}: {error.strerror or error}") from None
        except (av.FFmpegError, ValueError, OSError):
            raise not_supported(path) from None
        try:
            if not self._container.streams.audio:
                raise not_supported(path)  # a video without sound, a picture, ...
            stream = self._container.streams.audio[0]
            self._resampler = av.AudioResampler(format="s16", layout="stereo" if channels == 2 else "mono", rate=rate)
            self._chunks = self._decode(stream)
            self._pending = bytearray()
            self.frames_out = 0
            # The first sound is decoded now, so that a file that is not audio after all fails here,
            # with one line, before the device starts.
            if not self._fill(1):
                raise not_supported(path)
        except SoundProblem:
            self.close()
            raise
        except (av.FFmpegError, ValueError, OSError):
            self.close()
            raise not_supported(path) from None

    def _decode(self, stream: Any) -> Iterator[bytes]:
        resample = self._resampler.resample
        for packet in self._container.demux(stream):
            for frame in packet.decode():
                for out in resample(frame):
                    yield self._pcm(out)
        for out in resample(None):  # what the resampler still holds
            yield self._pcm(out)

    def _pcm(self, frame: Any) -> bytes:
        # Packed s16: one plane, the channels interleaved; the plane may be padded past its samples.
        return bytes(memoryview(frame.planes[0])[: frame.samples * self._frame_bytes])

    def _fill(self, frames: int) -> bool:
        """Decode until ``frames`` frames are pending or the file ends; whether any are."""
        want = frames * self._frame_bytes
        while len(self._pending) < want:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        return bool(self._pending)

    def send(self, frames: int | None) -> bytes:
        """At most ``frames`` frames of PCM (1024 when ``None``); ``StopIteration`` at the end."""
        frames = frames or 1024
        if not self._fill(frames):
            self.close()
            raise StopIteration
        size = min(len(self._pending), frames * self._frame_bytes)
        out = bytes(self._pending[:size])
        del self._pending[:size]
        self.frames_out += size // self._frame_bytes
        return out

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                yield self.send(None)
            except StopIteration:
                return

    def close(self) -> None:
        container = getattr(self, "_container", None)
        if container is not None:
            self._container = None
            container.close()
