"""Image occlusion: the shapes of Anki's occlusion field, its grammar, and what each card hides.

No Qt, no SQL: the reviewer paints what ``card_masks`` says, the importer and exporter keep the field's text.
"""

from studyapp.core.occlusion.cards import (
    BORDER,
    OTHER_FILL,
    REVEALED_BORDER,
    TARGET_FILL,
    Mask,
    Role,
    card_masks,
    card_ordinals,
    hides_all,
    with_mode,
)
from studyapp.core.occlusion.fields import IoFields, image_name, io_fields
from studyapp.core.occlusion.grammar import Parsed, format_shape, format_shapes, number_text, parse
from studyapp.core.occlusion.shapes import (
    MASK_FILL,
    TEXT_BACKGROUND,
    TEXT_FILL,
    TEXT_FONT_PIXELS,
    Shape,
    ShapeKind,
    ellipse,
    points_box,
    polygon,
    rect,
    text_label,
)

__all__ = [
    "BORDER", "MASK_FILL", "OTHER_FILL", "REVEALED_BORDER", "TARGET_FILL", "TEXT_BACKGROUND", "TEXT_FILL",
    "TEXT_FONT_PIXELS", "IoFields", "Mask", "Parsed", "Role", "Shape", "ShapeKind", "card_masks", "card_ordinals",
    "ellipse", "format_shape", "format_shapes", "hides_all", "image_name", "io_fields", "number_text", "parse",
    "points_box", "polygon", "rect", "text_label", "with_mode",
]  # fmt: skip
