"""Tools → Sync settings…: the server address, user and password, sync on open and on close, Sign out.

Sign in exchanges the password for the server's host key (off the UI thread: it is a network call) and
drops the password: the field is emptied, and the key goes to the OS keyring (or, where there is none,
is kept until studyapp closes, which the dialog says). Plain http is offered only for a server on this
computer or the student's own network, behind a checkbox; https everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.app import App, StorageError
from studyapp.services.sync.account import (
    AccountError,
    KeyStore,
    SyncSettings,
    insecure_problem,
    is_local_address,
    load_sync_settings,
    normalize_endpoint,
    save_sync_settings,
)
from studyapp.ui.app.window_geometry import keep_on_screen
from studyapp.ui.importing.import_worker import BackgroundTask, one_line

LogIn = Callable[[str, str, str], Any]  # (endpoint, user, password) -> SyncAccount, or raises SyncError


def default_log_in() -> LogIn:
    from studyapp.services.sync.service import log_in

    return log_in


class SyncSettingsDialog(QDialog):
    signed_in = Signal()  # a new host key is kept
    signed_out = Signal()

    def __init__(self, app: App, keys: KeyStore, parent: QWidget | None = None, log_in: LogIn | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncSettingsDialog")
        self.setWindowTitle("Sync settings")
        self.app = app
        self.keys = keys
        self.log_in = log_in or default_log_in()
        self.settings = load_sync_settings(app.collection)
        self.task: BackgroundTask | None = None

        intro = QLabel(
            "Sync this collection with an Anki sync server, as AnkiDroid and AnkiMobile do. Self-hosted: run "
            "python -m anki.syncserver (from the anki package) with SYNC_USER1=me:secret, and use "
            "http://ITS-ADDRESS:8080/ here. AnkiWeb is possible only where its terms allow third-party clients."
        )
        intro.setWordWrap(True)
        intro.setObjectName("KeyHint")
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server = QLineEdit(self.settings.server)
        self.server.setObjectName("SyncServer")
        self.server.setPlaceholderText("http://192.168.1.20:8080/")
        self.user = QLineEdit(self.settings.user)
        self.user.setObjectName("SyncUser")
        self.password = QLineEdit()
        self.password.setObjectName("SyncPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("only to sign in; never stored")
        self.insecure = QCheckBox("Plain http is fine: this computer or my own network")
        self.insecure.setToolTip("http sends the sign-in and the cards unencrypted: only where you trust the network")
        self.insecure.setObjectName("SyncInsecure")
        self.insecure.setChecked(self.settings.insecure_allowed)
        self.on_open = QCheckBox("Sync when studyapp opens")
        self.on_open.setChecked(self.settings.sync_on_open)
        self.on_close = QCheckBox("Sync when studyapp closes")
        self.on_close.setChecked(self.settings.sync_on_close)
        self.state = QLabel()
        self.state.setObjectName("SyncAccountState")
        self.state.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("SyncMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setObjectName("SyncSignIn")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setObjectName("SyncSignOut")
        self.sign_out_button.clicked.connect(self.sign_out)
        self.sign_in_button.setDefault(True)  # Enter signs in (Save is a click: it closes the dialog)
        for field in (self.server, self.user):
            field.textChanged.connect(self._update)

        form = QFormLayout()
        form.addRow("Server address", self.server)
        form.addRow("", self.insecure)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        account_row = QHBoxLayout()
        account_row.addWidget(self.state, 1)
        account_row.addWidget(self.sign_in_button)
        account_row.addWidget(self.sign_out_button)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(account_row)
        layout.addWidget(self.message)
        layout.addWidget(self.on_open)
        layout.addWidget(self.on_close)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        keep_on_screen(self)
        self._update()

    # -- what the fields say -------------------------------------------------------------------------------

    def endpoint(self) -> str:
        """The address typed, normalized, or an ``AccountError``."""
        return normalize_endpoint(self.server.text())

    def _endpoint_or_none(self) -> str | None:
        try:
            return self.endpoint()
        except AccountError:
            return None

    def _update(self, *_args: object) -> None:
        endpoint = self._endpoint_or_none()
        self.insecure.setVisible(endpoint is not None and endpoint.startswith("http:") and is_local_address(endpoint))
        user = self.user.text().strip()
        key = self.keys.get(endpoint, user) if endpoint and user else None
        if key is not None:
            self.state.setText(f"Signed in as {user} at {endpoint}")
        else:
            self.state.setText("Not signed in")
        self.sign_out_button.setEnabled(key is not None)
        self.sign_in_button.setEnabled(self.task is None)

    def show_message(self, text: str) -> None:
        self.message.setText(one_line(text))
        self.message.setVisible(bool(text))

    # -- signing in and out --------------------------------------------------------------------------------

    def sign_in(self) -> None:
        """Exchange the password for the host key, off the UI thread; the password field is emptied at once."""
        if self.task is not None:
            return
        try:
            endpoint = self.endpoint()
        except AccountError as error:
            self.show_message(str(error))
            return
        user, password = self.user.text().strip(), self.password.text()
        if not user or not password:
            self.show_message("Type the user name and the password the server knows.")
            return
        problem = insecure_problem(endpoint, not self.insecure.isHidden() and self.insecure.isChecked())
        if problem is not None:
            self.show_message(problem)
            return
        self.password.clear()  # the password lives only in this call now
        self.show_message(f"Signing in to {endpoint}…")
        task = BackgroundTask(lambda: self.log_in(endpoint, user, password), parent=self)
        task.succeeded.connect(self._signed_in)
        task.failed.connect(self._sign_in_failed)
        self.task = task
        self._update()
        task.start()

    def _task_done(self) -> None:
        if self.task is not None:
            self.task.wait()
            self.task = None

    def _signed_in(self, account: Any) -> None:
        self._task_done()
        notice = self.keys.put(account.endpoint, account.user, account.host_key)
        insecure = account.endpoint if account.endpoint.startswith("http:") else self.settings.insecure_confirmed
        self.settings = replace(self.settings, server=account.endpoint, user=account.user, insecure_confirmed=insecure)
        try:
            save_sync_settings(self.app.collection, self.settings)
        except StorageError as error:
            self.show_message(str(error))
            return
        self.server.setText(account.endpoint)
        self.show_message(notice or "Signed in: the key is in the system keyring; the password was not kept.")
        self._update()
        self.signed_in.emit()

    def _sign_in_failed(self, error: object) -> None:
        self._task_done()
        self.show_message(str(error) or type(error).__name__)
        self._update()

    def sign_out(self) -> None:
        endpoint = self._endpoint_or_none()
        user = self.user.text().strip()
        if endpoint and user:
            self.keys.forget(endpoint, user)
        self.show_message("Signed out: the key is gone from this computer.")
        self._update()
        self.signed_out.emit()

    # -- saving --------------------------------------------------------------------------------------------

    def chosen(self) -> SyncSettings:
        endpoint = self._endpoint_or_none()
        server = endpoint if endpoint is not None else self.settings.server
        confirmed = self.settings.insecure_confirmed
        if endpoint is not None and not self.insecure.isHidden():
            confirmed = endpoint if self.insecure.isChecked() else ("" if confirmed == endpoint else confirmed)
        return SyncSettings(
            server=server,
            user=self.user.text().strip(),
            sync_on_open=self.on_open.isChecked(),
            sync_on_close=self.on_close.isChecked(),
            insecure_confirmed=confirmed,
        )

    def save(self) -> None:
        if self.server.text().strip() and self._endpoint_or_none() is None:
            try:
                self.endpoint()
            except AccountError as error:
                self.show_message(str(error))
            return
        try:
            save_sync_settings(self.app.collection, self.chosen())
        except StorageError as error:
            self.show_message(str(error))
            return
        self.accept()

    def done(self, result: int) -> None:  # Save, Cancel, Esc or the title bar
        if self.task is not None:  # a sign-in on its way: dropped (no key kept), its thread waited for
            self.task.succeeded.disconnect()
            self.task.failed.disconnect()
            self.task.wait()  # bounded by the client's timeout
            self.task = None
        super().done(result)
