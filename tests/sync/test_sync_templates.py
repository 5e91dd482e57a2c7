"""A card's look travels: a template's text, the styling and a note type's name edited on either side reach the
other in a normal sync (Anki does not ask for a full sync for these), and the notes keep their cards. The real
`anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

from studyapp.services.notetypes.manage import NotetypeManager
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced, engine_card


def _basic_here(here: Here):  # noqa: ANN202 - studyapp.core.notetypes.model.NoteType
    return next(nt for nt in here.collection.notetypes.all() if nt.name == "Basic")


def test_a_template_and_styling_edited_on_the_phone_reach_here(here: Here, device: EngineDevice) -> None:
    here.add("alpha", "a")
    both_synced(here, device)
    basic = device.col.models.by_name("Basic")
    basic["tmpls"][0]["qfmt"] = '<div class="q">{{Front}}</div>'
    basic["tmpls"][0]["afmt"] = '{{FrontSide}}<hr id=answer><div class="a">{{Back}}</div>'
    basic["css"] = ".card { font-size: 30px; }\n.q { color: navy; }"
    device.col.models.update_dict(basic)
    assert device.sync() == "normal_sync"

    summary = here.sync()
    assert summary.kind == "normal"
    notetype = _basic_here(here)
    template = notetype.templates[0]
    assert (template.question, template.answer) == (basic["tmpls"][0]["qfmt"], basic["tmpls"][0]["afmt"])
    assert notetype.css == basic["css"]
    assert here.fronts() == {"alpha"}


def test_a_template_styling_and_name_edited_here_reach_the_phone(here: Here, device: EngineDevice) -> None:
    here.add("alpha", "a")
    both_synced(here, device)
    manager = NotetypeManager(here.collection, here.rng, here.clock)
    basic = _basic_here(here)
    manager.edit_template(basic.id, 0, "<h1>{{Front}}</h1>", "{{FrontSide}}<hr id=answer><i>{{Back}}</i>")
    manager.set_css(basic.id, ".card { background: #fffbe6; }")
    manager.rename(basic.id, "Basic (mine)")
    summary = here.sync()
    assert summary.kind == "normal"

    assert device.sync() == "normal_sync"  # not a full sync: Anki asks for none for these
    phone = device.col.models.get(device.col.get_note(device.col.find_notes("")[0]).mid)
    assert phone is not None
    assert (phone["name"], phone["css"]) == ("Basic (mine)", ".card { background: #fffbe6; }")
    assert (phone["tmpls"][0]["qfmt"], phone["tmpls"][0]["afmt"]) == (
        "<h1>{{Front}}</h1>",
        "{{FrontSide}}<hr id=answer><i>{{Back}}</i>",
    )
    card = device.col.get_card(engine_card(device, "alpha")[0])
    assert "<h1>alpha</h1>" in card.question()
