"""What the import dialog offers: formats, delimiters, encodings, HTML or not, duplicate policies; combo helpers.

Item data is never ``None`` ("Auto" is ``AUTO``): a plain value reads more
clearly, and an empty QVariant is what some PySide6 builds mishandle (see the pin in pyproject).
"""

from __future__ import annotations

import codecs

from PySide6.QtWidgets import QComboBox

from studyapp.core.drafts import DuplicatePolicy

FORMATS = (
    ("qa", "Q&A text"),
    ("csv", "CSV / TSV"),
    ("quizlet", "Quizlet"),
    ("apkg", "Anki package (.apkg)"),
    ("colpkg", "Anki collection (.colpkg)"),
)
DELIMITERS = (("\t", "Tab"), (",", "Comma"), (";", "Semicolon"), ("|", "Pipe"), (":", "Colon"), (" ", "Space"))
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "cp1250", "mac-roman", "shift_jis", "gb18030")
POLICIES = (
    (DuplicatePolicy.UPDATE, "Update existing — keeps progress"),
    (DuplicatePolicy.KEEP, "Keep existing"),
    (DuplicatePolicy.ADD, "Add as duplicates"),
)
AUTO = ""  # "Auto": leave it to detection
HTML_CHOICES = (("html", "HTML"), ("plain", "Plain text"))
HTML_FROM = {"detected": "detected from the text", "header": "the file’s #html header", "chosen": "your choice"}
TERM_SEPARATORS = ("tab", "comma")  # Quizlet's choices; any other text may be typed
CARD_SEPARATORS = ("newline", "semicolon")
TEXT_FORMATS = ("qa", "csv", "quizlet")
PACKAGE_FORMATS = ("apkg", "colpkg")


def codec_name(encoding: str) -> str:
    """Python's canonical name (``latin-1`` and ``iso8859-1`` are one codec), as the importers report it."""
    try:
        return codecs.lookup(encoding).name.replace("_", "-")
    except LookupError:
        return encoding


def make_combo(items: tuple[tuple[object, str], ...] = (), name: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for data, label in items:
        combo.addItem(label, data)
    return combo


def select_data(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
