"""Quizlet's text export: term and definition, card after card, with the separators the user chose.

Quizlet asks what goes "between term and definition" (tab, comma or custom) and "between rows" (new
line, semicolon or custom), and writes plain text with no quoting at all. So a card is split at the
first term separator only, and a definition may span lines when cards end with ``;`` or a custom
separator. Unless the options give the separators, they are told by structure: the pair under which
(in order) most cards hold a term separator, fewest terms hold another candidate separator, fewest
definitions hold the term separator again, and there are the most cards, wins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft, Skip
from studyapp.importers.decoding import Progress, decode_file
from studyapp.importers.errors import ImportFailure
from studyapp.importers.plaintext_qa import FileGuids, deck_name_from_path

TERM_SEPARATORS = ("\t", ",")
CARD_SEPARATORS = ("\n", ";")
_NAMES = {"tab": "\t", "comma": ",", "newline": "\n", "new line": "\n", "semicolon": ";", "\\n": "\n", "\\t": "\t"}
_RUN = re.compile(r"[^\w\s]{2,}")  # a run of punctuation, as custom separators are: ---, /////, ::, =>
_CUSTOM_FIT = 0.9  # share of lines that must hold a custom separator exactly once
_CUSTOM_LINES = 500
_SHOWN = {"\t": "tab", ",": "comma", "\n": "newline", ";": "semicolon"}
_SAMPLE_CHARS = 64 * 1024
_PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class QuizletLayout:
    """The two separators, and how well they fit the sample (for telling formats apart)."""

    term_separator: str
    card_separator: str
    fit: float = 1.0  # share of cards with a term separator and a clean term


def separator_name(separator: str) -> str:
    return _SHOWN.get(separator, separator)


def custom_term_separator(sample: str, complete: bool = True) -> tuple[str, float] | None:
    """A custom separator between term and definition (``/////``, ``---``...) and the share of lines holding it
    exactly once: the run of two or more punctuation characters that most lines hold once (at least 90%)."""
    lines = [line for line in sample.split("\n") if line.strip()]
    if not complete and len(lines) > 1:
        lines.pop()  # it may be cut
    lines = lines[:_CUSTOM_LINES]
    once: Counter[str] = Counter()
    for line in lines:
        once.update(run for run, count in Counter(_RUN.findall(line)).items() if count == 1)
    if not once:
        return None
    run, count = max(once.items(), key=lambda item: (item[1], len(item[0])))
    fit = count / len(lines)
    return (run, fit) if fit >= _CUSTOM_FIT else None


def detect_quizlet_layout(
    sample: str, term_separator: str | None = None, card_separator: str | None = None, complete: bool = True
) -> QuizletLayout | None:
    """The separators that fit the sample best (given ones are kept), or ``None`` if no term separator fits."""
    best: QuizletLayout | None = None
    best_key: tuple[float, ...] | None = None
    custom = None if term_separator else custom_term_separator(sample, complete)
    terms = (term_separator,) if term_separator else TERM_SEPARATORS + ((custom[0],) if custom else ())
    cards_by = (card_separator,) if card_separator else CARD_SEPARATORS
    for term_rank, term_sep in enumerate(terms):
        for card_rank, card_sep in enumerate(cards_by):
            if card_sep not in sample and card_sep != "\n" and not card_separator:
                continue  # one card holding the whole file is no evidence for it
            cards = [_strip(card, term_sep) for card in sample.split(card_sep)]
            if not complete and len(cards) > 1:
                cards.pop()  # it may be cut at the end of the sample
            cards = [card for card in cards if card]
            with_term = [card.partition(term_sep) for card in cards if term_sep in card]
            if not with_term:
                continue
            others = [s for s in (*TERM_SEPARATORS, *CARD_SEPARATORS) if s not in (term_sep, card_sep)]
            clean_terms = sum(1 for term, _, _ in with_term if term.strip() and not any(s in term for s in others))
            clean_definitions = sum(1 for _, _, definition in with_term if term_sep not in definition)
            key = (
                len(with_term) / len(cards),
                clean_terms / len(cards),
                clean_definitions / len(cards),
                float(len(cards)),
                -float(term_rank),
                -float(card_rank),
            )
            if best_key is None or key > best_key:
                best_key = key
                best = QuizletLayout(term_sep, card_sep, min(key[0], key[1]))
    return best


def _strip(text: str, separator: str) -> str:
    """The text without surrounding white space, but keeping a separator (a tab before an empty term)."""
    return text.strip("".join(c for c in " \t\n\f\v" if c not in separator))


def _option(value: str | None, what: str, path: Path) -> str | None:
    if value is None:
        return None
    if not value:
        raise ImportFailure(path, f"the {what} separator is empty")
    return _NAMES.get(value.strip().casefold(), value) if len(value) > 1 else value


def parse_quizlet(
    text: str, path: Path, options: ImportOptions, encoding: str = "utf-8", progress: Progress | None = None
) -> ImportDraft:
    """Parse Quizlet text read from ``path`` (named in messages) into notes in file order."""
    given_term = _option(options.delimiter, "term", path)
    given_card = _option(options.card_separator, "card", path)
    layout = detect_quizlet_layout(text[:_SAMPLE_CHARS], given_term, given_card, len(text) <= _SAMPLE_CHARS)
    if layout is None:
        if given_term and given_card:
            layout = QuizletLayout(given_term, given_card)
        else:
            reason = "has no tab, comma or other separator between a term and its definition (give it with --separator)"
            raise ImportFailure(path, reason, 1)
    deck_name = options.deck_name or deck_name_from_path(path)
    notes, skipped = _notes(text, path, layout, deck_name, progress)
    details = {
        "format": "quizlet",
        "encoding": encoding,
        "delimiter": separator_name(layout.term_separator),
        "card_separator": separator_name(layout.card_separator),
        "header": "no",
        "html": "no",
    }
    return ImportDraft(name=deck_name, notes=tuple(notes), skipped=tuple(skipped), details=details)


def _notes(
    text: str, path: Path, layout: QuizletLayout, deck_name: str, progress: Progress | None
) -> tuple[list[NoteDraft], list[Skip]]:
    chunks = text.split(layout.card_separator)
    separator_lines = layout.card_separator.count("\n")
    shown = separator_name(layout.term_separator)
    guids = FileGuids()
    notes: list[NoteDraft] = []
    skipped: list[Skip] = []
    line = 1
    for index, chunk in enumerate(chunks):
        if progress is not None and index % _PROGRESS_EVERY == 0:
            progress(index, len(chunks))
        start = line + chunk[: len(chunk) - len(chunk.lstrip())].count("\n")
        line += chunk.count("\n") + separator_lines
        card = _strip(chunk, layout.term_separator)
        if not card:
            continue
        term, separator, definition = card.partition(layout.term_separator)
        term, definition = term.strip(), definition.strip()
        if not separator:
            skipped.append(Skip(f"line {start}", f"no {shown} between term and definition"))
        elif not term:
            skipped.append(Skip(f"line {start}", "empty term"))
        else:
            notes.append(NoteDraft(guid=guids.next(deck_name, term), front=term, back=definition, line=start))
    if progress is not None:
        progress(len(chunks), len(chunks))
    if not notes:
        if skipped:
            first = skipped[0]
            reason = f"no usable cards: all {len(skipped)} were skipped (the first for '{first.reason}')"
            raise ImportFailure(path, reason, int(first.place.removeprefix("line ")))
        raise ImportFailure(path, "has no cards")
    return notes, skipped


def read_quizlet(path: Path, options: ImportOptions, progress: Progress | None = None) -> ImportDraft:
    """Read a Quizlet export with the user's options; the uniform reader entry point."""
    decoded = decode_file(path, options.encoding)
    draft = parse_quizlet(decoded.text, path, options, decoded.encoding, progress)
    return replace(draft, warnings=decoded.warnings(path)) if decoded.replaced else draft
