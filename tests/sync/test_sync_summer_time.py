"""A review card's due day means the same date on the phone and here, across a daylight-saving change.

Anki numbers a review card's due in days after its collection's first day (``crt``); the phone counts them as dates.
Counted here in seconds (``crt + n * 86400``), a collection begun at 04:00 in summer put every winter due at 03:00,
before the 04:00 rollover: the card showed a day early. The other way, a due here at 04:30 on a summer morning, in a
collection begun in winter, was sent as the day before. The real `anki.syncserver`, an `anki` Collection as the
phone (its collection's ``crt`` set to the season under test), studyapp's clock in Berlin.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from studyapp.core.scheduling.days import study_date
from studyapp.storage.codec import from_ms, to_ms
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_card, now

BERLIN = ZoneInfo("Europe/Berlin")


def _next(month: int, day: int) -> date:
    """The first ``month``/``day`` at least 20 days from today."""
    soon = now().date() + timedelta(days=20)
    target = date(soon.year, month, day)
    return target if target >= soon else date(soon.year + 1, month, day)


def _start_phone_at(device: EngineDevice, first_day: date) -> int:
    """The phone's collection, begun at 04:00 Berlin time on ``first_day`` (as Anki begins one), sent whole to the
    server; returns its ``crt``."""
    crt = int(datetime.combine(first_day, time(4), BERLIN).timestamp())
    device.col.db.execute("UPDATE col SET crt = ?", crt)
    device.col.set_config("creationOffset", int(-datetime.fromtimestamp(crt, BERLIN).utcoffset().total_seconds() // 60))
    device.col.mod_schema(check=False)
    device.full_upload()
    return crt


def test_a_winter_due_from_a_collection_begun_in_summer_is_due_on_its_date(here: Here, device: EngineDevice) -> None:
    target = _next(1, 15)  # winter
    first_day = date(target.year - 1, 7, 1)  # summer
    _start_phone_at(device, first_day)
    note = device.add_note("alpha", "a", deck="Bio")
    [card] = device.card_ids(note)
    number = (target - first_day).days
    device.col.db.execute(
        "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = 20, reps = 3, usn = -1, mod = ? WHERE id = ?",
        number, int(now().timestamp()), card,
    )  # fmt: skip
    assert device.sync() == "normal_sync"

    here.sync(zone=BERLIN)
    due = from_ms(here.card("alpha")[1])
    assert due is not None
    assert study_date(due, BERLIN) == target  # (was the day before: 03:00 CET)
    assert due == datetime.combine(target, time(4), BERLIN)  # the day's start: due from its rollover on


def test_a_summer_due_here_early_in_the_morning_is_sent_as_its_date(here: Here, device: EngineDevice) -> None:
    target = _next(7, 15)  # summer
    first_day = date(target.year - 1, 1, 15)  # winter
    crt = _start_phone_at(device, first_day)
    assert device.sync() in ("no_changes", "normal_sync")
    here.add("alpha", "a")
    here.sync(zone=BERLIN)
    due = datetime.combine(target, time(4, 30), BERLIN)  # 02:30 UTC: before crt's hour of the day (03:00 UTC)
    here.collection.db.execute(
        "UPDATE cards SET state = 2, due = ?, last_review = ?, stability = 30.0, difficulty = 5.0, reps = 3 "
        "WHERE id = ?",
        [to_ms(due), to_ms(due - timedelta(days=30)), here.card_of("alpha")],
    )
    here.sync(zone=BERLIN)
    assert device.sync() == "normal_sync"
    _id, ctype, queue, number, interval, *_ = engine_card(device, "alpha")
    assert (ctype, queue) == (2, 2)
    assert datetime.fromtimestamp(crt, BERLIN).date() + timedelta(days=number) == target  # (was the day before)
    assert interval == 30
