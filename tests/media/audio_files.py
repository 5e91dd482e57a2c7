"""Short tones written at test time in the formats real decks carry (soundfile's libsndfile encoders)."""

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


def write_tone(path: Path, seconds: float = 0.1) -> Path:
    """``path`` as a tone in the format its suffix names: .wav, .mp3, .ogg (Vorbis), .opus, .flac."""
    suffix = path.suffix.lower()
    if suffix == ".wav":
        path.write_bytes(wav_bytes(seconds))
        return path
    import numpy
    import soundfile

    rate = 48_000 if suffix == ".opus" else 44_100
    tone = (0.3 * numpy.sin(2 * numpy.pi * 440 * numpy.arange(int(seconds * rate)) / rate)).astype("float32")
    kind = {".mp3": ("MP3", None), ".ogg": ("OGG", "VORBIS"), ".opus": ("OGG", "OPUS"), ".flac": ("FLAC", None)}
    file_format, subtype = kind[suffix]
    soundfile.write(path, tone, rate, format=file_format, subtype=subtype)
    return path
