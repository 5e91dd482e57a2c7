"""A collection for the gallery: the bundled deck, made-up notes of every kind, and a month of answers."""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.core.occlusion.shapes import Shape, ShapeKind
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.occlusion.editing import OcclusionDraft, add_occlusion_note

# Sunday 1 March 2026, 12:00 UTC: the screenshots do not change with the day they are made.
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

CAPITALS = [("France", "Paris"), ("Japan", "Tokyo"), ("Kenya", "Nairobi"), ("Peru", "Lima"),
            ("Canada", "Ottawa"), ("Egypt", "Cairo"), ("Norway", "Oslo"), ("Chile", "Santiago")]  # fmt: skip


def _picture() -> bytes:
    """A small labelled diagram (PNG) for the image occlusion note."""
    image = QImage(480, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#fdfaf3"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#5a4632"))
    painter.setBrush(QColor("#e9d8b4"))
    painter.drawEllipse(QRectF(150, 40, 180, 220))
    painter.setBrush(QColor("#c98f6b"))
    painter.drawEllipse(QRectF(205, 110, 70, 70))
    for y, label in ((60, "membrane"), (140, "nucleus"), (230, "cytoplasm")):
        painter.drawLine(330, y + 6, 360, y + 6)
        painter.drawText(QRectF(365, y - 6, 110, 24), Qt.AlignmentFlag.AlignLeft, label)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _beep(path: Path) -> None:
    """Half a second of a quiet 440 Hz tone (wav)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        frames = (int(3000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(4000))
        sound.writeframes(b"".join(struct.pack("<h", value) for value in frames))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def make_collection(path: Path) -> App:
    """The bundled Calcinosis deck, a deck of samples (cloze, maths, audio, occlusion, typed capitals), and
    thirty days of answers on the Calcinosis deck (ending two weeks ago, so that cards are due) for the
    statistics."""
    clock = FixedClock(NOW - timedelta(days=45))
    app = App.open(path, clock=clock, rng=random.Random(15))
    collection, rng = app.collection, app.rng
    samples = {name: create_deck(collection, rng, clock, f"Samples::{name}").id
               for name in ("Cloze", "Maths", "Audio", "Occlusion", "Capitals")}  # fmt: skip
    add_note(
        collection,
        rng,
        clock,
        samples["Cloze"],
        NoteText("The {{c1::mitochondrion}} is the powerhouse of the {{c2::cell}}.", "Biology 101"),
    )
    add_note(
        collection,
        rng,
        clock,
        samples["Maths"],
        NoteText(r"Solve \(x^2 - 5x + 6 = 0\)", r"\[x = \frac{5 \pm \sqrt{25 - 24}}{2} = 2 \text{ or } 3\]"),
    )
    _beep(app.media_dir / "tone-a440.wav")
    sound = NoteText("Which note is this? [sound:tone-a440.wav]", "A (440 Hz)")
    add_note(collection, rng, clock, samples["Audio"], sound)
    masks = (Shape(ShapeKind.RECT, 1, 0.74, 0.14, 0.24, 0.1), Shape(ShapeKind.RECT, 2, 0.74, 0.41, 0.24, 0.1),
             Shape(ShapeKind.RECT, 3, 0.74, 0.71, 0.24, 0.1))  # fmt: skip
    add_occlusion_note(collection, rng, clock, app.media_dir, samples["Occlusion"], _picture(),
                       OcclusionDraft(masks, True, "Parts of a cell"))  # fmt: skip
    for country, capital in CAPITALS:
        add_note(collection, rng, clock, samples["Capitals"], NoteText(f"Capital of {country}?", capital))
    _answer_for_a_month(app, clock)
    clock.advance(NOW - clock.now())
    return app


def _answer_for_a_month(app: App, clock: FixedClock) -> None:
    deck = app.find_deck("Calcinosis")
    if deck is None:
        return
    pick = random.Random(7)
    for day in range(30):
        clock.advance(timedelta(days=1) if day else timedelta())
        session = app.review_session(deck.id)
        for _ in range(12):
            if session.next_card() is None:
                break
            session.answer(pick.choices(list(Rating), weights=(1, 2, 8, 2))[0], duration_ms=pick.randint(2000, 9000))


def welcome_collection(path: Path) -> App:
    """A new user's collection: the bundled deck, nothing studied."""
    return App.open(path, clock=FixedClock(NOW), rng=random.Random(15))
