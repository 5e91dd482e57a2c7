"""The image occlusion note type notes made in the editor belong to: the collection's own, else Anki's shape.

Anki's stock "Image Occlusion" type has five fields (Occlusion, Image, Header, Back Extra, Comments), each
marked with a ``tag`` (0 to 4) by which Anki finds them, and one cloze template that hides the occlusion
field's text and lets Anki's reviewer draw the masks over the image. A collection that has such a type (an
imported one keeps Anki's id and settings) gets its new notes in it; otherwise one is added with that
shape, so that an exported package is studied by Anki and AnkiDroid as their own image occlusion notes.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.core.occlusion import IoFields, io_fields
from studyapp.storage import Collection

NAME = "Image Occlusion"
OCCLUSION, IMAGE, HEADER, BACK_EXTRA, COMMENTS = range(5)  # Anki's field tags, and the order of its fields
FIELD_NAMES = ("Occlusion", "Image", "Header", "Back Extra", "Comments")

# What Anki's reviewer needs to find: the occlusions (as cloze text it hides), the image and a canvas in
# a container with Anki's ids, and the call that draws the masks. studyapp shows these notes its own way.
_FRONT = """{{#Header}}<div>{{Header}}</div>{{/Header}}
<div style="display: none">{{cloze:Occlusion}}</div>
<div id="err"></div>
<div id="image-occlusion-container">
    {{Image}}
    <canvas id="image-occlusion-canvas"></canvas>
</div>
<script>
try {
    anki.imageOcclusion.setup();
} catch (exc) {
    document.getElementById("err").innerHTML = `Could not show the image occlusion: ${exc}`;
}
</script>
"""
_BACK = (
    _FRONT
    + """
<div><button id="toggle">Toggle Masks</button></div>
{{#Back Extra}}<div>{{Back Extra}}</div>{{/Back Extra}}
"""
)
_CSS = """#image-occlusion-canvas {
    --inactive-shape-color: #ffeba2;
    --active-shape-color: #ff8e8e;
    --inactive-shape-border: 1px #212121;
    --active-shape-border: 1px #212121;
    --highlight-shape-color: #ff8e8e00;
    --highlight-shape-border: 1px #ff8e8e;
}

.card {
    font-family: arial;
    font-size: 20px;
    text-align: center;
    color: black;
    background-color: white;
}
"""


def occlusion_notetype_definition(notetype_id: int, name: str = NAME) -> NoteType:
    """A new image occlusion note type in Anki's shape (not stored)."""
    fields = tuple(
        FieldDef(field_name, json.dumps({"tag": tag, "preventDeletion": tag != COMMENTS}))
        for tag, field_name in enumerate(FIELD_NAMES)
    )
    return NoteType(
        id=notetype_id,
        name=name,
        kind=NotetypeKind.IMAGE_OCCLUSION,
        fields=fields,
        templates=(CardTemplate(NAME, _FRONT, _BACK),),
        css=_CSS,
        extra=json.dumps({"originalStockKind": 6}),
    )


def is_occlusion_type(notetype: NoteType) -> bool:
    """Whether notes of the type are image occlusion notes the editor can open (its kind, and the four fields)."""
    return notetype.kind is NotetypeKind.IMAGE_OCCLUSION and len(notetype.fields) >= 4


def fields_of(notetype: NoteType) -> IoFields:
    """Where the type keeps its occlusions, image, header, back extra and comments (Anki's field tags)."""
    return io_fields(tuple(field.extra for field in notetype.fields))


def occlusion_notetype(collection: Collection, rng: random.Random, now: datetime) -> NoteType:
    """The collection's image occlusion type (the one named as Anki's first), added in Anki's shape if none."""
    kinds = [nt for nt in collection.notetypes.all() if is_occlusion_type(nt)]
    if kinds:
        kinds.sort(key=lambda nt: (nt.name != NAME, nt.name.casefold(), nt.id))
        return kinds[0]
    name = collection.notetypes.unique_name(NAME)
    return collection.notetypes.add(occlusion_notetype_definition(rng.getrandbits(63) or 1, name), now)
