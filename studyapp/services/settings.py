"""The student's settings: theme, card font size and the hour the study day starts; the note type last added
to each deck (the Add dialog starts with it).

They are stored in the collection (``App.set_setting``), so they move with it to another computer.
A stored value that is missing or out of range reads as the default rather than failing at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR
from studyapp.services.decks.decks import ROLLOVER_SETTING
from studyapp.storage import Collection

THEME_SETTING = "gui.theme"
FONT_SIZE_SETTING = "gui.card_font_size"
COLLAPSED_SETTING = "gui.collapsed_decks"
NOTETYPE_BY_DECK_SETTING = "gui.notetype_by_deck"  # {deck id: the note type last added to it}
LAST_NOTETYPE_SETTING = "gui.last_notetype"  # the note type of the last note added, for a deck not used yet
THEMES = ("system", "light", "dark")  # "system" follows the OS's light or dark preference
DEFAULT_FONT_SIZE = 20  # pixels: the card view's own default
FONT_SIZES = range(12, 49)


@dataclass(frozen=True)
class Settings:
    theme: str = "system"
    card_font_size: int = DEFAULT_FONT_SIZE
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(f"the theme must be one of {', '.join(THEMES)}")
        if self.card_font_size not in FONT_SIZES:
            raise ValueError(f"the card font size must be {FONT_SIZES.start} to {FONT_SIZES.stop - 1}")
        if not 0 <= self.rollover_hour <= 23:
            raise ValueError("the day rollover hour must be 0 to 23")


def _int(value: Any, allowed: range, default: int) -> int:
    return value if isinstance(value, int) and value in allowed else default


def load_settings(collection: Collection) -> Settings:
    theme = collection.setting(THEME_SETTING, "system")
    return Settings(
        theme=theme if theme in THEMES else "system",
        card_font_size=_int(collection.setting(FONT_SIZE_SETTING), FONT_SIZES, DEFAULT_FONT_SIZE),
        rollover_hour=_int(collection.setting(ROLLOVER_SETTING), range(24), DEFAULT_ROLLOVER_HOUR),
    )


def save_settings(collection: Collection, settings: Settings) -> None:
    with collection.transaction():
        collection.set_setting(THEME_SETTING, settings.theme)
        collection.set_setting(FONT_SIZE_SETTING, settings.card_font_size)
        collection.set_setting(ROLLOVER_SETTING, settings.rollover_hour)


def collapsed_decks(collection: Collection) -> set[str]:
    """The names of the parent decks the student folded up in the deck list (all are open at first)."""
    value = collection.setting(COLLAPSED_SETTING, [])
    return {name for name in value if isinstance(name, str)} if isinstance(value, list) else set()


def set_collapsed_decks(collection: Collection, names: set[str]) -> None:
    collection.set_setting(COLLAPSED_SETTING, sorted(names))


def notetype_for_deck(collection: Collection, deck_id: int | None) -> int | None:
    """The note type the Add dialog starts with for a deck: the one last added to it, else the last one used."""
    value = collection.setting(NOTETYPE_BY_DECK_SETTING, {})
    remembered = value.get(str(deck_id)) if isinstance(value, dict) and deck_id is not None else None
    if not isinstance(remembered, int):
        remembered = collection.setting(LAST_NOTETYPE_SETTING)
    return remembered if isinstance(remembered, int) else None


def remember_notetype(collection: Collection, deck_id: int, notetype_id: int) -> None:
    """Remember the note type of a note just added to a deck (one write, only when it changes)."""
    value = collection.setting(NOTETYPE_BY_DECK_SETTING, {})
    value = value if isinstance(value, dict) else {}
    if value.get(str(deck_id)) == notetype_id and collection.setting(LAST_NOTETYPE_SETTING) == notetype_id:
        return
    value[str(deck_id)] = notetype_id
    with collection.transaction():
        collection.set_setting(NOTETYPE_BY_DECK_SETTING, value)
        collection.set_setting(LAST_NOTETYPE_SETTING, notetype_id)
