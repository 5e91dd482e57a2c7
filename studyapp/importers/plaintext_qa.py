"""Plain-text Q&A: the format of the bundled decks and of cards students type themselves, in two styles.

Paragraphs: paragraphs are separated by blank lines. A paragraph that ends in ``?`` is a question; the
paragraphs after it, up to the next question, are its answer. Paragraphs before the first question
describe the deck and are not cards.

Prefixed lines: a line starting with ``Q:`` starts a question and one starting with ``A:`` its answer
(either case); the lines after a prefix, up to the next one, continue that part, so questions need not
end in ``?`` and blank lines between cards are optional. Text before the first ``Q:`` describes the deck.

The style is told by content: a file whose first prefix is ``Q:`` and that has an ``A:`` is prefixed.
Text is kept verbatim, apart from the prefixes and the spaces around each part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft
from studyapp.core.ids import content_guid
from studyapp.importers.decoding import Progress, decode_file
from studyapp.importers.errors import ImportFailure

_PROGRESS_EVERY = 5000


class FileGuids:
    """Content guids for the notes of one plain file, which has no ids of its own.

    The same front twice in one file gives ``#2``, ``#3``... so that both notes are kept, told apart
    by their order, and a re-import of the unchanged file still matches every note.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def next(self, deck_name: str, front: str) -> str:
        guid = content_guid(deck_name, front)
        count = self._seen.get(guid, 0) + 1
        self._seen[guid] = count
        return guid if count == 1 else f"{guid}#{count}"


@dataclass(frozen=True)
class _Paragraph:
    text: str
    line: int

    @property
    def is_question(self) -> bool:
        return self.text.endswith("?")


def deck_name_from_path(path: Path) -> str:
    """``calcinosis.txt`` gives ``Calcinosis``; ``organic-chem_2.txt`` gives ``Organic chem 2``."""
    words = path.stem.replace("_", " ").replace("-", " ").split()
    name = " ".join(words) or "Imported"
    return name[0].upper() + name[1:]


def _paragraphs(lines: list[str]) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            paragraphs.append(_Paragraph("\n".join(current).strip(), start))
            current = []
    if current:
        paragraphs.append(_Paragraph("\n".join(current).strip(), start))
    return paragraphs


def _prefix(line: str) -> str | None:
    """``"q"`` or ``"a"`` for a line that starts (after spaces) with ``Q:`` or ``A:``; else ``None``."""
    head = line.lstrip()[:2].casefold()
    return head[0] if head in ("q:", "a:") else None


def is_prefixed(lines: list[str]) -> bool:
    """Whether the text uses ``Q:``/``A:`` lines: the first prefixed line is a ``Q:``, and an ``A:`` follows."""
    prefixes = (p for p in map(_prefix, lines) if p is not None)
    return next(prefixes, None) == "q" and "a" in prefixes


def looks_like_paragraphs(lines: list[str]) -> bool:
    """Whether the text reads as question and answer paragraphs, for telling Q&A from other text.

    Some question paragraph must have an answer paragraph after it, and from the first question on,
    at least one paragraph in five must be a question (a table with a stray ``?`` line is not Q&A).
    """
    paragraphs = _paragraphs(lines)
    questions = [index for index, paragraph in enumerate(paragraphs) if paragraph.is_question]
    if not any(i + 1 < len(paragraphs) and not paragraphs[i + 1].is_question for i in questions):
        return False
    return len(questions) * 5 >= len(paragraphs) - questions[0]


def parse_qa(text: str, path: Path, deck_name: str, progress: Progress | None = None) -> ImportDraft:
    """Parse Q&A text read from ``path`` (named in messages) into a deck of notes in file order."""
    lines = text.split("\n")
    if is_prefixed(lines):
        description, cards = _prefixed_cards(lines, path)
        style = "Q:/A: lines"
    else:
        description, cards = _paragraph_cards(lines, path)
        style = "paragraphs"
    notes: list[NoteDraft] = []
    guids = FileGuids()
    for index, (line, question, answer) in enumerate(cards):
        if progress is not None and index % _PROGRESS_EVERY == 0:
            progress(index, len(cards))
        notes.append(NoteDraft(guid=guids.next(deck_name, question), front=question, back=answer, line=line))
    if progress is not None:
        progress(len(cards), len(cards))
    details = {"format": "qa", "style": style, "html": "no"}
    return ImportDraft(name=deck_name, notes=tuple(notes), description=description, details=details)


def _paragraph_cards(lines: list[str], path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    paragraphs = _paragraphs(lines)
    if not paragraphs:
        raise ImportFailure(path, "is empty: no questions found")
    first_question = next((i for i, p in enumerate(paragraphs) if p.is_question), None)
    if first_question is None:
        raise ImportFailure(path, "no questions found (a question is a paragraph that ends with '?')")
    description = "\n\n".join(p.text for p in paragraphs[:first_question])
    cards: list[tuple[int, str, str]] = []
    index = first_question
    while index < len(paragraphs):
        question = paragraphs[index]
        index += 1
        answer: list[str] = []
        while index < len(paragraphs) and not paragraphs[index].is_question:
            answer.append(paragraphs[index].text)
            index += 1
        if not answer:
            raise ImportFailure(path, f"the question {_quote(question.text)} has no answer after it", question.line)
        cards.append((question.line, question.text, "\n\n".join(answer)))
    return description, cards


def _prefixed_cards(lines: list[str], path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    description: list[str] = []
    parts: list[tuple[int, list[str], list[str]]] = []  # (line, question lines, answer lines)
    current = description
    for number, line in enumerate(lines, start=1):
        prefix = _prefix(line)
        if prefix is None:
            current.append(line.rstrip())
            continue
        rest = line.lstrip()[2:].strip()
        if prefix == "q":
            parts.append((number, [rest], []))
            current = parts[-1][1]
        else:
            current = parts[-1][2]  # a second A: goes on with the same answer
            current.append(rest)
    cards: list[tuple[int, str, str]] = []
    for number, question_lines, answer_lines in parts:
        question = "\n".join(question_lines).strip()
        answer = "\n".join(answer_lines).strip()
        if not question:
            raise ImportFailure(path, "a question (Q:) without any text", number)
        if not answer:
            raise ImportFailure(path, f"the question {_quote(question)} has no answer (A:) after it", number)
        cards.append((number, question, answer))
    return "\n".join(description).strip(), cards


def read_qa(path: Path, deck_name: str | None = None) -> ImportDraft:
    """Read and parse a Q&A file; the deck is named after the file unless ``deck_name`` is given."""
    return read_qa_file(path, ImportOptions(deck_name=deck_name))


def read_qa_file(path: Path, options: ImportOptions, progress: Progress | None = None) -> ImportDraft:
    """Read a Q&A file with the user's options (deck name, encoding); the uniform reader entry point."""
    decoded = decode_file(path, options.encoding)
    draft = parse_qa(decoded.text, path, options.deck_name or deck_name_from_path(path), progress)
    return replace(draft, details={**draft.details, "encoding": decoded.encoding}, warnings=decoded.warnings(path))


def _quote(text: str, limit: int = 50) -> str:
    one_line = " ".join(text[: 4 * limit].split())  # a slice first: the text may be megabytes long
    return f"'{one_line[: limit - 1]}…'" if len(one_line) > limit else f"'{one_line}'"
