"""The deck tree with its summed counts: what the deck list shows and a study session keeps up to date.

Decks nest by name, as in Anki: ``Parent::Child``. A parent need not exist as a deck of its own; the
tree still shows it, with the sums of its children.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from studyapp.core.clock import Clock
from studyapp.core.deck_names import SEPARATOR
from studyapp.core.scheduling.limits import remaining
from studyapp.services.decks.decks import study_day
from studyapp.services.decks.limit_extensions import extended_figures
from studyapp.storage import Collection
from studyapp.storage.decks.decks_store import DeckFigures

__all__ = ["SEPARATOR", "DeckNode", "build_tree", "deck_tree", "fill_nodes", "fill_tree", "walk"]

# A collection made by an older version may hold a deck a thousand levels deep: nothing here recurses.


@dataclass
class DeckNode:
    """One row of the deck tree; ``deck_id`` is None for a parent that exists only by its children."""

    name: str  # the full name, ``A::B``
    deck_id: int | None = None
    new: int = 0
    learning: int = 0
    due: int = 0
    total: int = 0
    children: list[DeckNode] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name.rsplit(SEPARATOR, 1)[-1]


def deck_tree(collection: Collection, clock: Clock) -> list[DeckNode]:
    """The decks as a tree, by name; a parent's counts are the sums of its own and its children's,
    capped by its own daily limits (as Anki caps a parent's counts).
    """
    start, end = study_day(collection, clock)
    return build_tree(extended_figures(collection, start, collection.decks.figures(start, end)))


def build_tree(deck_figures: list[DeckFigures], root: str | None = None) -> list[DeckNode]:
    """The tree of these decks' figures, each node's counts summed and capped as in ``deck_tree``.

    With ``root``, the figures are that deck's subtree and the tree stops at it (no implied parents above).
    """
    figures = {f.deck.name: f for f in deck_figures}
    nodes: dict[str, DeckNode] = {}
    roots: list[DeckNode] = []
    for name in sorted(figures, key=lambda n: [part.casefold() for part in n.split(SEPARATOR)]):
        missing: list[str] = []  # the name and its ancestors not yet in the tree, deepest first
        above: str | None = name
        while above is not None and above not in nodes:
            missing.append(above)
            above = above.rsplit(SEPARATOR, 1)[0] if SEPARATOR in above and above != root else None
        for made in reversed(missing):  # each parent before its child, as the children lists are ordered
            nodes[made] = DeckNode(made)
            (nodes[above].children if above is not None else roots).append(nodes[made])
            above = made
        nodes[name].deck_id = figures[name].deck.id
    fill_tree(roots, figures)
    return roots


def fill_tree(roots: list[DeckNode], figures: dict[str, DeckFigures]) -> None:
    """Set the counts of a tree made by ``build_tree`` from ``figures`` (by deck name) again."""
    fill_nodes(reversed(walk(roots)), figures)  # every child before its parent


def fill_nodes(nodes: Iterable[DeckNode], figures: dict[str, DeckFigures]) -> None:
    """Set the counts of ``nodes``, in the order given (each child before its parent), from their children's
    and their own ``figures``. A study session refills only the answered deck's node and its parents."""
    for current in nodes:
        new = due = learning = total = 0
        for child in current.children:  # one pass (the study loop refills after every answer)
            new += child.new
            due += child.due
            learning += child.learning
            total += child.total
        own = figures.get(current.name)
        if own is not None:
            deck = own.deck
            new = remaining(new + own.new_available, deck.new_per_day, own.new_studied_today)
            due = remaining(due + own.review_due_today, deck.reviews_per_day, own.reviews_studied_today)
            learning += own.learning_due_today
            total += own.total
        current.new, current.due, current.learning, current.total = new, due, learning, total


def walk(nodes: list[DeckNode]) -> list[DeckNode]:
    """Every node, parents before their children (depth first, in order)."""
    found: list[DeckNode] = []
    pending = list(reversed(nodes))
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(reversed(current.children))
    return found
