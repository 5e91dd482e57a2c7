"""The study screen: the card, the remaining counts and the answer buttons, driven by the keyboard.

Space or Enter reveals the answer (and, once revealed, answers Good, as in Anki); 1 to 4 answer
Again, Hard, Good or Easy; Ctrl+Z takes back the last answer; Escape goes back to the decks;
the arrow and page keys scroll a long card.

Audio (``[sound:]``, see ``core.text.sound_tags``): the question's sounds play when it is shown, the answer's
own at the reveal, unless the card's deck says "Don't play audio automatically"; R plays the side again
(on the answer: the question's, then the answer's, as Anki's default); a play button plays its sound.
Playing never holds up a key (``SoundBoard``); what cannot play is one quiet line below the card.

Pictures: once a card is painted, the pictures of the cards likely to come next (``ReviewSession.upcoming``)
and of its own answer side are decoded off the UI thread (``PicturePrefetcher``), so that they show at once.

In the other quiz modes (see ``studyapp.services.review.quiz``): *type* shows a line to type in, in the card
where its template has ``{{type:Field}}`` (the comparison then shows there too), else under the card; Enter
checks the reply, shows the diff and the answer, and suggests a grade that Enter or Space accepts and 1
to 4 overrule. *Multiple choice* shows four options; 1 to 4 (or a click) picks one, and the answer is
saved at once (Good if right, Again if not); the right option is then shown, and Enter, Space or 1 to 4
go on to the next card. Each log row records how its card was quizzed. The header shows the session's mode
and switches it (``mode_control``); the card stays in place when its answer is revealed (``card_placement``);
with options, the card keeps its natural height and the options follow it (``choice_layout``). While
studying only the reviewer's own keys act: the window's single-letter shortcuts are off (``study_keys``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.model import Card, Rating, ReviewMode
from studyapp.core.quiz.answer_match import AnswerMatch
from studyapp.services.app import StaleCardError, StorageError
from studyapp.services.review.review import ReviewSession
from studyapp.ui.app.dialogs import show_message
from studyapp.ui.app.style import theme_for
from studyapp.ui.review.actions.card_actions import ReviewerCardActions
from studyapp.ui.review.answer_bar import AnswerBar
from studyapp.ui.review.card_view import VERTICAL_PADDING, CardView
from studyapp.ui.review.counts_bar import CountsBar, queue_of
from studyapp.ui.review.pictures.picture_prefetch import PicturePrefetcher
from studyapp.ui.review.quiz import choice_layout
from studyapp.ui.review.quiz.choice_panel import ChoicePanel
from studyapp.ui.review.quiz.typed_answer import AnswerInput, TypedAnswerPanel, comparison_html
from studyapp.ui.review.reviewer_header import ReviewerHeader
from studyapp.ui.review.reviewer_keys import handle_study_key
from studyapp.ui.review.sound_board import SoundBoard

UPCOMING_PICTURES = 3  # upcoming cards whose pictures are made ready (a card ahead is ready a card earlier)


class Reviewer(QWidget):
    finished = Signal()  # no card left in this session: show the summary
    back_requested = Signal()
    edit_requested = Signal(object)  # the current card's id (E): the window opens the editor
    mode_chosen = Signal(object, object)  # deck id, ReviewMode: switched in the header, remembered for the deck

    def __init__(self, media_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Reviewer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.session: ReviewSession | None = None
        self.card_mode = ReviewMode.FLIP  # how the card on screen is quizzed
        self.shown_card: Card | None = None  # after a multiple-choice answer, the session has moved on

        header = ReviewerHeader()
        self.back_button, self.deck_label, self.undo_hint = header.back_button, header.deck_label, header.undo_hint
        self.back_button.clicked.connect(self.back_requested)
        self.mode_control = header.mode_control
        self.mode_control.mode_clicked.connect(self.switch_mode)

        self.notice_label = QLabel()  # why the session is not in the mode chosen (too few answers)
        self.notice_label.setObjectName("QuizNotice")
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()

        self.card_view = CardView(media_dir)
        self.pictures = PicturePrefetcher(parent=self)
        self.sounds = SoundBoard(media_dir, self)
        self.sounds.problem.connect(self.show_sound_problem)
        self.card_view.sound_requested.connect(lambda name: self.sounds.play([name]))
        self.sound_status = QLabel()  # what could not play, in one quiet line
        self.sound_status.setObjectName("KeyHint")
        self.sound_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sound_status.hide()
        self.counts_bar = CountsBar()
        self.answer_bar = AnswerBar()
        self.answer_bar.reveal_clicked.connect(self._reveal_clicked)
        self.answer_bar.rated.connect(self.answer)
        self.answer_bar.continue_clicked.connect(self.go_on)
        self.typed_panel = TypedAnswerPanel()
        for line in (self.typed_panel.input, self.card_view.type_input):
            line.submitted.connect(self.check_typed)
            line.undo_requested.connect(self.undo)
            line.escape_pressed.connect(self.back_requested)
        self.typed_match: AnswerMatch | None = None  # the check of the typed card on screen
        self.choice_panel = ChoicePanel()
        self.choice_panel.chosen.connect(self.choose)

        footer = QWidget()
        footer.setObjectName("ReviewerFooter")
        footer.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        footer_layout = QVBoxLayout(footer)
        footer_layout.setContentsMargins(16, 10, 16, 16)
        footer_layout.setSpacing(10)
        footer_layout.addWidget(self.sound_status)
        footer_layout.addWidget(self.counts_bar)
        footer_layout.addLayout(choice_layout.centred(self.typed_panel))
        footer_layout.addWidget(self.answer_bar)
        self.typed_panel.hide()
        self.choice_panel.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.notice_label)
        card_area, self.card_height = choice_layout.card_area(self.card_view, self.choice_panel, VERTICAL_PADDING)
        layout.addWidget(card_area, 1)  # the options right below the card (held to its text's height)
        layout.addWidget(footer)
        self.card_actions = ReviewerCardActions(self)  # -, @, Ctrl+1-7, Ctrl+Delete, I, Ctrl+Shift+D; their undo

    # -- the session -------------------------------------------------------------------------------

    def start(self, session: ReviewSession) -> None:
        """Study ``session`` from its first card; emits ``finished`` at once if nothing is due."""
        self.session = session
        self.card_actions.start(session)
        self.sounds.new_session()
        self.deck_label.setText(session.deck.name)
        self.notice_label.setText(session.notice or "")
        self.notice_label.setVisible(bool(session.notice))
        session.next_card()
        self._show_current()

    @property
    def revealed(self) -> bool:
        return self.answer_bar.ratings_shown

    @property
    def choice_made(self) -> bool:
        """A multiple-choice answer is saved and shown; the next key goes on."""
        return self.card_mode is ReviewMode.CHOICE and self.choice_panel.answered

    def _show_current(self) -> None:
        session = self.session
        if session is None:
            return
        card = session.current
        self.shown_card = card
        self.undo_hint.setVisible(session.can_undo)
        self.card_actions.card_shown(card)
        self.sounds.stop()
        self.sound_status.hide()
        if card is None:
            self.finished.emit()
            return
        self.card_mode = session.quiz.mode_for(card)
        self.mode_control.show_mode(session.quiz.requested, self.card_mode)
        self.typed_match = None
        typing = self.card_mode is ReviewMode.TYPE
        self.counts_bar.set_counts(session.counts(), queue_of(card.schedule.state))
        self.card_view.show_card(card, revealed=False, typing=typing)
        self.typed_panel.setVisible(typing and not self.card_view.type_slot_shown)
        self.choice_panel.setVisible(self.card_mode is ReviewMode.CHOICE)
        self.card_height.hold(self.card_mode is ReviewMode.CHOICE)
        if typing:
            self.answer_bar.show_reveal("Check answer", "Enter")
            self.typed_panel.ask()
            if self.card_view.type_slot_shown:
                self.card_view.type_input.clear()
                self.card_view.type_input.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.card_mode is ReviewMode.CHOICE:
            options = session.quiz.options(card)
            assert options is not None
            self.choice_panel.show_options(options)
            self.answer_bar.show_hint("Press 1, 2, 3 or 4, or click an option")
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.answer_bar.show_reveal()
            if self.isVisible() and not self.hasFocus():
                self.setFocus(Qt.FocusReason.OtherFocusReason)
        self._autoplay(card, revealed=False)
        self.card_view.after_next_paint(self._prefetch_pictures)

    def switch_mode(self, mode: ReviewMode) -> None:
        """The header's mode control: the session goes on in ``mode``; the card on screen is asked again in it
        unless its answer is saved (a multiple-choice pick), and the deck remembers the mode."""
        session = self.session
        if session is None:
            return
        session.quiz.switch(mode)
        self.notice_label.setText(session.notice or "")
        self.notice_label.setVisible(bool(session.notice))
        self.mode_chosen.emit(session.deck.id, mode)
        if self.choice_made or session.current is None:
            self.mode_control.show_mode(mode, self.card_mode)
        else:
            self._show_current()

    def _prefetch_pictures(self) -> None:
        """After the card is painted: its answer's pictures and the upcoming cards' made ready in a worker."""
        session = self.session
        card = None if session is None else session.current
        if session is not None and card is not None and card is self.shown_card and self.isVisible():
            self.pictures.prepare_for(self.card_view, card, session.upcoming(UPCOMING_PICTURES))

    def _reveal_clicked(self) -> None:
        if self.card_mode is ReviewMode.TYPE:
            self.check_typed(self.typed_input.text())
        else:
            self.reveal()

    @property
    def typed_input(self) -> AnswerInput:
        """The line the card on screen is typed in: in the card, or below it."""
        return self.card_view.type_input if self.card_view.type_slot_shown else self.typed_panel.input

    def reveal(self) -> None:
        session = self.session
        if session is None or session.current is None or self.revealed or self.card_mode is not ReviewMode.FLIP:
            return
        card = session.current
        self.card_view.show_card(card, revealed=True)
        self.answer_bar.show_ratings(session.interval_labels())
        self._autoplay(card, revealed=True)

    def check_typed(self, typed: str) -> None:
        """Compare the typed reply, show the diff and the answer, and suggest a grade."""
        session = self.session
        card = None if session is None else session.current
        if session is None or card is None or self.card_mode is not ReviewMode.TYPE or self.typed_match is not None:
            return
        match = session.quiz.check(card, typed)
        self.typed_match = match
        shown = comparison_html(match, theme_for(self.palette()))
        self.card_view.show_card(card, revealed=True, typing=True, comparison=shown)
        if self.card_view.comparison_shown:
            self.typed_panel.hide()
        else:
            self.typed_panel.show()
            self.typed_panel.show_result(match)
        self.answer_bar.show_ratings(session.interval_labels(), suggested=match.rating)
        self.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys now grade
        self._autoplay(card, revealed=True)

    def answer(self, rating: Rating) -> None:
        session = self.session
        if session is None or session.current is None or not self.revealed:
            return
        if self._save(session, rating) or session.current is not self.shown_card:
            self._show_current()

    def _save(self, session: ReviewSession, rating: Rating) -> bool:
        """One answer, one transaction; a card changed elsewhere meanwhile is shown again instead.

        If the disk refuses (full, read-only, the file gone) nothing was written: the message says so
        and the card stays on screen as it was, so the answer can be given again once it is fixed.
        """
        try:
            session.answer(rating, mode=self.card_mode)
        except StaleCardError as error:
            show_message(self, QMessageBox.Icon.Warning, "Card changed", f"{error}\nThe card is shown again.")
            session.next_card()
            return False
        except StorageError as error:
            self.show_storage_error(error)
            return False
        return True

    def show_storage_error(self, error: StorageError) -> None:
        show_message(self, QMessageBox.Icon.Critical, "Not saved", str(error))

    def choose(self, index: int) -> None:
        """A multiple-choice pick: saved at once (Good if right, Again if not), then the right option shown."""
        session = self.session
        card = None if session is None else session.current
        options = self.choice_panel.options
        if session is None or card is None or self.card_mode is not ReviewMode.CHOICE or options is None:
            return
        if self.choice_panel.answered:
            return
        if not self._save(session, session.quiz.choice_rating(options, index)):  # saved now: a quit loses nothing
            if session.current is not self.shown_card:  # a disk fault keeps the options up, to pick again
                self._show_current()
            return
        rating = session.quiz.choice_rating(options, index)
        self.choice_panel.show_result(index)
        self.card_view.show_card(card, revealed=not session.quiz.answer_repeats(card, options))  # not said twice
        self.answer_bar.show_continue(f"{'Right' if rating is Rating.GOOD else 'Wrong'}: {rating.label} · Enter")
        self.undo_hint.setVisible(session.can_undo)
        self._autoplay(card, revealed=True)

    def go_on(self) -> None:
        """After a multiple-choice answer: the next card (or the summary)."""
        if self.choice_made:
            self._show_current()

    def show_edited(self, card: Card) -> None:
        """The current card again after its note was edited, on the same side; the session is untouched."""
        session = self.session
        if session is None or session.current is None or session.current.id != card.id or self.choice_made:
            return
        session.current = card
        self.shown_card = card
        typing = self.card_mode is ReviewMode.TYPE
        if typing and self.revealed and self.typed_match is not None:
            shown = comparison_html(self.typed_match, theme_for(self.palette()))
            self.card_view.show_card(card, revealed=True, typing=True, comparison=shown)
        else:
            typed = self.typed_input.text()
            self.card_view.show_card(card, revealed=self.revealed, typing=typing)
            if typing:
                self.typed_input.setText(typed)

    def undo(self) -> bool:
        """Take back the last answer (or card action) and show that card's question again."""
        if self.card_actions.actions is not None:
            return self.card_actions.undo()
        session = self.session
        if session is None or not session.can_undo:
            return False
        try:
            session.undo()
        except StorageError as error:
            self.show_storage_error(error)
            return False
        self._show_current()
        return True

    # -- keys --------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not handle_study_key(self, event):
            super().keyPressEvent(event)

    # -- audio -------------------------------------------------------------------------------------

    def _autoplay(self, card: Card, revealed: bool) -> None:
        fallback = self.session.deck.options if self.session is not None else None
        self.sounds.autoplay(self.card_view.shown_faces, revealed, card.deck_id, fallback)

    def replay(self) -> None:
        """R: the side's sounds again (on the answer side the question's, then the answer's)."""
        if self.shown_card is not None and self.sounds.replay(self.card_view.shown_faces, self.card_view.answer_shown):
            self.sound_status.hide()

    def show_sound_problem(self, message: str) -> None:
        """One quiet line below the card: what could not play and why."""
        self.sound_status.setText(message)
        self.sound_status.setToolTip(message)
        self.sound_status.show()

    def hideEvent(self, event: QHideEvent) -> None:
        self.sounds.stop()  # back to the decks, or the window closes: nothing plays on
        self.pictures.stop()  # and no picture is decoded for it
        super().hideEvent(event)
