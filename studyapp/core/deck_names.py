"""Deck names: levels joined by ``::`` (``Parent::Child``), and the limits every name keeps to.

Whatever a name comes from (a file being imported, ``--deck``, the new-deck and rename prompts, ``studyapp add``,
the browser's "change deck"), it goes through ``deck_name_problem`` before a deck is made or renamed, so the
deck tree, its counts and the window never meet a name a thousand levels deep. The limits are far above what
people use (Anki's own shared decks and exports go 2 to 5 levels deep, with names of a few dozen characters)
and low enough that everything walking the tree stays fast: at most ``MAX_LEVELS`` levels, ``MAX_LEVEL_CHARS``
characters in one level (the longest file name most systems allow, so a file's name always fits) and
``MAX_NAME_CHARS`` in the whole name. Checking a name costs time linear in its length, whatever it holds.
"""

from __future__ import annotations

SEPARATOR = "::"
MAX_LEVELS = 32
MAX_LEVEL_CHARS = 255
MAX_NAME_CHARS = 1000
_QUOTED_CHARS = 40  # how much of a name a message quotes


class DeckNameError(ValueError):
    """A deck name that cannot be used; the message is one line for the user, a sentence for a dialog."""

    @property
    def reason(self) -> str:
        """The message as a command line's ``studyapp x: ...`` line puts it: not capitalized, no full stop."""
        text = str(self)
        return (text[:1].lower() + text[1:]).removesuffix(".")


def quoted(name: str) -> str:
    """The name as a message quotes it: in quotes, cut short (with …) if long, on one line."""
    short = name if len(name) <= _QUOTED_CHARS else name[: _QUOTED_CHARS - 1] + "…"
    return "“" + "".join(ch if ch.isprintable() else " " for ch in short) + "”"


def deck_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a deck's full name, naming the limit it breaks (one line); ``None`` if it can."""
    levels = name.count(SEPARATOR) + 1
    if levels > MAX_LEVELS:
        return f"the deck name {quoted(name)} has {levels:,} levels; at most {MAX_LEVELS} are allowed"
    if len(name) > MAX_NAME_CHARS:
        return f"the deck name {quoted(name)} has {len(name):,} characters; at most {MAX_NAME_CHARS:,} are allowed"
    longest = max(len(part) for part in name.split(SEPARATOR))  # at most MAX_LEVELS parts by now
    if longest > MAX_LEVEL_CHARS:
        return (
            f"the deck name {quoted(name)} has a level of {longest:,} characters; "
            f"at most {MAX_LEVEL_CHARS} are allowed in one level"
        )
    return None


def check_deck_name(name: str) -> str:
    """``name`` if it keeps to the limits; else ``DeckNameError`` saying which limit it breaks."""
    problem = deck_name_problem(name)
    if problem is not None:
        raise DeckNameError(problem[0].upper() + problem[1:] + ".")
    return name


def clean_name(text: str) -> str:
    """The name as stored: each ``::`` part trimmed, within the limits. ``DeckNameError`` for an empty part
    or a name over a limit. The levels are counted before the name is split, so a hostile name costs no more
    than its length."""
    text = text.strip()
    if levels(text) > MAX_LEVELS:
        check_deck_name(text)
    parts = [part.strip() for part in text.split(SEPARATOR)]
    if not any(parts):
        raise DeckNameError("The deck name is empty.")
    if not all(parts):
        raise DeckNameError(f"{quoted(text)} has an empty part: write names like Parent::Child.")
    return check_deck_name(SEPARATOR.join(parts))


def levels(name: str) -> int:
    """How many levels deep the name is: ``A`` is 1, ``A::B`` 2."""
    return name.count(SEPARATOR) + 1
