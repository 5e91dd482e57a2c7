"""What each card of an image occlusion note shows: which masks, and which of them is its target.

As Anki's reviewer (rslib cloze.rs, ts/routes/image-occlusion/review.ts): a note makes a card per cloze
number of its occlusion field (ordinal 0 makes none). On the question the card's own shapes (its target,
several for a group) are drawn in the target colour; on the answer they are only outlined (revealed). The
other cards' shapes are drawn on both sides only when they carry ``oi=1``: the mode "hide all, guess one";
without it ("hide one, guess one") the picture shows everything but the target. The mode lives on each
shape (Anki's editor writes ``oi=1`` on every shape of a hide-all note); a note is hide-all when any shape
says so. Ordinal-0 shapes (text labels) are drawn on every card.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from studyapp.core.occlusion.shapes import Shape


class Role(str, enum.Enum):
    TARGET = "target"  # the card's own shape, question side: filled in the target colour
    REVEALED = "revealed"  # the card's own shape, answer side: outlined only
    OTHER = "other"  # another card's shape (hide all, guess one): filled in the mask colour
    LABEL = "label"  # ordinal 0: on every card (a text label is drawn as its text)


# Anki's stock colours (its notetype.css variables), for the painter.
TARGET_FILL = "#ff8e8e"
OTHER_FILL = "#ffeba2"
BORDER = "#212121"
REVEALED_BORDER = "#ff8e8e"


@dataclass(frozen=True)
class Mask:
    shape: Shape
    role: Role


def card_ordinals(shapes: tuple[Shape, ...] | list[Shape]) -> list[int]:
    """The cloze numbers the shapes make cards for, ascending (card ord = number - 1)."""
    return sorted({number for shape in shapes for number in shape.ordinals if number > 0})


def hides_all(shapes: tuple[Shape, ...] | list[Shape]) -> bool:
    """True for "hide all, guess one" (any shape has ``oi=1``), False for "hide one, guess one"."""
    return any(shape.occlude_inactive for shape in shapes)


def with_mode(shapes: tuple[Shape, ...] | list[Shape], hide_all: bool) -> list[Shape]:
    """The shapes with ``oi=1`` on all of them (hide all) or none (hide one), as Anki's editor saves them."""
    from dataclasses import replace

    return [replace(shape, occlude_inactive=hide_all) for shape in shapes]


def card_masks(shapes: tuple[Shape, ...] | list[Shape], ordinal: int, question: bool) -> tuple[Mask, ...]:
    """The masks card ``ordinal`` (a cloze number) draws on its question or answer, in drawing order."""
    own: list[Mask] = []
    others: list[Mask] = []
    revealed: list[Mask] = []
    for shape in shapes:
        ordinals = shape.ordinals
        if 0 in ordinals:
            own.append(Mask(shape, Role.LABEL))
        elif ordinal not in ordinals:
            if shape.occlude_inactive:
                others.append(Mask(shape, Role.OTHER))
        elif question:
            own.append(Mask(shape, Role.TARGET))
        else:
            revealed.append(Mask(shape, Role.REVEALED))
    return (*own, *others, *revealed)
