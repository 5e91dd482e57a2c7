"""The collection sync against the real `anki.syncserver`, with an `anki` Collection as the other device (the way
AnkiDroid syncs: same protocol, same server). Times are the real clock: the server refuses a clock 5 minutes off."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.service import conflicts, log_in, sync, sync_status
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, both_synced, engine_add_and_answer, engine_card, engine_fronts, now


def test_first_sync_up_reaches_the_phone_whole(here: Here, device: EngineDevice) -> None:
    here.add("capital of France & <Paris>", "Paris\nthe city", tags=("geo", "eu"))
    here.add("2+2", "4")
    here.answer_first("2+2", Rating.GOOD)
    summary = here.sync()
    assert (summary.kind, summary.notes_up, summary.cards_up, summary.reviews_up) == ("first", 2, 2, 1)

    assert device.sync() == "full_download"  # a phone that never synced takes the server's collection
    device.full_download()
    notes = {fields.split("\x1f")[0]: (tags, fields) for _, _, _, _, _, tags, fields in device.notes()}
    assert notes["capital of France &amp; &lt;Paris&gt;"] == (
        " geo eu ",
        "capital of France &amp; &lt;Paris&gt;\x1fParis<br>the city",
    )
    assert [row[3] for row in device.revlog()] == [3]  # the answer, with its button
    card = engine_card(device, "2+2")
    state, due_ms, reps, _, _ = here.card("2+2")
    assert (card[1], card[5]) == (1, reps) and state == CardState.LEARNING  # learning, one rep, as here
    after_download = here.sync()  # the phone's download moved the server on; nothing travels
    assert after_download.describe().startswith("Synced: sent nothing; received nothing")
    assert here.sync().kind == "no_changes"
    assert sync_status(here.collection).changed_since is False


def test_first_sync_down_replays_the_phones_answers(here: Here, device: EngineDevice, sync_server: SyncServer) -> None:
    at = now() - timedelta(minutes=30)
    engine_add_and_answer(device, "mitochondria", [3, 3], at)
    device.add_note("ribosome", "protein", deck="Bio")
    device.full_upload()

    summary = here.sync()
    assert summary.kind == "first" and (summary.notes_down, summary.cards_down, summary.reviews_down) == (2, 2, 2)
    assert here.fronts() == {"mitochondria", "ribosome"}
    log = here.reviews("mitochondria")
    assert [rating for _, rating in log] == [3, 3]
    expected = Scheduler().replay(
        here.card_of("mitochondria"), [(Rating(r), datetime.fromtimestamp(t / 1000, timezone.utc)) for t, r in log]
    )
    state, due, reps, _, stability = here.card("mitochondria")
    assert (state, reps, stability) == (int(expected.state), expected.reps, pytest.approx(expected.stability))
    # the phone takes our replay of its own answers: both devices hold the same schedule
    assert device.sync() == "normal_sync"
    assert engine_card(device, "mitochondria")[5] == reps


def test_first_sync_with_data_on_both_sides_keeps_both(here: Here, device: EngineDevice) -> None:
    device.add_note("from the phone", "p", deck="Bio")
    device.full_upload()
    here.add("from here", "h")
    here.answer_first("from here", Rating.EASY)
    summary = here.sync()
    assert summary.kind == "first" and summary.notes_down == 1 and summary.notes_up == 1
    assert here.fronts() == {"from the phone", "from here"}
    assert device.sync() == "normal_sync"
    assert engine_fronts(device) == {"from the phone", "from here"}
    assert len(device.revlog()) == 1
    # the phone's Basic and ours are one note type on the server, not two
    names = [m["name"] for m in device.col.models.all()]
    assert names.count("Basic") == 1, names


def test_different_cards_answered_on_each_side_all_arrive(here: Here, device: EngineDevice) -> None:
    here.add("alpha", "a")
    here.add("beta", "b")
    both_synced(here, device)
    # A second apart: the protocol keys a review-log row by its time in ms, so two devices answering in the same
    # millisecond would send one id twice and the server would keep the first (the engine's phone behaves so too).
    here.answer_first("alpha", Rating.GOOD, at=now() - timedelta(seconds=1))
    device.answer(engine_card(device, "beta")[0], 4)
    here.sync()
    device.sync()
    here.sync()
    assert [r for _, r in here.reviews("alpha")] == [3] and [r for _, r in here.reviews("beta")] == [4]
    assert sorted(row[3] for row in device.revlog()) == [3, 4]
    for front in ("alpha", "beta"):
        assert engine_card(device, front)[5] == here.card(front)[2] == 1


def _engine_alone_same_card(tmp_path: Path, server: SyncServer, second_ms: int) -> tuple[tuple, int]:
    """Two engine devices answer the same card (the second ``second_ms`` after the first) and sync: the card's
    schedule everywhere and the number of answers in the merged log."""
    # (the server's other account: the engines' collection is not the one studyapp syncs below)
    one = EngineDevice(tmp_path / "one", server.endpoint, server.user2, server.password2)
    two = EngineDevice(tmp_path / "two", server.endpoint, server.user2, server.password2)
    try:
        one.add_note("shared", "s", deck="Bio")
        one.full_upload()
        two.sync()
        two.full_download()
        at = now() - timedelta(minutes=5)
        one.answer(engine_card(one, "shared")[0], 3, at=at)
        two.answer(engine_card(two, "shared")[0], 1, at=at + timedelta(milliseconds=second_ms))
        one.sync()
        two.sync()
        one.sync()
        return engine_card(one, "shared"), len(one.revlog())
    finally:
        one.close()
        two.close()


@pytest.mark.parametrize("apart_ms", [60_000, 400])
def test_the_same_card_answered_on_both_sides_converges_on_the_replay(
    here: Here, device: EngineDevice, sync_server: SyncServer, tmp_path: Path, apart_ms: int
) -> None:
    # the engine alone: both answers are in the log, but the card keeps one device's state (one rep), not the
    # replay of both - the devices' schedule disagrees with their own history
    card, answers = _engine_alone_same_card(tmp_path / "engines", sync_server, apart_ms)
    assert answers == 2 and card[5] == 1

    here.add("shared", "s")
    both_synced(here, device)
    at = now() - timedelta(minutes=5)
    here.answer_first("shared", Rating.GOOD, at=at)
    device.answer(engine_card(device, "shared")[0], 1, at=at + timedelta(milliseconds=apart_ms))
    device.sync()
    summary = here.sync()
    assert summary.reviews_down == 1 and summary.cards_up == 1
    assert [r for _, r in here.reviews("shared")] == [3, 1]
    log = [(Rating(r), datetime.fromtimestamp(t / 1000, timezone.utc)) for t, r in here.reviews("shared")]
    expected = Scheduler().replay(here.card_of("shared"), log)
    state, due, reps, lapses, _ = here.card("shared")
    assert (state, reps, lapses) == (int(expected.state), 2, expected.lapses)
    device.sync()
    phone = engine_card(device, "shared")
    assert (phone[5], phone[6]) == (reps, lapses)  # the phone now holds the replay too
    settled = here.sync()  # and nothing goes back and forth any more
    assert (settled.cards_up, settled.cards_down, settled.reviews_up, settled.reviews_down) == (0, 0, 0, 0)


def test_a_note_edited_on_both_sides_keeps_the_later_and_lists_the_other(here: Here, device: EngineDevice) -> None:
    note_id = here.add("hormone", "insulin")
    both_synced(here, device)
    phone_note = device.col.find_notes("hormone")[0]
    device.edit_field(phone_note, "Back", "glucagon (phone)")
    device.sync()
    # edited here later than on the phone
    here.collection.db.execute(
        "UPDATE notes SET back = 'insulin (here)', modified_at = ? WHERE id = ?",
        [int((now() + timedelta(seconds=5)).timestamp() * 1000), note_id],
    )
    here.collection.db.conn.commit()
    summary = here.sync()
    assert summary.conflicts == 1
    assert (
        here.collection.db.execute("SELECT back FROM notes WHERE id = ?", [note_id]).fetchone()[0] == "insulin (here)"
    )
    [conflict] = conflicts(here.collection)
    assert conflict.kept_side == "here" and conflict.lost_fields[1] == "glucagon (phone)"
    device.sync()
    assert device.col.get_note(phone_note)["Back"] == "insulin (here)"


def test_deletions_travel_both_ways(here: Here, device: EngineDevice) -> None:
    here.add("keep", "k")
    gone_here = here.add("delete here", "d")
    here.add("delete there", "t")
    both_synced(here, device)
    here.collection.db.execute("DELETE FROM cards WHERE note_id = ?", [gone_here])
    here.collection.db.execute("DELETE FROM notes WHERE id = ?", [gone_here])
    here.collection.db.conn.commit()
    device.delete_note(device.col.find_notes('"delete there"')[0])
    device.sync()
    summary = here.sync()
    assert summary.deletions_up == 2 and summary.deletions_down == 2  # a note and its card each way
    assert here.fronts() == {"keep"}
    device.sync()
    assert engine_fronts(device) == {"keep"}


def test_a_note_deleted_on_the_phone_but_edited_here_goes_and_the_edit_is_kept_in_the_conflicts(
    here: Here, device: EngineDevice
) -> None:
    """The deletion wins, as in Anki; the version edited here since the last sync is listed in the sync conflicts
    (before, it went without a word). A note deleted there and not edited here lists nothing."""
    from studyapp.services.notes.notes import NoteText, update_note

    edited = here.add("alpha", "a")
    here.add("beta", "b")
    both_synced(here, device)
    for front in ("alpha", "beta"):
        device.delete_note(device.col.find_notes(f'"{front}"')[0])
    device.sync()
    update_note(here.collection, here.rng, here.clock, edited, NoteText("alpha", "a, edited here", tags=("mine",)))
    summary = here.sync()
    assert here.fronts() == set() and summary.conflicts == 1
    [conflict] = conflicts(here.collection)
    assert (conflict.note_id, conflict.kept_side) == (edited, "server")
    assert (conflict.lost_fields[:2], conflict.lost_tags) == (("alpha", "a, edited here"), "mine")
    assert engine_fronts(device) == set()


def test_a_note_type_changed_on_the_phone_is_merged_without_losing_a_review(here: Here, device: EngineDevice) -> None:
    here.add("enzyme", "amylase")
    both_synced(here, device)
    device.add_field("Basic", "Source")
    assert device.sync() in ("full_sync", "full_upload")  # the schema changed: the phone must send it whole
    device.full_upload()
    here.answer_first("enzyme", Rating.GOOD)  # an answer here the server has not had
    summary = here.sync()
    assert summary.kind == "merge"
    basic = next(nt for nt in here.collection.notetypes.all() if "Source" in nt.field_names)
    assert basic.field_names == ("Front", "Back", "Source")
    device.sync()
    assert [row[3] for row in device.revlog()] == [3]  # our answer made it across the full sync


def test_a_wrong_password_is_one_line(sync_server: SyncServer) -> None:
    with pytest.raises(SyncError) as caught:
        log_in(sync_server.endpoint, sync_server.user, "wrong")
    assert caught.value.kind == "auth" and "\n" not in str(caught.value)


def test_a_server_that_goes_away_mid_sync_leaves_the_collection_as_it_was(
    here: Here, device: EngineDevice, sync_server: SyncServer
) -> None:
    here.add("one", "1")
    both_synced(here, device)
    device.add_note("two", "2", deck="Bio")
    device.sync()
    here.add("three", "3")
    before = here.dump()

    def stop_at(stage: str) -> Callable[[str], None]:
        def progress(text: str) -> None:
            if text.startswith(stage):
                sync_server.stop()

        return progress

    with pytest.raises(SyncError) as caught:
        here.sync(progress=stop_at("Sending"))
    assert caught.value.kind == "network" and "\n" not in str(caught.value)
    assert here.dump() == before
    sync_server.start()
    summary = here.sync()
    assert summary.notes_down == 1 and summary.notes_up == 1
    device.sync()
    assert engine_fronts(device) == here.fronts() == {"one", "two", "three"}


def test_an_answer_that_has_synced_cannot_be_undone(here: Here) -> None:
    from studyapp.services.review.review import ReviewSession
    from studyapp.storage.review.reviews_store import StaleCardError

    here.add("one", "1")
    here.add("two", "2")
    session = ReviewSession(here.collection, here.deck.id, FixedClock(now()), random.Random(1))
    assert session.next_card() is not None
    session.answer(Rating.GOOD)
    session.next_card()
    session.answer(Rating.GOOD)
    session.undo()  # not synced yet: taken back
    assert here.collection.reviews.log_count() == 1
    here.sync()
    with pytest.raises(StaleCardError, match="already been synced"):
        session.undo()
    assert here.collection.reviews.log_count() == 1


def test_deck_options_travel_both_ways(here: Here, device: EngineDevice) -> None:
    from dataclasses import replace

    here.add("one", "1")
    both_synced(here, device)
    deck_id = device.col.decks.id("Bio")
    config = device.col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = 7
    config["desiredRetention"] = 0.85
    device.col.decks.update_config(config)
    device.sync()
    here.sync()
    bio = here.collection.decks.by_name("Bio")
    assert bio is not None and (bio.options.new_per_day, bio.options.desired_retention) == (7, 0.85)

    preset = here.collection.presets.get(bio.preset_id)
    assert preset is not None
    here.collection.presets.update(preset.id, preset.name, replace(preset.options, reviews_per_day=321))
    here.collection.db.conn.commit()
    here.sync()
    device.sync()
    config = device.col.decks.config_dict_for_deck_id(deck_id)
    assert (config["rev"]["perDay"], config["new"]["perDay"], config["desiredRetention"]) == (321, 7, 0.85)


def test_after_syncs_every_card_is_still_the_replay_of_its_log(
    here: Here, device: EngineDevice, tmp_path: Path
) -> None:
    """`studyapp check` finds nothing: cards the phone answered, cards answered on both sides, a card reset on
    the phone (Forget: a manual log row) and one given a due date there (Set due date) all replay to their state."""
    from studyapp.services.maintenance.check import run_check

    at = now() - timedelta(hours=2)
    engine_add_and_answer(device, "phone only", [3, 3], at)
    forgotten = engine_add_and_answer(device, "forgotten", [4], at)
    moved = engine_add_and_answer(device, "moved", [3, 3], at)
    device.full_upload()
    here.add("both", "b")
    here.sync()
    device.sync()
    here.answer_first("both", Rating.GOOD, at=now() - timedelta(minutes=3))
    device.answer(engine_card(device, "both")[0], 3, at=now() - timedelta(minutes=2))
    device.col.sched.schedule_cards_as_new([forgotten], restore_position=True, reset_counts=False)
    device.col.sched.set_due_date([moved], "9")
    device.sync()
    here.sync()
    device.sync()
    report = run_check(here.collection, FixedClock(now()), random.Random(3), tmp_path / "media")
    assert report.mismatches == [] and report.unreplayable == []
    assert here.card("forgotten")[0] == CardState.NEW
    due = datetime.fromtimestamp(here.card("moved")[1] / 1000, timezone.utc)
    assert 8 <= (due - now()).days <= 9
    assert engine_card(device, "moved")[5] == here.card("moved")[2]


def test_a_note_type_changed_here_needs_the_whole_collection_sent_and_loses_nothing(
    here: Here, device: EngineDevice
) -> None:
    from studyapp.services.notetypes.manage import NotetypeManager

    here.add("vitamin", "C")
    both_synced(here, device)
    phone_note = device.add_note("from the phone", "p", deck="Bio")
    device.answer(device.card_ids(phone_note)[0], 3, at=now() - timedelta(minutes=1))
    device.sync()  # the server has a note and an answer this side has not seen
    basic = next(nt for nt in here.collection.notetypes.all() if nt.name == "Basic")
    NotetypeManager(here.collection, here.rng, here.clock).add_field(basic.id, "Source")
    before = here.dump()
    with pytest.raises(SyncError) as caught:
        here.sync()
    assert caught.value.kind == "full_sync" and "needs the whole collection" in str(caught.value)
    assert here.dump() == before  # nothing taken or changed by the refused sync

    summary = here.sync(mode="full_upload")
    assert summary.kind == "full_upload" and summary.notes_down == 1 and summary.reviews_down == 1
    assert here.fronts() == {"vitamin", "from the phone"}
    assert device.sync() in ("full_sync", "full_download")
    device.full_download()
    assert engine_fronts(device) == {"vitamin", "from the phone"}
    assert device.col.models.by_name("Basic")["flds"][2]["name"] == "Source"
    assert [row[3] for row in device.revlog()] == [3]
    problems, ok = device.col.fix_integrity()  # the whole collection as the phone's Check Database wants it
    assert ok and [line for line in problems.splitlines() if "rebuilt" not in line] == [], problems
    settled = here.sync()  # and afterwards the two sides sync normally again
    assert settled.kind in ("normal", "no_changes") and (settled.notes_up, settled.notes_down) == (0, 0)


def test_a_failed_sanity_check_changes_nothing_and_the_next_sync_compares_everything(
    here: Here, device: EngineDevice
) -> None:
    here.add("one", "1")
    both_synced(here, device)
    # the mirror believes the server holds a review-log row it does not have
    here.collection.db.execute(
        "INSERT INTO sync_revlog (anki_id, our_id, card, usn, ease, ivl, last_ivl, factor, time, type) "
        "VALUES (42, NULL, 1, 0, 3, 1, 0, 2500, 1000, 1)"
    )
    here.collection.db.conn.commit()
    here.add("two", "2")
    before = here.dump()
    with pytest.raises(SyncError) as caught:
        here.sync()
    assert "counts differently" in str(caught.value) and "\n" not in str(caught.value)
    assert here.dump() == before
    summary = here.sync()
    assert summary.kind == "merge" and summary.notes_up == 1
    device.sync()
    assert engine_fronts(device) == {"one", "two"}


def test_a_full_upload_keeps_the_servers_rows_this_side_cannot_replay(here: Here, device: EngineDevice) -> None:
    """An answer to a card the phone then deleted stays in the server's log (Anki keeps the log of deleted
    cards); this side has no card for it and keeps the row in its mirror only. Sending the whole collection
    must not drop it."""
    from studyapp.services.notetypes.manage import NotetypeManager

    gone = device.add_note("deleted on the phone", "x", deck="Bio")
    device.answer(device.card_ids(gone)[0], 3, at=now() - timedelta(minutes=3))
    kept = device.add_note("kept", "k", deck="Bio")
    device.answer(device.card_ids(kept)[0], 4, at=now() - timedelta(minutes=2))
    device.delete_note(gone)
    device.full_upload()
    here.sync()
    assert here.fronts() == {"kept"}
    assert len(device.revlog()) == 2
    basic = next(nt for nt in here.collection.notetypes.all() if nt.name == "Basic")
    NotetypeManager(here.collection, here.rng, here.clock).add_field(basic.id, "Source")
    here.sync(mode="full_upload")
    device.sync()
    device.full_download()
    assert sorted(row[3] for row in device.revlog()) == [3, 4]
    assert engine_card(device, "kept")[5] == 1


def test_another_account_gets_everything_media_included_without_a_reset(
    here: Here, sync_server: SyncServer, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "heart.png").write_bytes(b"a picture")
    here.add("heart", '<img src="heart.png">')
    first = sync(here.collection, media, here.account, now=now)
    assert (first.notes_up, first.media_up) == (1, 1)
    other = log_in(sync_server.endpoint, sync_server.user2, sync_server.password2)
    moved = sync(here.collection, media, other, now=now)
    assert (moved.kind, moved.notes_up, moved.media_up) == ("first", 1, 1)  # (the first with this account)
    assert not any("reset" in line for line in moved.notes), moved.notes
    assert sync(here.collection, media, other, now=now).kind == "no_changes"
