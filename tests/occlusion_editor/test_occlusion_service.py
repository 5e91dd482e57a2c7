"""Making and editing image occlusion notes without the window: fields in Anki's form, cards, progress kept."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.ids import new_id
from studyapp.core.model import Rating
from studyapp.core.notetypes.model import NotetypeKind
from studyapp.core.occlusion import ellipse, rect
from studyapp.services.app import App
from studyapp.services.occlusion.editing import (
    OcclusionDraft,
    OcclusionError,
    add_occlusion_note,
    open_occlusion_note,
    update_occlusion_note,
)
from studyapp.services.occlusion.notetype import FIELD_NAMES
from tests.conftest import collection_fingerprint

from .support import png_bytes

THREE = (
    rect(1, 0.1, 0.2, 0.3, 0.25),
    ellipse(2, 0.5, 0.1, 0.2, 0.3),
    rect(2, 0.6, 0.6, 0.3, 0.3),  # grouped with the ellipse: one card hides both
)


def new_deck(app: App, name: str = "Anatomy") -> int:
    with app.collection.transaction():
        return app.collection.decks.create(new_id(app.rng), name, "", app.clock.now()).id


def add(app: App, deck_id: int, draft: OcclusionDraft, image: bytes | Path | None = None):  # noqa: ANN201
    data = png_bytes() if image is None else image
    return add_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, deck_id, data, draft)


def test_a_new_note_is_anki_s_image_occlusion_note_with_a_card_per_mask_or_group(app: App) -> None:
    deck_id = new_deck(app)
    made = add(app, deck_id, OcclusionDraft(THREE, True, "Bones", "<b>Extra</b>", ("arm",)))
    note = app.collection.notes.get(made.added.note_id)
    assert note is not None and note.deck_id == deck_id and note.tags == "arm" and note.html
    notetype = app.collection.notetypes.get(note.notetype_id)
    assert notetype is not None and notetype.kind is NotetypeKind.IMAGE_OCCLUSION
    assert notetype.field_names == FIELD_NAMES
    digest = hashlib.sha256(png_bytes()).hexdigest()[:16]
    assert note.padded(5) == (
        "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.25:oi=1}}<br>"
        "{{c2::image-occlusion:ellipse:left=.5:top=.1:rx=.1:ry=.15:oi=1}}<br>"
        "{{c2::image-occlusion:rect:left=.6:top=.6:width=.3:height=.3:oi=1}}<br>",
        f'<img src="paste-{digest}.png">',
        "Bones",
        "<b>Extra</b>",
        "",
    )
    assert (app.media_dir / f"paste-{digest}.png").read_bytes() == png_bytes()
    assert sorted(app.collection.notes.card_ords([note.id])[note.id]) == [0, 1]
    assert len(made.added.card_ids) == 2

    # Hide one, guess one: no oi=1. The same picture again is the same file; the note type is reused.
    again = add(app, deck_id, OcclusionDraft(THREE[:1], False))
    second = app.collection.notes.get(again.added.note_id)
    assert second is not None and second.notetype_id == note.notetype_id
    assert second.fields[0] == "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.25}}<br>"
    assert (again.image.name, again.image.stored) == (f"paste-{digest}.png", False)
    assert len(list(app.media_dir.iterdir())) == 1


def test_a_new_note_s_cards_are_numbered_without_gaps(app: App) -> None:
    shapes = (rect(3, 0.1, 0.1, 0.2, 0.2), rect(7, 0.5, 0.5, 0.2, 0.2), ellipse(3, 0.7, 0.1, 0.2, 0.2))
    made = add(app, new_deck(app), OcclusionDraft(shapes))
    opened = open_occlusion_note(app.collection, app.media_dir, made.added.note_id)
    assert [shape.ordinal for shape in opened.draft.shapes] == [1, 2, 1]
    assert opened.card_numbers == (1, 2)


def test_bad_input_is_one_line_and_changes_nothing(app: App, tmp_path: Path) -> None:
    deck_id = new_deck(app)
    before = collection_fingerprint(app.path)
    with pytest.raises(OcclusionError, match="draw at least one mask"):
        add(app, deck_id, OcclusionDraft(()))
    with pytest.raises(OcclusionError, match="the pasted image: not an image"):
        add(app, deck_id, OcclusionDraft(THREE), b"this is no picture")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(OcclusionError, match=r"^notes\.txt: not an image") as refused:
        add(app, deck_id, OcclusionDraft(THREE), text)
    assert "\n" not in str(refused.value)
    with pytest.raises(OcclusionError, match="no longer exists"):  # a deck gone meanwhile: the image goes too
        add(app, deck_id + 1, OcclusionDraft(THREE))
    assert collection_fingerprint(app.path) == before
    assert not app.media_dir.exists() or not any(app.media_dir.iterdir())


def test_an_image_file_keeps_its_format(app: App, tmp_path: Path) -> None:
    picture = tmp_path / "Arm bones.png"
    picture.write_bytes(png_bytes(30, 20))
    made = add(app, new_deck(app), OcclusionDraft(THREE), picture)
    assert made.image.name.startswith("paste-") and made.image.name.endswith(".png")
    assert (app.media_dir / made.image.name).read_bytes() == picture.read_bytes()


def test_editing_keeps_the_cards_of_kept_masks_and_their_progress(app: App) -> None:
    deck_id = new_deck(app)
    made = add(app, deck_id, OcclusionDraft(THREE + (rect(3, 0.0, 0.8, 0.1, 0.1),), True, "Bones"))
    cards = {app.collection.reviews.card(card_id).ord: card_id for card_id in made.added.card_ids}  # type: ignore[union-attr]
    session = app.review_session(deck_id)
    studied_card = session.next_card()
    assert studied_card is not None
    studied = session.answer(Rating.GOOD).after

    opened = open_occlusion_note(app.collection, app.media_dir, made.added.note_id)
    assert opened.draft.hide_all and opened.draft.header == "Bones" and opened.card_numbers == (1, 2, 3)
    shapes = list(opened.draft.shapes)
    shapes[0] = shapes[0].with_box(0.15, 0.25, 0.3, 0.25)  # c1 moved
    del shapes[3]  # c3 gone
    shapes.append(rect(4, 0.4, 0.8, 0.1, 0.1))  # a new mask: c4
    draft = replace(opened.draft, shapes=tuple(shapes), hide_all=False, back_extra="More", tags=("arm", "new"))
    edited = update_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, made.added.note_id, draft)

    assert edited.added_ords == (3,) and edited.kept_ords == (2,)
    assert "1 card (Cloze 3) no longer has content and was kept with its progress" in edited.summary()
    ords = app.collection.notes.card_ords([made.added.note_id])[made.added.note_id]
    assert sorted(ords) == [0, 1, 2, 3]
    for ord_, card_id in cards.items():  # the very same cards
        card = app.collection.reviews.card(card_id)
        assert card is not None and card.ord == ord_
    kept = app.collection.reviews.card(studied_card.id)
    assert kept is not None and kept.schedule == studied
    note = app.collection.notes.get(made.added.note_id)
    assert note is not None and note.tags == "arm new" and note.fields[3] == "More"
    assert note.fields[0].startswith("{{c1::image-occlusion:rect:left=.15:top=.25:width=.3:height=.25}}<br>")
    assert "oi=1" not in note.fields[0] and "{{c4::" in note.fields[0] and "{{c3::" not in note.fields[0]
    assert note.fields[1] == made.image.reference  # the image stays


def test_opening_a_note_that_is_not_one_or_lost_its_image(app: App, calcinosis_id: int) -> None:
    some_card = app.collection.notes.fronts_in_deck(calcinosis_id)[0][0]
    with pytest.raises(OcclusionError, match="not an image occlusion note"):
        open_occlusion_note(app.collection, app.media_dir, some_card)
    made = add(app, new_deck(app), OcclusionDraft(THREE))
    (app.media_dir / made.image.name).unlink()
    with pytest.raises(OcclusionError, match=f"image {made.image.name} is not in the media folder"):
        open_occlusion_note(app.collection, app.media_dir, made.added.note_id)
