"""Pictures for the prefetch tests: made with QImage at test time, each with its own colour."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage


def picture_bytes(number: int, size: tuple[int, int] = (1200, 800), kind: str = "PNG") -> bytes:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor.fromHsv(number * 47 % 360, 160, 220))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, kind)
    return bytes(data.data())


def write_picture(folder: Path, name: str, number: int, size: tuple[int, int] = (1200, 800)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(picture_bytes(number, size, "JPEG" if name.endswith(".jpg") else "PNG"))
    return path
