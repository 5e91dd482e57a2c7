"""Short tones written at test time in the formats real decks carry: soundfile's libsndfile encoders (mp3, Ogg
Vorbis, Opus, flac) and PyAV's FFmpeg ones (AAC in .m4a, .mp4, .aac and .3gp; AMR-NB in .3gp and .amr, as older
Android phones record; Opus in .webm, as browsers do)."""

from __future__ import annotations

import math
import struct
from pathlib import Path


def wav_bytes(seconds: float = 0.1, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV of a 440 Hz tone, written by hand (no library)."""
    frames = int(seconds * rate)
    samples = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(frames))
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(samples), b"WAVE", b"fmt ", 16, 1, 1, rate,
                         rate * 2, 2, 16, b"data", len(samples))  # fmt: skip
    return header + samples


# suffix -> (FFmpeg container, encoder, sample rate): what phones and other apps write.
FFMPEG_KINDS = {
    ".m4a": ("ipod", "aac", 44_100),
    ".mp4": ("mp4", "aac", 44_100),
    ".aac": ("adts", "aac", 44_100),
    ".3gp": ("3gp", "aac", 16_000),  # Android's MediaRecorder: THREE_GPP with AAC
    ".amr": ("amr", "libopencore_amrnb", 8_000),
    ".webm": ("webm", "libopus", 48_000),  # a browser's recording
}
AMR_3GP = ("3gp", "libopencore_amrnb", 8_000)  # older phones: THREE_GPP with AMR-NB


def write_tone(path: Path, seconds: float = 0.1, kind: tuple[str, str, int] | None = None) -> Path:
    """``path`` as a 440 Hz tone in the format its suffix names: .wav, .mp3, .ogg (Vorbis), .opus, .flac,
    or one of ``FFMPEG_KINDS`` (``kind`` overrides: e.g. ``AMR_3GP``)."""
    suffix = path.suffix.lower()
    if suffix == ".wav":
        path.write_bytes(wav_bytes(seconds))
        return path
    if kind is not None or suffix in FFMPEG_KINDS:
        return _write_with_ffmpeg(path, seconds, *(kind or FFMPEG_KINDS[suffix]))
    import numpy
    import soundfile

    rate = 48_000 if suffix == ".opus" else 44_100
    tone = (0.3 * numpy.sin(2 * numpy.pi * 440 * numpy.arange(int(seconds * rate)) / rate)).astype("float32")
    kind = {".mp3": ("MP3", None), ".ogg": ("OGG", "VORBIS"), ".opus": ("OGG", "OPUS"), ".flac": ("FLAC", None)}
    file_format, subtype = kind[suffix]
    soundfile.write(path, tone, rate, format=file_format, subtype=subtype)
    return path


def _write_with_ffmpeg(path: Path, seconds: float, container: str, codec: str, rate: int) -> Path:
    import av
    import numpy

    tone = (0.3 * numpy.sin(2 * numpy.pi * 440 * numpy.arange(int(seconds * rate)) / rate)).astype("float32")
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        size = stream.codec_context.frame_size or 1024
        sample_format = stream.codec_context.format.name  # fltp for AAC, s16 for AMR
        for start in range(0, len(tone), size):
            chunk = tone[start : start + size]
            if sample_format != "fltp":
                chunk = (chunk * 32767).astype("int16")
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format=sample_format, layout="mono")
            frame.sample_rate = rate
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
