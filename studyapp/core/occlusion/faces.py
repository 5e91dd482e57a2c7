"""The faces of image occlusion cards: the picture as one ``occlusion:`` image the card view composes.

Qt's rich text cannot lay one image over another, so the card's HTML names a single image whose address
says everything needed to paint it (the view's occlusion painter reads it back with ``read_url``):

- Anki's native image occlusion notes: ``occlusion:q/<card>/<image>/<field>`` (``a`` on the answer side):
  the card's cloze number, the picture's file name and the occlusion field, each base64url. The question is
  the Header field above the picture; the answer side the picture with the target revealed, and below the
  divider the Back Extra field (as Anki's stock templates show them).
- Notes of the older "Image Occlusion Enhanced" add-on: a standard note type whose templates put a mask
  field in ``<div id="io-overlay">`` over the ``<div id="io-original">`` picture. In the rendered face, the
  mask's ``<img>`` becomes ``occlusion:svg/<image>/<mask>`` (the SVG drawn over the picture) and the
  picture's own ``<img>`` after it goes. The note keeps its type, fields and cards exactly.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from studyapp.core.occlusion.fields import image_name, io_fields

SCHEME = "occlusion"
_OVERLAY = re.compile(r"""id\s*=\s*["']?io-overlay["']?[^>]*>\s*\{\{\s*([^{}#^/!][^{}]*?)\s*\}\}""", re.IGNORECASE)
_TOGGLE_BUTTON = re.compile(r"""<button\b[^>]*\bid\s*=\s*["']?io-revl-btn""", re.IGNORECASE)
_TOGGLE_LABEL = re.compile(r"^[ \t]*Toggle Masks[ \t]*$\n?", re.MULTILINE)
_ORIGINAL = re.compile(r"""id\s*=\s*["']?io-original["']?[^>]*>\s*\{\{\s*([^{}#^/!][^{}]*?)\s*\}\}""", re.IGNORECASE)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")


@dataclass(frozen=True)
class OcclusionImage:
    """What an ``occlusion:`` address asks to paint."""

    image: str  # the picture's file name in the media folder
    ordinal: int = 0  # native: the card's cloze number
    question: bool = True  # native: the question side (else the answer side)
    field: str = ""  # native: the occlusion field
    mask: str | None = None  # add-on: the mask SVG's file name, drawn over the picture


def native_url(image: str, ordinal: int, question: bool, field: str) -> str:
    return f"{SCHEME}:{'q' if question else 'a'}/{ordinal}/{_b64(image)}/{_b64(field)}"


def addon_url(image: str, mask: str) -> str:
    return f"{SCHEME}:svg/{_b64(image)}/{_b64(mask)}"


def read_url(url: str) -> OcclusionImage | None:
    """The request an ``occlusion:`` address holds; None for anything else (never raises)."""
    prefix = f"{SCHEME}:"
    if not url.lower().startswith(prefix):
        return None
    parts = url[len(prefix) :].split("/")
    try:
        if parts[0] == "svg" and len(parts) == 3:
            return OcclusionImage(_unb64(parts[1]), mask=_unb64(parts[2]))
        if parts[0] in ("q", "a") and len(parts) == 4 and parts[1].isdigit():
            return OcclusionImage(_unb64(parts[2]), int(parts[1]), parts[0] == "q", _unb64(parts[3]))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return None


def _image_tag(url: str, alt: str) -> str:
    return f'<img src="{html.escape(url, quote=True)}" alt="{html.escape(alt, quote=True)}">'


@dataclass(frozen=True)
class NativeFaces:
    question: str  # safe HTML
    revealed: str
    answer: str


MAX_OCCLUSION_CHARS = 200_000  # of the occlusion field carried to the painter (thousands of shapes)


def native_faces(fields: tuple[str, ...], field_extras: tuple[str, ...], ordinal: int, as_html: Callable[[str], str],
                 raw_chars: int | None = None) -> NativeFaces:  # fmt: skip
    """A native image occlusion card's faces. ``ordinal``: its cloze number. ``as_html``: a field as safe
    HTML. ``raw_chars``: how much of the header and back extra to read; None: all of it, and the picture
    named in words (for plain-text views)."""
    where = io_fields(field_extras)

    def field(index: int | None, limit: int | None = raw_chars) -> str:
        value = fields[index] if index is not None and index < len(fields) else ""
        return value if limit is None else value[:limit]

    header = as_html(field(where.header)).strip()
    back_extra = as_html(field(where.back_extra)).strip()
    image = image_name(field(where.image))
    occlusion = field(where.occlusion, MAX_OCCLUSION_CHARS)
    with_images = raw_chars is not None
    head = f'<div style="margin-bottom: 10px">{header}</div>' if header else ""  # a gap above the picture
    if image is None:
        missing = '<span class="template-error">This image occlusion note has no image.</span>'
        return NativeFaces(head + missing, head + missing, back_extra)
    if not with_images:
        picture = html.escape(f"[image occlusion {ordinal}: {image}]")
        return NativeFaces(head + f"<div>{picture}</div>", head + f"<div>{picture}</div>", back_extra)
    alt = f"image occlusion {ordinal}"
    question = head + f"<div>{_image_tag(native_url(image, ordinal, True, occlusion), alt)}</div>"
    revealed = head + f"<div>{_image_tag(native_url(image, ordinal, False, occlusion), alt)}</div>"
    return NativeFaces(question, revealed, back_extra)


@lru_cache(maxsize=128)
def addon_layout(template_format: str) -> tuple[str, str] | None:
    """(mask field, picture field) of an add-on template side, or None when it has no overlay."""
    overlay, original = _OVERLAY.search(template_format), _ORIGINAL.search(template_format)
    if overlay is None or original is None:
        return None
    return overlay.group(1).strip(), original.group(1).strip()


def with_addon_overlay(face: str, template_format: str, field_of: dict[str, str]) -> str:
    """A rendered (safe) face of an add-on note with its mask drawn over the picture, as one image.

    ``field_of``: the note's fields by name. A face without the add-on's layout, or whose mask or picture is
    not an image, is returned as it is.
    """
    layout = addon_layout(template_format)
    if layout is None:
        return face
    if _TOGGLE_BUTTON.search(template_format):  # the add-on's script button: its label alone would remain
        face = _TOGGLE_LABEL.sub("", face)
    mask, picture = (image_name(field_of.get(name, "")) for name in layout)
    if not mask or not picture:
        return face
    mask_tag = _img_with_src(mask).search(face)
    if mask_tag is None:
        return face
    picture_tag = _img_with_src(picture).search(face, mask_tag.end())
    composed = _image_tag(addon_url(picture, mask), "image occlusion")
    if picture_tag is None:
        return face[: mask_tag.start()] + composed + face[mask_tag.end() :]
    return face[: mask_tag.start()] + composed + face[mask_tag.end() : picture_tag.start()] + face[picture_tag.end() :]


def _img_with_src(name: str) -> re.Pattern[str]:
    quoted = re.escape(html.escape(name, quote=True))
    return re.compile(rf"""<img\b[^>]*?\bsrc\s*=\s*"(?:{quoted}|{re.escape(name)})"[^>]*>""", re.IGNORECASE)
