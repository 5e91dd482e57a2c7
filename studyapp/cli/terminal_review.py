"""``studyapp review``: study in the terminal, through the same review service as the window.

Lines are read one at a time, so answers can come from a keyboard or a pipe; end of input stops the
session cleanly, with every answer given so far already saved.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from typing import TextIO

from studyapp.core.intervals import format_interval
from studyapp.core.model import Card, Rating
from studyapp.core.render import card_text_faces
from studyapp.services.review import ReviewSession

_QUIT = {"q", "quit", "exit"}
_UNDO = {"u", "undo"}


class _EndOfInput(Exception):
    pass


def _wrap(text: str, indent: str) -> str:
    width = min(shutil.get_terminal_size((88, 24)).columns, 100) - len(indent)
    paragraphs = text.split("\n")
    return "\n".join(
        textwrap.fill(p, width, initial_indent=indent, subsequent_indent=indent) or indent for p in paragraphs
    )


def _ask(prompt: str, stdin: TextIO, stdout: TextIO) -> str:
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    if not line:
        stdout.write("\n")
        raise _EndOfInput
    if not stdin.isatty():
        stdout.write("\n")  # a piped reply is not echoed: end the prompt's line ourselves
    return line.strip().lower()


def review_in_terminal(session: ReviewSession, stdin: TextIO, stdout: TextIO) -> None:
    def say(text: str = "") -> None:
        stdout.write(text + "\n")
        stdout.flush()

    card = session.next_card()
    try:
        while card is not None:
            counts = session.counts()
            say(f"\n── {session.deck.name} · New {counts.new} · Learning {counts.learning} · Due {counts.review} ──")
            question, answer = card_text_faces(card)
            say(_wrap(question, "  "))
            reply = _ask("[Enter] show answer, u undo, q quit: ", stdin, stdout)
            if reply in _QUIT:
                break
            if reply in _UNDO:
                card = _undo(session, say)
                continue
            say(_wrap(answer, "  "))
            labels = session.interval_labels()
            choices = "   ".join(f"{r.value} {r.label} ({labels[r]})" for r in Rating)
            while True:
                reply = _ask(f"{choices}   u undo, q quit: ", stdin, stdout)
                if reply in _QUIT or reply in _UNDO or reply in {"1", "2", "3", "4"}:
                    break
                say("Please type 1, 2, 3 or 4.")
            if reply in _QUIT:
                break
            if reply in _UNDO:
                card = _undo(session, say)
                continue
            rating = Rating(int(reply))
            entry = session.answer(rating)
            assert entry.after.due is not None
            say(f"Saved: {rating.label}, next in {format_interval(entry.after.due - entry.reviewed_at)}.")
            card = session.current
        else:
            wait = session.next_due_in()
            when = f" Next card due in {format_interval(wait)}." if wait is not None else ""
            say(f"\nNo more cards for now.{when}")
    except _EndOfInput:
        pass
    summary = session.summary
    say(f"Studied {summary.answered} card{'s' if summary.answered != 1 else ''} in {round(summary.time_ms / 1000)} s.")


def _undo(session: ReviewSession, say: Callable[[str], None]) -> Card | None:
    if not session.can_undo:
        say("Nothing to undo.")
        return session.current
    card = session.undo()
    say("Undone: the last answer was taken back.")
    return card
