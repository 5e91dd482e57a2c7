"""Opening the image occlusion editor from the main window (Tools, E on an occlusion card) and from Add."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from studyapp.services.app import App
from studyapp.services.occlusion.editing import occlusion_note_of_card
from studyapp.ui.occlusion.occlusion_dialog import OcclusionDialog


def open_occlusion(app: App, parent: QWidget, deck_id: int | None = None, note_id: int | None = None,
                   on_closed: Callable[[OcclusionDialog], None] | None = None) -> OcclusionDialog:  # fmt: skip
    """The editor, window-modal over ``parent``: a new note for ``deck_id``, or the note ``note_id``."""
    dialog = OcclusionDialog(app, deck_id, note_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    if on_closed is not None:
        dialog.finished.connect(lambda _result: on_closed(dialog))
    dialog.open()
    return dialog


def occlusion_note(app: App, card_id: int) -> int | None:
    """The card's note id when the editor for it is this one (an image occlusion note)."""
    return occlusion_note_of_card(app.collection, card_id)
