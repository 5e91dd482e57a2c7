"""The import's warning about fields that hold a long run of text without a space (base64, a long web address,
a DNA sequence): imported as they are, but such text is shown cut (the card view's budget, "Show all") and
a field too long for the editor is held there (``ui.editing.long_field``), so the student is told.

One linear scan: a field shorter than ``WARN_RUN`` characters (almost all) costs one length test.
"""

from __future__ import annotations

from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.core.text.face_budget import WARN_RUN, longest_run

_STOCK_NAMES = ("Front", "Back")


def _field_name(note: NoteDraft, position: int, draft: ImportDraft) -> str:
    if note.fields and note.notetype:
        for notetype in draft.notetypes:
            if notetype.name == note.notetype and position < len(notetype.field_names):
                return notetype.field_names[position]
        return f"field {position + 1}"
    return _STOCK_NAMES[position] if position < len(_STOCK_NAMES) else f"field {position + 1}"


def long_run_warning(draft: ImportDraft) -> str | None:
    """One line: how many fields hold a run of over ``WARN_RUN`` characters, and the first of them."""
    count = 0
    first = ""
    for index, note in enumerate(draft.notes):
        for position, value in enumerate(note.fields or (note.front, note.back)):
            if len(value) > WARN_RUN and longest_run(value) > WARN_RUN:
                count += 1
                if not first:
                    place = f"line {note.line}" if note.line else f"note {index + 1}"
                    first = f"{place} {_field_name(note, position, draft)!r}"
    if not count:
        return None
    holds = "1 field holds" if count == 1 else f"{count:,} fields hold"
    return (
        f"{holds} an unbroken run of over {WARN_RUN:,} characters (base64, a long address?), e.g. {first}: "
        "imported as it is; cards show such text cut, with Show all"
    )
