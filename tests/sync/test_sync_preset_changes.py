"""Deck options changed on both sides between two syncs take the later change everywhere, as Anki keeps them (its
server keeps the later of two versions of an options group). Before, this side's always won: the sync sent its
preset stamped with the sync's own time, and a later change on the phone was undone there. The real
`anki.syncserver`, an `anki` Collection as the phone."""

from __future__ import annotations

import time
from dataclasses import replace

from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced


def _changed_on_both(here: Here, device: EngineDevice, phone_first: bool) -> None:
    """Bio's preset set to 11 new cards a day here and 22 on the phone, a second and more apart (Anki's times are
    in seconds), in the order given; then the phone syncs, then here, then the phone."""
    here.add("one", "1")
    both_synced(here, device)
    for side in ("phone", "here") if phone_first else ("here", "phone"):
        time.sleep(1.1)
        if side == "here":
            bio = here.collection.decks.by_name("Bio")
            assert bio is not None and bio.preset_id is not None
            preset = here.collection.presets.get(bio.preset_id)
            assert preset is not None
            here.collection.presets.update(preset.id, preset.name, replace(preset.options, new_per_day=11))
            here.collection.db.conn.commit()
        else:
            config = device.col.decks.config_dict_for_deck_id(device.col.decks.id("Bio"))
            config["new"]["perDay"] = 22
            device.col.decks.update_config(config)
    assert device.sync() == "normal_sync"
    here.sync()
    device.sync()


def _per_day(here: Here, device: EngineDevice) -> tuple[int, int]:
    bio = here.collection.decks.by_name("Bio")
    assert bio is not None
    phone = device.col.decks.config_dict_for_deck_id(device.col.decks.id("Bio"))["new"]["perDay"]
    return bio.options.new_per_day, phone


def test_options_changed_on_both_sides_take_the_later_change_the_phones(here: Here, device: EngineDevice) -> None:
    _changed_on_both(here, device, phone_first=False)
    assert _per_day(here, device) == (22, 22)
    assert here.sync().describe() == "Synced: sent nothing; received nothing."


def test_options_changed_on_both_sides_take_the_later_change_this_ones(here: Here, device: EngineDevice) -> None:
    _changed_on_both(here, device, phone_first=True)
    assert _per_day(here, device) == (11, 11)
