"""Today's figures of a study session's decks, kept up to date answer by answer (see ``ReviewSession``)."""

from __future__ import annotations

from datetime import datetime

from studyapp.core.model import CardState, ReviewEntry, Schedule
from studyapp.services.decks.tree import DeckNode, walk
from studyapp.storage.decks.decks_store import DeckFigures


def queue_of(schedule: Schedule, day_end: datetime) -> str | None:
    """Which of today's counts a (studyable) card is in, as ``DeckStore.figures`` counts it."""
    if schedule.state is CardState.NEW:
        return "new_available"
    if schedule.due is None or schedule.due >= day_end:
        return None
    return "review_due_today" if schedule.state is CardState.REVIEW else "learning_due_today"


QUEUES = {"review": "review_due_today", "new": "new_available"}


def after_answer(figures: DeckFigures, entry: ReviewEntry, day_end: datetime) -> DeckFigures:
    """A deck's figures of today once ``entry`` is saved: the card leaves its queue and joins its new one.

    (The same object ``DeckFigures(...)`` makes, built from a copy of the old one's fields: once per answer.)"""
    counts = dict(figures.__dict__)
    before, after = queue_of(entry.before, day_end), queue_of(entry.after, day_end)
    if before is not None:
        counts[before] -= 1
    if after is not None:
        counts[after] += 1
    state = entry.before.state
    counts["new_studied_today"] += state is CardState.NEW
    counts["reviews_studied_today"] += state is CardState.REVIEW
    updated = object.__new__(DeckFigures)
    object.__setattr__(updated, "__dict__", counts)
    return updated


def tree_paths(tree: list[DeckNode]) -> dict[str, list[DeckNode]]:
    """Each node's name -> the node and its parents up to the tree's root, the node first."""
    paths: dict[str, list[DeckNode]] = {}
    for node in walk(tree):  # parents before their children
        paths.setdefault(node.name, [node])
        for child in node.children:
            paths[child.name] = [child, *paths[node.name]]
    return paths
