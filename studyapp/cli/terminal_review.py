"""``studyapp review``: study in the terminal, through the same review service as the window.

Lines are read one at a time, so answers can come from a keyboard or a pipe; end of input stops the
session cleanly, with every answer given so far already saved.

The three quiz modes: flip (Enter shows the answer, then 1-4 grade it), type (type the answer; it is
compared and a grade suggested, which Enter accepts or 1-4 overrule), and multiple choice (1-4 picks
an option; the answer is saved at once).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from typing import TextIO

from studyapp.cli.terminal_faces import terminal_faces
from studyapp.core.model import Card, Rating, ReviewMode
from studyapp.core.quiz.answer_match import AnswerMatch, DiffOp, Verdict
from studyapp.core.scheduling.intervals import format_interval
from studyapp.services.review.review import ReviewSession

_QUIT = {"q", "quit", "exit"}
_UNDO = {"u", "undo"}
_TYPED_QUIT = {":q", ":quit"}  # a typed answer may well be "q": commands there start with a colon
_TYPED_UNDO = {":u", ":undo"}
_RATING_KEYS = {"1", "2", "3", "4"}
_VERDICTS = {Verdict.EXACT: "Correct", Verdict.CLOSE: "Almost", Verdict.WRONG: "Not quite"}


class _EndOfInput(Exception):
    pass


class _Quit(Exception):
    pass


class _Undo(Exception):
    pass


def _wrap(text: str, indent: str) -> str:
    width = min(shutil.get_terminal_size((88, 24)).columns, 100) - len(indent)
    paragraphs = text.split("\n")
    return "\n".join(
        textwrap.fill(p, width, initial_indent=indent, subsequent_indent=indent) or indent for p in paragraphs
    )


def _read(prompt: str, stdin: TextIO, stdout: TextIO) -> str:
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    if not line:
        stdout.write("\n")
        raise _EndOfInput
    if not stdin.isatty():
        stdout.write("\n")  # a piped reply is not echoed: end the prompt's line ourselves
    return line.strip()


def _ask(prompt: str, stdin: TextIO, stdout: TextIO) -> str:
    """A command or a key: lower case; q quits and u undoes wherever it is asked."""
    reply = _read(prompt, stdin, stdout).lower()
    if reply in _QUIT:
        raise _Quit
    if reply in _UNDO:
        raise _Undo
    return reply


def diff_text(match: AnswerMatch) -> str:
    """The typed-answer diff for a terminal: ``[-wrong]`` typed in error, ``[+missing]`` left out."""
    if match.by_terms:
        found = [text for op, text in match.diff if op is DiffOp.EQUAL]
        missing = [text for op, text in match.diff if op is DiffOp.MISSING]
        return f"Key terms found: {', '.join(found) or 'none'}" + (
            f"; missing: {', '.join(missing)}" if missing else ""
        )
    marks = {DiffOp.EQUAL: "{}", DiffOp.WRONG: "[-{}]", DiffOp.MISSING: "[+{}]"}
    return "".join(marks[op].format(text) for op, text in match.diff)


class _TerminalReview:
    def __init__(self, session: ReviewSession, stdin: TextIO, stdout: TextIO) -> None:
        self.session = session
        self.stdin = stdin
        self.stdout = stdout

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        return _ask(prompt, self.stdin, self.stdout)

    def ask_rating(self, prompt: str, default: Rating | None = None) -> Rating:
        while True:
            reply = self.ask(prompt)
            if reply in _RATING_KEYS:
                return Rating(int(reply))
            if default is not None and reply == "":
                return default
            self.say("Please type 1, 2, 3 or 4.")

    def rating_choices(self) -> str:
        labels = self.session.interval_labels()
        return "   ".join(f"{r.value} {r.label} ({labels[r]})" for r in Rating)

    # -- the modes ---------------------------------------------------------------------------------

    def flip(self, answer: str) -> Rating:
        self.ask("[Enter] show answer, u undo, q quit: ")
        self.say(_wrap(answer, "  "))
        return self.ask_rating(f"{self.rating_choices()}   u undo, q quit: ")

    def typed(self, card: Card, answer: str) -> Rating:
        reply = _read("Type the answer (:u undo, :q quit): ", self.stdin, self.stdout)
        if reply.lower() in _TYPED_QUIT:
            raise _Quit
        if reply.lower() in _TYPED_UNDO:
            raise _Undo
        match = self.session.quiz.check(card, reply)
        suggested = match.rating
        suggestion = "" if match.verdict is Verdict.EXACT else " suggested"
        self.say(f"{_VERDICTS[match.verdict]}: {suggested.label}{suggestion}.")
        self.say(_wrap(diff_text(match), "  "))
        self.say(_wrap(answer, "  "))
        return self.ask_rating(f"[Enter] {suggested.label}, or {self.rating_choices()}   u undo, q quit: ", suggested)

    def choice(self, card: Card) -> Rating:
        options = self.session.quiz.options(card)
        assert options is not None
        for number, option in enumerate(options.options, start=1):
            self.say(_wrap(option, "       ").replace("       ", f"    {number}) ", 1))
        while True:
            reply = self.ask("1, 2, 3 or 4, u undo, q quit: ")
            if reply in _RATING_KEYS:
                break
            self.say("Please type 1, 2, 3 or 4.")
        chosen = int(reply) - 1
        rating = self.session.quiz.choice_rating(options, chosen)
        if rating is Rating.GOOD:
            self.say("Right.")
        else:
            self.say(f"Wrong: the answer is {options.right_index + 1}) {options.right}")
        return rating

    # -- the session -------------------------------------------------------------------------------

    def run(self) -> None:
        session = self.session
        if session.notice:
            self.say(session.notice)
        card = session.next_card()
        try:
            while card is not None:
                counts = session.counts()
                self.say(
                    f"\n── {session.deck.name} · New {counts.new} · Learning {counts.learning} · Due {counts.review} ──"
                )
                question, answer = terminal_faces(card)
                self.say(_wrap(question, "  "))
                mode = session.quiz.mode_for(card)
                try:
                    if mode is ReviewMode.TYPE:
                        rating = self.typed(card, answer)
                    elif mode is ReviewMode.CHOICE:
                        rating = self.choice(card)
                    else:
                        rating = self.flip(answer)
                except _Undo:
                    card = _undo(session, self.say)
                    continue
                entry = session.answer(rating, mode=mode)
                assert entry.after.due is not None
                self.say(f"Saved: {rating.label}, next in {format_interval(entry.after.due - entry.reviewed_at)}.")
                card = session.current
            else:
                wait = session.next_due_in()
                when = f" Next card due in {format_interval(wait)}." if wait is not None else ""
                self.say(f"\nNo more cards for now.{when}")
        except (_EndOfInput, _Quit):
            pass
        answered, seconds = session.summary.answered, round(session.summary.time_ms / 1000)
        self.say(f"Studied {answered} card{'s' if answered != 1 else ''} in {seconds} s.")


def review_in_terminal(session: ReviewSession, stdin: TextIO, stdout: TextIO) -> None:
    _TerminalReview(session, stdin, stdout).run()


def _undo(session: ReviewSession, say: Callable[[str], None]) -> Card | None:
    if not session.can_undo:
        say("Nothing to undo.")
        return session.current
    card = session.undo()
    say("Undone: the last answer was taken back.")
    return card
