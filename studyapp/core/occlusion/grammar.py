"""Anki's occlusion field: ``{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.4:oi=1}}<br>`` per shape.

The grammar, as Anki 23.10+ reads and writes it: a cloze ``{{cN::...}}`` (``N`` may be ``1,3``: the shape
belongs to both cards) whose text is ``image-occlusion:`` then the kind (``rect``, ``ellipse``, ``polygon``,
``text``) then ``:name=value`` properties. In a value ``\\`` stands for a backslash and ``\\:`` for a colon.
Numbers are written with at most four decimals and no leading or trailing zeros (``.2325``, ``.0000`` for
zero, ``1.`` for one); angles in ten-thousandths of a turn; an ellipse keeps its radii (``rx``, ``ry``); a
polygon ``points=x,y x,y ...``; a text label ``text``, ``scale`` and ``fs`` (font size, a fraction of the
image height), with ordinal 0. Anki writes ``fill`` only when it is not the default, ``oi=1`` on every shape
of a "hide all, guess one" note, and ``<br>`` after each shape.

``parse`` never raises: what it cannot read is left out with one reason each. ``format`` writes Anki's own
form, so ``format(parse(text).shapes) == text`` for any field Anki wrote.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from studyapp.core.occlusion.shapes import Shape, ShapeKind, points_box

PREFIX = "image-occlusion:"
ANGLE_STEPS = 10000  # Anki stores an angle as ten-thousandths of a full turn
_CLOZE = re.compile(r"\{\{c([\d,]*)::(.*?)\}\}", re.DOTALL)
_KNOWN = frozenset(
    {"left", "top", "width", "height", "rx", "ry", "points", "angle", "fill", "oi", "text", "scale", "fs"}
)
MAX_SHAPES = 5000  # more shapes than any real note has; the rest are left out with a reason


@dataclass(frozen=True)
class Parsed:
    shapes: tuple[Shape, ...]
    problems: tuple[str, ...]  # one line each: which cloze, and why it was left out


def parse(text: str) -> Parsed:
    """The shapes of an occlusion field, in field order, and a reason for each cloze that is not one."""
    shapes: list[Shape] = []
    problems: list[str] = []
    for number, match in enumerate(_CLOZE.finditer(text or ""), start=1):
        where = f"occlusion {number} ({_short(match.group(0))})"
        ordinals = sorted({int(part) for part in match.group(1).split(",") if part})
        if not ordinals:
            problems.append(f"{where}: no cloze number")
            continue
        body = match.group(2)
        if not body.startswith(PREFIX):
            problems.append(f"{where}: not an image occlusion (a plain cloze: it is a card without a mask)")
            continue
        if len(shapes) >= MAX_SHAPES:
            problems.append(f"{where}: more than {MAX_SHAPES} shapes, the rest are not drawn")
            break
        shape, problem = _shape(body[len(PREFIX) :], ordinals)
        if shape is None:
            problems.append(f"{where}: {problem}")
        else:
            shapes.append(shape)
    return Parsed(tuple(shapes), tuple(problems))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_properties(spec: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``rect:left=.1:top=.2`` -> ("rect", [("left", ".1"), ("top", ".2")]); None without a ``:`` (as Anki)."""
    kind, colon, rest = spec.partition(":")
    if not colon:
        return None
    props: list[tuple[str, str]] = []
    i, n = 0, len(rest)
    while i < n:
        eq = rest.find("=", i)
        if eq < 0:
            break
        name = rest[i:eq]
        value: list[str] = []
        j = eq + 1
        while j < n and rest[j] != ":":
            if rest[j] == "\\" and j + 1 < n and rest[j + 1] in "\\:":
                value.append(rest[j + 1])
                j += 2
            else:
                value.append(rest[j])
                j += 1
        props.append((name, "".join(value)))
        i = j + 1  # past the ':' that starts the next property
    return kind, props


def _number(props: dict[str, str], name: str, default: float | None = 0.0) -> float | None:
    """A property as a float: ``default`` when absent or empty, None when it is not a finite number."""
    raw = props.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _shape(spec: str, ordinals: list[int]) -> tuple[Shape | None, str]:
    split = split_properties(spec)
    if split is None:
        return None, f"shape {spec!r} has no properties"
    kind_name, pairs = split
    try:
        kind = ShapeKind(kind_name)
    except ValueError:
        return None, f"unknown shape {kind_name!r} (Anki draws rect, ellipse, polygon and text)"
    props = dict(pairs)  # a repeated name: the last one counts, as in Anki
    extra = tuple((name, value) for name, value in pairs if name not in _KNOWN or (name == "oi" and value != "1"))
    left, top = _number(props, "left"), _number(props, "top")
    if left is None or top is None:
        return None, "its left or top is not a number"
    angle = _stored_to_angle(props.get("angle", ""))
    common = {
        "left": left,
        "top": top,
        "angle": angle,
        "fill": props.get("fill"),
        "occlude_inactive": props.get("oi") == "1",
        "more_ordinals": tuple(ordinals[1:]),
        "extra": extra,
    }
    if kind is ShapeKind.RECT:
        width, height = _number(props, "width", None), _number(props, "height", None)
        if not width or not height or width < 0 or height < 0:
            return None, "a rectangle without a width and height"
        return Shape(kind, ordinals[0], width=width, height=height, **common), ""  # type: ignore[arg-type]
    if kind is ShapeKind.ELLIPSE:
        rx, ry = _number(props, "rx", None), _number(props, "ry", None)
        if not rx or not ry or rx < 0 or ry < 0:
            return None, "an ellipse without its radii (rx, ry)"
        return Shape(kind, ordinals[0], width=2 * rx, height=2 * ry, **common), ""  # type: ignore[arg-type]
    if kind is ShapeKind.POLYGON:
        points = _points(props.get("points", ""))
        if len(points) < 3:
            return None, "a polygon with fewer than three points"
        _, _, width, height = points_box(points)
        return Shape(kind, ordinals[0], width=width, height=height, points=points, **common), ""  # type: ignore[arg-type]
    scale = _number(props, "scale", 1.0)
    font_size = _number(props, "fs", None) if props.get("fs") else None
    return (
        Shape(kind, ordinals[0], text=props.get("text", ""), scale=scale or 1.0, font_size=font_size or None, **common),  # type: ignore[arg-type]
        "",
    )


def _points(raw: str) -> tuple[tuple[float, float], ...]:
    points: list[tuple[float, float]] = []
    for pair in raw.split(" "):
        x, comma, y = pair.partition(",")
        if not comma:
            continue
        try:
            point = (float(x), float(y))
        except ValueError:
            continue
        if math.isfinite(point[0]) and math.isfinite(point[1]):
            points.append(point)
    return tuple(points)


def _stored_to_angle(raw: str) -> float:
    try:
        steps = math.fmod(float(raw or 0), ANGLE_STEPS)
    except ValueError:
        return 0.0
    return steps / ANGLE_STEPS * 360 if math.isfinite(steps) else 0.0


def _angle_to_stored(degrees: float) -> int:
    return math.floor(math.fmod(degrees, 360) / 360 * ANGLE_STEPS + 0.5)  # JavaScript's Math.round


def number_text(value: float) -> str:
    """Anki's ``floatToDisplay``: four decimals, rounded half away from zero, leading/trailing zeros off."""
    if not math.isfinite(value) or value == 0:
        return ".0000"
    try:
        fixed = str(Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # too large for four decimals: written as is
        return repr(value)
    return re.sub(r"^0+|0+$", "", fixed)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def shape_properties(shape: Shape) -> list[tuple[str, str]]:
    """The ``name=value`` pairs Anki writes for the shape, in its order."""
    props = [("left", number_text(shape.left)), ("top", number_text(shape.top))]
    stored = _angle_to_stored(shape.angle)
    if stored:
        props.append(("angle", str(stored)))
    if shape.kind is ShapeKind.RECT:
        props += [("width", number_text(shape.width)), ("height", number_text(shape.height))]
    elif shape.kind is ShapeKind.ELLIPSE:
        props += [("rx", number_text(shape.rx)), ("ry", number_text(shape.ry))]
    elif shape.kind is ShapeKind.POLYGON:
        props.append(("points", " ".join(f"{number_text(x)},{number_text(y)}" for x, y in shape.points)))
    else:
        props += [("text", shape.text), ("scale", number_text(shape.scale))]
        if shape.font_size:
            props.append(("fs", number_text(shape.font_size)))
    if shape.fill is not None:
        props.append(("fill", shape.fill))
    if shape.occlude_inactive:
        props.append(("oi", "1"))
    props.extend(shape.extra)
    return props


def format_shape(shape: Shape) -> str:
    ordinals = ",".join(str(number) for number in shape.ordinals)
    body = "".join(f":{name}={_escape(value)}" for name, value in shape_properties(shape))
    return f"{{{{c{ordinals}::{PREFIX}{shape.kind.value}{body}}}}}"


def format_shapes(shapes: tuple[Shape, ...] | list[Shape]) -> str:
    """The occlusion field Anki writes for the shapes (each followed by ``<br>``)."""
    return "".join(format_shape(shape) + "<br>" for shape in shapes)
