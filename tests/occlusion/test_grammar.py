"""The occlusion field's grammar and each card's masks, held to Anki's own engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.occlusion import (
    Role,
    ShapeKind,
    card_masks,
    card_ordinals,
    ellipse,
    format_shapes,
    hides_all,
    number_text,
    parse,
    polygon,
    rect,
    text_label,
    with_mode,
)
from studyapp.core.occlusion.grammar import shape_properties

from .engine import add_io_note, engine_masks, engine_shapes, new_collection, occlusions


@pytest.mark.parametrize("hide_all", [True, False])
def test_engine_strings_round_trip_exactly(hide_all: bool) -> None:
    text = occlusions(hide_all)
    parsed = parse(text)
    assert parsed.problems == ()
    assert format_shapes(parsed.shapes) == text
    assert [s.kind for s in parsed.shapes] == [ShapeKind.RECT, ShapeKind.ELLIPSE, ShapeKind.RECT, ShapeKind.RECT,
                                               ShapeKind.ELLIPSE, ShapeKind.TEXT]  # fmt: skip
    assert [s.ordinal for s in parsed.shapes] == [1, 2, 3, 4, 4, 0]
    assert hides_all(parsed.shapes) is hide_all
    ellipse_shape = parsed.shapes[1]
    assert (ellipse_shape.left, ellipse_shape.top, ellipse_shape.width, ellipse_shape.height) == (0.4, 0.1, 0.2, 0.4)
    assert parsed.shapes[5].text == "label: A" and parsed.shapes[5].font_size == 0.1


def test_parse_agrees_with_the_engine(tmp_path: Path) -> None:
    col = new_collection(tmp_path / "engine")
    try:
        text = (
            occlusions(True)
            + "{{c5,6::image-occlusion:polygon:left=.1:top=.2:points=.1,.2 .3,.25 .2,.4:fill=#00ff00:oi=1:zz=keep}}<br>"
        )
        note_id = add_io_note(col, tmp_path, text)
        theirs = engine_shapes(col, note_id)
    finally:
        col.close()
    ours = []
    for shape in parse(text).shapes:
        props = dict(shape_properties(shape))
        for ordinal in shape.ordinals:
            ours.append((ordinal, shape.kind.value, props))
    assert sorted(ours, key=lambda item: (item[0], item[1], sorted(item[2].items()))) == theirs


@pytest.mark.parametrize("hide_all", [True, False])
def test_each_cards_masks_agree_with_the_engine(tmp_path: Path, hide_all: bool) -> None:
    col = new_collection(tmp_path / "engine")
    try:
        note_id = add_io_note(col, tmp_path, occlusions(hide_all))
        theirs = engine_masks(col, note_id)
    finally:
        col.close()
    shapes = parse(occlusions(hide_all)).shapes
    assert sorted(theirs) == card_ordinals(shapes) == [1, 2, 3, 4]
    for ordinal, sides in theirs.items():
        for side, divs in sides.items():
            # What the engine's reviewer script draws: every "cloze" div, "cloze-inactive" ones with
            # occludeInactive=1, and every "cloze-highlight" div.
            drawn = [
                (cls, attrs["shape"], attrs["left"])
                for cls, _, attrs in divs
                if cls != "cloze-inactive" or attrs.get("occludeInactive") == "1"
            ]
            role_class = {Role.TARGET: "cloze", Role.LABEL: "cloze", Role.OTHER: "cloze-inactive",
                          Role.REVEALED: "cloze-highlight"}  # fmt: skip
            ours = [
                (role_class[m.role], m.shape.kind.value, number_text(m.shape.left))
                for m in card_masks(shapes, ordinal, side == "question")
            ]
            assert sorted(ours) == sorted(drawn), (ordinal, side)


def test_modes_hide_all_or_one() -> None:
    shapes = parse(occlusions(True)).shapes
    question = card_masks(shapes, 4, True)
    assert [m.role for m in question].count(Role.TARGET) == 2  # the group: two shapes, one card
    assert [m.role for m in question].count(Role.OTHER) == 3
    answer = card_masks(shapes, 4, False)
    assert [m.role for m in answer].count(Role.REVEALED) == 2 and Role.TARGET not in [m.role for m in answer]
    one = with_mode(shapes, False)
    assert not hides_all(one)
    assert [m.role for m in card_masks(one, 1, True)] == [Role.TARGET, Role.LABEL]
    assert [m.role for m in card_masks(one, 1, False)] == [Role.LABEL, Role.REVEALED]


def test_made_shapes_format_as_anki_writes_them() -> None:
    shapes = [
        rect(1, 0.1, 0.2, 0.3, 0.4, occlude_inactive=True),
        ellipse(2, 0.5, 0.5, 0.2, 0.1),
        polygon(3, [(0.1, 0.1), (0.2, 0.1), (0.15, 0.3)], fill="#112233"),
        text_label(0.5, 0.9, "a:b\\c", font_size=0.05),
    ]
    text = format_shapes(shapes)
    assert text == (
        "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.4:oi=1}}<br>"
        "{{c2::image-occlusion:ellipse:left=.5:top=.5:rx=.1:ry=.05}}<br>"
        "{{c3::image-occlusion:polygon:left=.1:top=.1:points=.1,.1 .2,.1 .15,.3:fill=#112233}}<br>"
        "{{c0::image-occlusion:text:left=.5:top=.9:text=a\\:b\\\\c:scale=1.:fs=.05}}<br>"
    )
    again = parse(text).shapes
    assert format_shapes(again) == text
    assert again[3].text == "a:b\\c"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, ".0000"),
        (float("nan"), ".0000"),
        (0.5, ".5"),
        (1, "1."),
        (0.03125, ".0313"),
        (-0.25, "-0.25"),
        (0.23251, ".2325"),
    ],
)
def test_numbers_are_written_as_anki_writes_them(value: float, text: str) -> None:
    assert number_text(value) == text


def test_what_cannot_be_read_has_a_reason_and_never_raises() -> None:
    text = (
        "{{c1::plain cloze}} {{c2::image-occlusion:star:left=.1}} {{c3::image-occlusion:rect}} "
        "{{c4::image-occlusion:rect:left=x:top=.1:width=.1:height=.1}} {{c5::image-occlusion:rect:left=.1:top=.1}} "
        "{{c6::image-occlusion:polygon:left=.1:top=.1:points=1,2}} "
        "{{c7::image-occlusion:ellipse:left=.1:top=.1:rx=.1:ry=.2}}"
    )
    parsed = parse(text)
    assert [s.ordinal for s in parsed.shapes] == [7]
    assert len(parsed.problems) == 6
    assert "plain cloze" in parsed.problems[0] and "'star'" in parsed.problems[1]
    assert all(problem.startswith("occlusion ") for problem in parsed.problems)
    for junk in ("", "{{c", "{{c1::image-occlusion:rect:left=.1:top=.1:width=\\", "}}{{c::x}}", "\x00" * 10):
        assert parse(junk).shapes == ()
