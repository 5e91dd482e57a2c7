"""Sync in the window, driven as the student drives it: Y and the Sync button on the deck list, Tools → Sync
settings… typed in with keys, the progress dialog and its Cancel, the summary, sync on close, Tools → Sync
conflicts…. The server is the real ``anki.syncserver`` and the phone an ``anki`` engine collection; only the
Cancel and close-deadline tests put a fake engine in (a sync that waits to be cancelled).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.sync.account import KEYS, SyncSettings, load_sync_settings, save_sync_settings
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.service import conflicts, log_in, sync_status
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.sync import sync_control
from studyapp.ui.sync.conflicts_dialog import SyncConflictsDialog
from studyapp.ui.sync.sync_progress import SyncProgressDialog
from studyapp.ui.sync.sync_settings_dialog import SyncSettingsDialog
from tests.conftest import collection_fingerprint
from tests.gui.support import open_window, press

from .conftest import SyncServer
from .engine_device import EngineDevice
from .keyring_fake import MemoryKeyring, installed

# The offscreen platform cannot pass a dialog's size limits on, and says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


@pytest.fixture
def real_time_app(tmp_path: Path) -> Iterator[App]:
    """A collection at the real present (to the second): the server refuses a clock 5 minutes off."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    opened = App.open(tmp_path / "collection.db", clock=FixedClock(now), rng=random.Random(16))
    yield opened
    opened.close()


@pytest.fixture
def window(real_time_app: App, qtbot, memory_keyring) -> Iterator[MainWindow]:  # noqa: ANN001
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(real_time_app, qtbot)
    yield shown
    shown.close()


@pytest.fixture
def phone(tmp_path: Path, sync_server: SyncServer) -> Iterator[EngineDevice]:
    device = EngineDevice.for_server(tmp_path / "phone", sync_server)
    yield device
    device.close()


def signed_in(app: App, server: SyncServer) -> None:
    """Signed in as the settings dialog leaves it (the dialog itself is tested once, typed in)."""
    account = log_in(server.endpoint, server.user, server.password)
    save_sync_settings(app.collection, SyncSettings(server.endpoint, server.user, insecure_confirmed=server.endpoint))
    assert KEYS.put(account.endpoint, account.user, account.host_key) is None


def sync_with_y(window: MainWindow, qtbot) -> object:  # noqa: ANN001
    """Y on the deck list; the outcome once the window has read the collection again."""
    assert window.stack.currentWidget() is window.deck_list
    with qtbot.waitSignal(window.sync.finished, timeout=60_000) as finished:
        press(qtbot, Qt.Key.Key_Y)
        assert isinstance(window.sync.dialog, SyncProgressDialog)
    return finished.args[0]


def phone_takes_it(phone: EngineDevice) -> None:
    """The phone's sync button: an empty phone is asked to download the whole collection, and does."""
    required = phone.sync()
    if required == "full_download":
        phone.full_download()
    else:
        assert required == "normal_sync", required


def deck_names(window: MainWindow) -> set[str]:
    return {str(item.data(0, Qt.ItemDataRole.UserRole + 1)) for item in window.deck_list.table.all_items()}


def test_y_before_signing_in_opens_sync_settings_saying_so(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    press(qtbot, Qt.Key.Key_Y)
    dialog = window.sync.settings_dialog
    assert isinstance(dialog, SyncSettingsDialog) and dialog.isVisible()
    assert dialog.message.text() == "Sign in to a sync server first: address, user and password."
    assert dialog.state.text() == "Not signed in"
    assert window.sync.dialog is None
    dialog.reject()


def test_signing_in_typed_in_the_dialog_then_y_merges_the_phones_deck(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    phone: EngineDevice,
    memory_keyring: MemoryKeyring,  # noqa: ANN001
) -> None:
    phone.add_note("mitochondria", "the cell's power plant", deck="Phone")
    if phone.sync() == "full_upload":  # the phone's first sync to an empty server sends its whole collection
        phone.full_upload()
    assert phone.sync() == "no_changes"  # the server has the phone's note

    window.sync.settings_action.trigger()  # Tools → Sync settings…
    dialog = window.sync.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.server, sync_server.endpoint.rstrip("/"))
    assert not dialog.insecure.isHidden()  # plain http to this computer: offered behind a checkbox
    dialog.insecure.setFocus()
    qtbot.keyClick(dialog.insecure, Qt.Key.Key_Space)
    assert dialog.insecure.isChecked()
    qtbot.keyClicks(dialog.user, sync_server.user)
    qtbot.keyClicks(dialog.password, sync_server.password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter signs in
    assert dialog.password.text() == ""  # dropped at once
    qtbot.waitUntil(lambda: dialog.state.text().startswith("Signed in"), timeout=20_000)
    assert dialog.state.text() == f"Signed in as {sync_server.user} at {sync_server.endpoint}"
    assert list(memory_keyring.stored) == [("studyapp-sync", f"{sync_server.user}@{sync_server.endpoint}")]
    qtbot.keyClick(dialog.on_open, Qt.Key.Key_Space)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: window.sync.settings_dialog is None)
    settings = load_sync_settings(window.app.collection)
    assert settings == SyncSettings(sync_server.endpoint, sync_server.user, True, False, sync_server.endpoint)
    assert sync_server.password.encode() not in window.app.path.read_bytes()

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.deck_list.focus_table()
    summary = sync_with_y(window, qtbot)
    assert not isinstance(summary, BaseException), summary
    assert summary.kind in ("first", "merge")
    assert window.statusBar().currentMessage() == summary.describe()
    assert summary.describe().startswith("Synced: sent ")
    assert "Phone" in deck_names(window) and "Calcinosis" in deck_names(window)  # the deck list was read again
    assert phone.sync() == "normal_sync"
    assert "Calcinosis" in phone.col.decks.all_names()


def test_a_wrong_password_in_the_dialog_is_one_line_and_keeps_nothing(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    memory_keyring: MemoryKeyring,  # noqa: ANN001
) -> None:
    before = collection_fingerprint(window.app.path)
    dialog = window.sync.open_settings()
    qtbot.keyClicks(dialog.server, sync_server.endpoint)
    dialog.insecure.setChecked(True)
    qtbot.keyClicks(dialog.user, sync_server.user)
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None and "Signing in" not in dialog.message.text(), timeout=20_000)
    assert "did not accept that user name and password" in dialog.message.text()
    assert "\n" not in dialog.message.text()
    assert dialog.state.text() == "Not signed in" and memory_keyring.stored == {}
    dialog.reject()
    assert collection_fingerprint(window.app.path) == before


def test_http_to_the_internet_is_refused_in_the_dialog(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    dialog = window.sync.open_settings()
    qtbot.keyClicks(dialog.server, "http://sync.example.org/")
    assert dialog.insecure.isHidden()  # nothing to confirm: never over the internet
    qtbot.keyClicks(dialog.user, "me")
    qtbot.keyClicks(dialog.password, "pw")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.task is None and "sync.example.org needs https://" in dialog.message.text()
    dialog.reject()


class WaitingEngine:
    """A sync that reports a step, then waits until it is cancelled (or released), as a slow server would."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, collection, media_folder, account, *, mode, now, zone, progress, cancelled):  # noqa: ANN001, ANN204
        self.calls += 1
        progress("Sending 1,200 reviews")
        while not cancelled() and not self.release.wait(0.01):
            pass
        if cancelled():
            raise SyncError("the sync was cancelled; nothing was changed", "cancelled")
        return None


def _sign_in(window: MainWindow, engine: object) -> None:
    """Signed in (settings and key stored), with ``engine`` in place of the sync."""
    save_sync_settings(window.app.collection, SyncSettings("https://sync.example.org/", "me"))
    KEYS.put("https://sync.example.org/", "me", "KEY")
    window.sync.engine = engine


def _shown_dialog(window: MainWindow, qtbot) -> SyncProgressDialog:  # noqa: ANN001
    dialog = window.sync.dialog
    assert isinstance(dialog, SyncProgressDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_cancel_stops_the_sync_and_leaves_the_collection_as_it_was(
    window: MainWindow,
    qtbot,
    memory_keyring,  # noqa: ANN001
) -> None:
    engine = WaitingEngine()
    _sign_in(window, engine)
    before = collection_fingerprint(window.app.path)
    qtbot.mouseClick(window.deck_list.sync_button, Qt.MouseButton.LeftButton)  # the Sync button
    dialog = _shown_dialog(window, qtbot)
    qtbot.waitUntil(lambda: dialog.status.text() == "Sending 1,200 reviews")
    with qtbot.waitSignal(window.sync.finished, timeout=10_000) as finished:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert isinstance(finished.args[0], SyncError) and finished.args[0].kind == "cancelled"
    assert window.sync.dialog is None and dialog.task is None
    assert window.statusBar().currentMessage() == "Sync cancelled: nothing was changed here."
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]  # no message to dismiss
    assert collection_fingerprint(window.app.path) == before
    assert engine.calls == 1


class SteppingEngine:
    """A sync that reports its steps one at a time, each when the test lets it (``step``)."""

    LINES = ("Receiving (1,250)", "Replaying answers (50,000 of 200,000)", "Replaying answers (200,000 of 200,000)",
             "Sending")  # fmt: skip

    def __init__(self) -> None:
        self.next = threading.Semaphore(0)

    def __call__(self, collection, media_folder, account, *, mode, now, zone, progress, cancelled):  # noqa: ANN001, ANN204
        for line in self.LINES:
            while not self.next.acquire(timeout=0.01):
                if cancelled():
                    raise SyncError("the sync was cancelled; nothing was changed", "cancelled")
            progress(line)
        while not cancelled():
            self.next.acquire(timeout=0.01)
        raise SyncError("the sync was cancelled; nothing was changed", "cancelled")


def test_the_bar_fills_while_a_step_counts_toward_a_known_end(
    window: MainWindow,
    qtbot,
    memory_keyring,  # noqa: ANN001
) -> None:
    engine = SteppingEngine()
    _sign_in(window, engine)
    qtbot.keyClick(window.deck_list, Qt.Key.Key_Y)
    dialog = _shown_dialog(window, qtbot)
    bar = dialog.progress
    seen = []
    for line in engine.LINES:
        engine.next.release()
        qtbot.waitUntil(lambda line=line: dialog.status.text() == line)
        seen.append((bar.minimum(), bar.maximum(), bar.value() if bar.maximum() else None))
    assert seen == [(0, 0, None), (0, 200_000, 50_000), (0, 200_000, 200_000), (0, 0, None)]  # busy, fills, busy
    with qtbot.waitSignal(window.sync.finished, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)


def test_closing_waits_for_sync_on_close_at_most_the_deadline(
    window: MainWindow,
    qtbot,
    memory_keyring,
    monkeypatch,  # noqa: ANN001
) -> None:
    save_sync_settings(window.app.collection, SyncSettings("https://sync.example.org/", "me", sync_on_close=True))
    KEYS.put("https://sync.example.org/", "me", "KEY")
    engine = WaitingEngine()  # a server that never answers
    window.sync.engine = engine
    monkeypatch.setattr(sync_control, "CLOSE_WAIT_MS", 300)
    window.close()
    assert window.isVisible() and isinstance(window.sync.dialog, SyncProgressDialog)  # syncing before closing
    assert window.sync.dialog.windowTitle() == "Syncing before closing"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)  # cancelled at the deadline, then closed
    assert engine.calls == 1 and isinstance(window.sync.last_outcome, SyncError)


def test_sync_on_close_sends_what_was_done_here(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    phone: EngineDevice,  # noqa: ANN001
) -> None:
    signed_in(window.app, sync_server)
    save_sync_settings(window.app.collection, SyncSettings(sync_server.endpoint, sync_server.user, False, True,
                                                           sync_server.endpoint))  # fmt: skip
    window.close()
    assert window.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)
    assert not isinstance(window.sync.last_outcome, BaseException), window.sync.last_outcome
    assert sync_status(window.app.collection).last_sync is not None
    phone_takes_it(phone)
    assert "Calcinosis" in phone.col.decks.all_names()


def _a_note_on_both(window: MainWindow, qtbot, sync_server: SyncServer, phone: EngineDevice) -> tuple[int, str]:  # noqa: ANN001
    """Signed in, synced with Y, the phone synced too: one of the bundled deck's notes, its id on the phone and
    its first field."""
    signed_in(window.app, sync_server)
    assert not isinstance(sync_with_y(window, qtbot), BaseException)
    phone_takes_it(phone)
    phone_note = phone.col.find_notes('"deck:Calcinosis"')[0]
    return phone_note, phone.col.get_note(phone_note).fields[0]


def test_a_note_edited_on_both_sides_shows_in_sync_conflicts(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    phone: EngineDevice,  # noqa: ANN001
) -> None:
    tools = sync_control._tools_menu(window)
    assert tools is not None
    tools.aboutToShow.emit()
    assert not window.sync.conflicts_action.isVisible()  # none yet: not offered
    phone_note, front = _a_note_on_both(window, qtbot, sync_server, phone)
    phone.edit_field(phone_note, phone.col.get_note(phone_note).keys()[1], "edited on the phone")
    assert phone.sync() == "normal_sync"
    later = int((datetime.now(timezone.utc) + timedelta(seconds=5)).timestamp() * 1000)
    db = window.app.collection.db
    db.execute("UPDATE notes SET back = 'edited here', modified_at = ? WHERE front = ?", [later, front])
    db.conn.commit()

    summary = sync_with_y(window, qtbot)
    assert not isinstance(summary, BaseException), summary
    assert summary.conflicts == 1 and "edited on both sides" in window.statusBar().currentMessage()
    tools.aboutToShow.emit()
    assert window.sync.conflicts_action.isVisible()
    assert len(conflicts(window.app.collection)) == 1
    window.sync.conflicts_action.trigger()
    dialog = next(d for d in window.findChildren(SyncConflictsDialog) if d.isVisible())
    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, column).text() for column in range(dialog.table.columnCount())]
    assert row[2] == "this computer's" and "edited on the phone" in row[3] and not row[0].startswith("note ")
    assert isinstance(dialog, QDialog)
    dialog.reject()


def test_a_note_edited_here_and_deleted_on_the_phone_shows_in_sync_conflicts(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    phone: EngineDevice,  # noqa: ANN001
) -> None:
    phone_note, front = _a_note_on_both(window, qtbot, sync_server, phone)
    phone.delete_note(phone_note)
    assert phone.sync() == "normal_sync"
    db = window.app.collection.db
    db.execute("UPDATE notes SET back = 'edited here' WHERE front = ?", [front])
    db.conn.commit()

    summary = sync_with_y(window, qtbot)
    assert not isinstance(summary, BaseException), summary
    assert summary.conflicts == 1
    window.sync.conflicts_action.trigger()
    dialog = next(d for d in window.findChildren(SyncConflictsDialog) if d.isVisible())
    row = [dialog.table.item(0, column).text() for column in range(dialog.table.columnCount())]
    assert row[0].endswith("(deleted)") and not row[0].startswith("note ")
    assert row[2] == "the other device's deletion" and "edited here" in row[3]
    dialog.reject()


def test_y_while_studying_belongs_to_the_reviewer(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    deck = window.app.find_deck("Calcinosis")
    assert deck is not None
    window.study(deck.id)
    press(qtbot, Qt.Key.Key_Y)
    assert window.sync.dialog is None and window.sync.settings_dialog is None
    assert window.stack.currentWidget() is window.reviewer
    window.show_decks()
    press(qtbot, Qt.Key.Key_Y)  # back on the deck list, Y is the sync's again
    assert window.sync.settings_dialog is not None
    window.sync.settings_dialog.reject()


def test_sync_on_open_runs_once_the_window_is_up(
    real_time_app: App,
    qtbot,
    sync_server: SyncServer,
    memory_keyring,  # noqa: ANN001
) -> None:
    signed_in(real_time_app, sync_server)
    save_sync_settings(real_time_app.collection, SyncSettings(sync_server.endpoint, sync_server.user, True, False,
                                                              sync_server.endpoint))  # fmt: skip
    install_theme(QApplication.instance(), LIGHT)
    window = MainWindow(real_time_app)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sync.finished, timeout=60_000) as finished:
        window.show()
    assert not isinstance(finished.args[0], BaseException), finished.args[0]
    assert window.statusBar().currentMessage().startswith("Synced: sent ")
    assert sync_status(real_time_app.collection).last_sync is not None
    window.close()


def test_sign_out_removes_the_key(window: MainWindow, qtbot, memory_keyring: MemoryKeyring) -> None:  # noqa: ANN001
    save_sync_settings(window.app.collection, SyncSettings("https://sync.example.org/", "me"))
    KEYS.put("https://sync.example.org/", "me", "KEY")
    dialog = window.sync.open_settings()
    assert dialog.state.text() == "Signed in as me at https://sync.example.org/"
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.stored == {} and dialog.state.text() == "Not signed in"
    assert not dialog.sign_out_button.isEnabled()
    dialog.reject()
    assert window.sync.account() is None  # Y now asks to sign in


def test_a_note_type_changed_here_asks_before_sending_the_whole_collection(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    phone: EngineDevice,  # noqa: ANN001
) -> None:
    from studyapp.services.notetypes.manage import NotetypeManager

    app = window.app
    signed_in(app, sync_server)
    deck = app.collection.decks.all()[0]
    from studyapp.services.notes.notes import NoteText, add_note

    add_note(app.collection, app.rng, app.clock, deck.id, NoteText("vitamin", "C"))
    assert sync_with_y(window, qtbot).kind == "first"
    phone_takes_it(phone)
    basic = next(nt for nt in app.collection.notetypes.all() if nt.name == "Basic")
    NotetypeManager(app.collection, app.rng, app.clock).add_field(basic.id, "Source")

    outcome = sync_with_y(window, qtbot)
    assert isinstance(outcome, SyncError) and outcome.kind == "full_sync"
    question = window.sync.full_upload_question
    assert question is not None and question.isVisible()
    with qtbot.waitSignal(window.sync.finished, timeout=60_000) as finished:
        window.sync.send_whole.click()  # "Send the whole collection"
    assert finished.args[0].kind == "full_upload"
    assert phone.sync() in ("full_sync", "full_download")
    phone.full_download()
    assert [f["name"] for f in phone.col.models.by_name("Basic")["flds"]] == ["Front", "Back", "Source"]


def test_what_a_sync_moved_or_skipped_is_told_in_a_message(
    window: MainWindow,
    qtbot,
    sync_server: SyncServer,
    phone: EngineDevice,  # noqa: ANN001
) -> None:
    """The summary's notes (a card moved out of a deck deleted here, a note or media file skipped, the server's
    message) were printed by `studyapp sync` but never shown in the window: the status bar had only the counts."""
    from studyapp.services.decks.deck_ops import delete_deck

    window.app.collection.decks.create(window.app.rng.getrandbits(63), "Chem", "", window.app.clock.now())
    _a_note_on_both(window, qtbot, sync_server, phone)
    assert not window.sync.told  # nothing to tell after an ordinary sync
    phone.add_note("added on the phone", "x", deck="Chem")  # before it hears of the deletion
    delete_deck(window.app.collection, "Chem")
    assert not isinstance(sync_with_y(window, qtbot), BaseException)
    assert phone.sync() == "normal_sync"

    summary = sync_with_y(window, qtbot)
    assert not isinstance(summary, BaseException), summary
    box = window.sync.told
    assert box is not None and box.isVisible()
    assert box.text() == "Synced: sent 1 card; received 1 note, 1 card."
    told = "• 1 card from the other device was in a deck deleted here; now in 'Default' on both"
    assert box.informativeText() == told
    box.accept()
    window.sync._done(summary)  # the same lines again (say, a media file refused at every sync): told once
    assert not [shown for shown in window.findChildren(QMessageBox) if shown.isVisible()]
    assert window.statusBar().currentMessage() == "Synced: sent 1 card; received 1 note, 1 card."
