"""Plain-text Q&A: the format of the bundled decks and of cards students type themselves.

Paragraphs are separated by blank lines. A paragraph that ends in ``?`` is a question; the paragraphs
after it, up to the next question, are its answer. Paragraphs before the first question describe the
deck and are not cards. Text is kept verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.core.ids import content_guid
from studyapp.importers.decoding import read_text
from studyapp.importers.errors import ImportFailure


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


def _paragraphs(text: str) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
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


def parse_qa(text: str, path: Path, deck_name: str) -> ImportDraft:
    """Parse Q&A text read from ``path`` (named in messages) into a deck of notes in file order."""
    paragraphs = _paragraphs(text)
    if not paragraphs:
        raise ImportFailure(path, "is empty: no questions found")
    first_question = next((i for i, p in enumerate(paragraphs) if p.is_question), None)
    if first_question is None:
        raise ImportFailure(path, "no questions found (a question is a paragraph that ends with '?')")
    description = "\n\n".join(p.text for p in paragraphs[:first_question])

    notes: list[NoteDraft] = []
    seen: dict[str, int] = {}
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
        guid = content_guid(deck_name, question.text)
        seen[guid] = seen.get(guid, 0) + 1
        if seen[guid] > 1:
            # The same question twice in one file: both cards are kept, told apart by their order.
            guid = f"{guid}#{seen[guid]}"
        notes.append(NoteDraft(guid=guid, front=question.text, back="\n\n".join(answer), line=question.line))
    return ImportDraft(name=deck_name, notes=tuple(notes), description=description, details={"format": "qa"})


def read_qa(path: Path, deck_name: str | None = None) -> ImportDraft:
    """Read and parse a Q&A file; the deck is named after the file unless ``deck_name`` is given."""
    return parse_qa(read_text(path), path, deck_name or deck_name_from_path(path))


def _quote(text: str, limit: int = 50) -> str:
    one_line = " ".join(text.split())
    return f"'{one_line[: limit - 1]}…'" if len(one_line) > limit else f"'{one_line}'"
