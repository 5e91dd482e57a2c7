"""Card flags: a colour from 1 to 7, numbered as Anki numbers them (so a flag survives an .apkg round trip)."""

from __future__ import annotations

FLAG_NAMES = {1: "Red", 2: "Orange", 3: "Green", 4: "Blue", 5: "Pink", 6: "Turquoise", 7: "Purple"}
# Mid-tone colours, readable as a mark on a light and on a dark ground.
FLAG_COLOURS = {
    1: "#e5484d",
    2: "#f08c2e",
    3: "#30a46c",
    4: "#3e7bfa",
    5: "#e45fb0",
    6: "#12a5a5",
    7: "#8e5ae0",
}
ANKI_FLAG_BITS = 0b111  # Anki keeps the flag in the low three bits of cards.flags


def flag_name(flag: int) -> str:
    return FLAG_NAMES.get(flag, "No")


def valid_flag(flag: int) -> bool:
    return flag == 0 or flag in FLAG_NAMES
