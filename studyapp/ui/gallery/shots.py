"""The windows of the gallery, each opened the way the user opens it, and photographed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from studyapp.core.model import ReviewMode
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.welcome import open_help_section

Shot = Callable[[MainWindow, App], QWidget | None]


def _deck(app: App, name: str) -> int:
    deck = app.find_deck(name)
    if deck is None:
        raise LookupError(f"the gallery's collection has no deck {name!r}")
    return deck.id


def _study(deck: str, mode: ReviewMode = ReviewMode.FLIP, reveal: bool = False, typed: str | None = None) -> Shot:
    def shot(window: MainWindow, app: App) -> QWidget:
        window.stack.setCurrentWidget(window.reviewer)
        window.reviewer.start(app.review_session(_deck(app, deck), mode))
        if typed is not None:
            window.reviewer.check_typed(typed)
        elif reveal:
            window.reviewer.reveal()
        return window

    return shot


def _choice_answered(window: MainWindow, app: App) -> QWidget:
    _study("Calcinosis", ReviewMode.CHOICE)(window, app)
    window.reviewer.choose(1)
    return window


def _summary(window: MainWindow, app: App) -> QWidget:
    deck_id = _deck(app, "Samples::Maths")
    window.stack.setCurrentWidget(window.reviewer)
    window.reviewer.start(app.review_session(deck_id))
    window.reviewer.reveal()
    QTest.keyClick(window.reviewer, Qt.Key.Key_4)  # Easy: the one card leaves the day, the session ends
    return window


def _edit(window: MainWindow, app: App) -> QWidget | None:
    _study("Samples::Cloze")(window, app)
    session = window.reviewer.session
    return window.edit_card(session.current.id) if session is not None and session.current is not None else None


def _card_info(window: MainWindow, app: App) -> QWidget | None:
    _study("Calcinosis", reveal=True)(window, app)
    return window.reviewer.card_actions.show_info()


def _set_due(window: MainWindow, app: App) -> QWidget | None:
    _study("Calcinosis", reveal=True)(window, app)
    return window.reviewer.card_actions.ask_due_date()


def _custom_study(window: MainWindow, app: App) -> QWidget | None:
    window.deck_list.select_deck(_deck(app, "Calcinosis"))
    return window.custom_study()


def _options(window: MainWindow, app: App) -> QWidget | None:
    return window.deck_actions.options(_deck(app, "Calcinosis"))


def _import(window: MainWindow, app: App) -> QWidget:
    return window.open_import_dialog(Path(__file__).resolve().parents[3] / "decks" / "calcinosis.txt")


def _browser(window: MainWindow, app: App) -> QWidget:
    browser = window.open_browser()
    return browser


# name -> how it is opened; "main-*" and "review-*" are pages of the main window.
SHOTS: dict[str, Shot] = {
    "main-decks": lambda window, app: window,
    "review-flip-question": _study("Calcinosis"),
    "review-flip-answer": _study("Calcinosis", reveal=True),
    "review-type-checked": _study("Samples::Capitals", ReviewMode.TYPE, typed="Pari"),
    "review-choice-answered": _choice_answered,
    "review-cloze": _study("Samples::Cloze", reveal=True),
    "review-maths": _study("Samples::Maths", reveal=True),
    "review-audio": _study("Samples::Audio", reveal=True),
    "review-occlusion-question": _study("Samples::Occlusion"),
    "review-occlusion-answer": _study("Samples::Occlusion", reveal=True),
    "session-summary": _summary,
    "browser": _browser,
    "statistics": lambda window, app: (window.deck_list.select_deck(_deck(app, "Calcinosis")), window.open_stats())[1],
    "import": _import,
    "add": lambda window, app: window.add_cards(),
    "edit": _edit,
    "card-info": _card_info,
    "set-due-date": _set_due,
    "deck-options": _options,
    "custom-study": _custom_study,
    "new-deck": lambda window, app: window.deck_actions.new_deck(),
    "settings": lambda window, app: window.show_settings(),
    "keyboard-shortcuts": lambda window, app: window.show_shortcuts(),
    "about": lambda window, app: window.show_about(),
    "help-study": lambda window, app: open_help_section(window, "Study"),
    "check": lambda window, app: window.check_collection(),
    "backups": lambda window, app: window.backups.open_dialog(),
    "note-types": lambda window, app: window.open_notetypes(),
    "image-occlusion-editor": lambda window, app: window.open_occlusion(),
}


def settle(app: QApplication, rounds: int = 8) -> None:
    """Let layouts, timers of 0 ms and deferred paints run."""
    for _ in range(rounds):
        app.processEvents()
        QTest.qWait(25)


def take(name: str, shot: Shot, window: MainWindow, app: App, qt_app: QApplication, out: Path) -> str | None:
    """Open one window, save its picture as ``out/name.png``, close what was opened; the problem, if any."""
    before = set(qt_app.topLevelWidgets())
    try:
        shown = shot(window, app)
    except Exception as error:  # noqa: BLE001 - one broken window must not stop the gallery
        return f"{name}: {type(error).__name__}: {error}"
    settle(qt_app)
    target = shown if shown is not None else window
    if not target.isVisible():
        return f"{name}: the window did not open"
    target.grab().save(str(out / f"{name}.png"))
    for widget in set(qt_app.topLevelWidgets()) - before:
        if widget.isVisible():
            widget.close()
    settle(qt_app, 2)
    window.show_decks()
    return None
