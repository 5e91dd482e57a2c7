"""The small questions bulk actions ask: which deck, which tags. Replaceable in tests (they block)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget


def ask_deck(parent: QWidget, names: list[str]) -> str | None:
    """A deck name: one of ``names``, or a new one typed in."""
    name, ok = QInputDialog.getItem(parent, "Change deck", "Move the selected cards to the deck:", names, 0, True)
    return name if ok and name.strip() else None


def ask_tags(parent: QWidget, title: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, "Tags, separated by spaces:")
    return text if ok and text.strip() else None
