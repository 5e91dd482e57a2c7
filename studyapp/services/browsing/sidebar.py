"""The browser's sidebar: decks (a tree on ``::``), note types with their card templates, tags (a tree on
``::``) and saved searches, each with the search a click on it runs; and how a click combines with the
search already in the box (Ctrl: and, Shift: or, as in Anki).

Saved searches are stored in the collection's settings (``browser.saved_searches``: a list of
``[name, query]``), so they move with the collection.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from studyapp.core.search.search_query import parse
from studyapp.core.search.search_tree import SearchError
from studyapp.storage import Collection
from studyapp.storage.search.tags_store import all_tags

SAVED_SEARCHES_SETTING = "browser.saved_searches"
MAX_NAME = 100


class SavedSearchError(Exception):
    """A name or query that cannot be saved; the message is one line for the user."""


class Combine(enum.Enum):
    REPLACE = "replace"
    AND = "and"  # Ctrl+click
    OR = "or"  # Shift+click


@dataclass
class Item:
    """One line of the sidebar: its text, the search it runs (None for a heading) and its children."""

    text: str
    search: str | None = None
    kind: str = ""  # "deck", "notetype", "template", "tag", "saved" (what the context menu offers)
    children: list[Item] = field(default_factory=list)


def quoted(kind: str, name: str) -> str:
    """``kind:"name"`` as Anki's sidebar writes it (``deck:"A::B"``, ``note:"Basic"``); a tag plain when it can be
    (``tag:x``). Inside quotes ``"`` and ``\\`` are escaped."""
    plain = kind == "tag" and name and not any(ch.isspace() or ch in '()"\\' for ch in name)
    if plain and not name.startswith("-"):
        return f"{kind}:{name}"
    return f'{kind}:"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def combined(current: str, term: str, how: Combine) -> str:
    """The search a click makes: the item's own, or joined with the current one by ``and``/``or``."""
    current = current.strip()
    if how is Combine.REPLACE or not current:
        return term
    try:
        parse(current)
    except SearchError:
        return term  # a search that cannot be read is replaced, never joined
    if how is Combine.AND:
        return f"({current}) {term}" if " or " in f" {current.lower()} " else f"{current} {term}"
    return f"{current} or {term}"


def _tree(names: list[str], kind: str, term: str) -> list[Item]:
    """Items nested on ``::`` (a parent that is no name of its own still gets a line and searches its children)."""
    roots: list[Item] = []
    index: dict[str, Item] = {}
    for name in sorted(names, key=str.casefold):
        parts = name.split("::")
        for depth in range(len(parts)):
            path = "::".join(parts[: depth + 1])
            key = path.casefold()
            if key in index:
                continue
            item = Item(parts[depth], quoted(term, path), kind)
            index[key] = item
            parent = index.get("::".join(parts[:depth]).casefold()) if depth else None
            (parent.children if parent is not None else roots).append(item)
    return roots


def sidebar_items(collection: Collection) -> list[Item]:
    """The four sections, in order: Saved searches, Decks, Note types, Tags."""
    decks = _tree([deck.name for deck in collection.decks.all()], "deck", "deck")
    notetypes = []
    for notetype in sorted(collection.notetypes.all(), key=lambda t: t.name.casefold()):
        type_term = quoted("note", notetype.name)
        item = Item(notetype.name, type_term, "notetype")
        if len(notetype.templates) > 1:
            item.children = [
                Item(template.name, f"{type_term} {quoted('card', template.name)}", "template")
                for template in notetype.templates
            ]
        notetypes.append(item)
    tags = _tree(all_tags(collection.db), "tag", "tag")
    saved = [Item(name, query, "saved") for name, query in saved_searches(collection)]
    saved.append(Item("Save current search…", None, "save"))  # a click names the search in the box
    return [
        Item("Saved searches", None, "section", saved),
        Item("Decks", None, "section", decks),
        Item("Note types", None, "section", notetypes),
        Item("Tags", None, "section", tags),
    ]


# -- saved searches ------------------------------------------------------------------------------------


def saved_searches(collection: Collection) -> list[tuple[str, str]]:
    """(name, query) of each saved search, by name; a stored value of the wrong shape reads as none."""
    value = collection.setting(SAVED_SEARCHES_SETTING, [])
    if not isinstance(value, list):
        return []
    found = [
        (entry[0], entry[1])
        for entry in value
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry)
    ]
    return sorted(found, key=lambda pair: pair[0].casefold())


def _store(collection: Collection, searches: list[tuple[str, str]]) -> None:
    with collection.transaction():
        ordered = sorted(searches, key=lambda pair: pair[0].casefold())
        collection.set_setting(SAVED_SEARCHES_SETTING, [list(pair) for pair in ordered])


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SavedSearchError("a saved search needs a name")
    if len(name) > MAX_NAME:
        raise SavedSearchError(f"a saved search's name is at most {MAX_NAME} characters")
    return name


def save_search(collection: Collection, name: str, query: str, replace: bool = False) -> str:
    """Save ``query`` as ``name`` (trimmed); a name already used raises unless ``replace``. Returns the name."""
    name = _clean_name(name)
    query = query.strip()
    try:
        parse(query)
    except SearchError as error:
        raise SavedSearchError(f"the search cannot be saved: {error}") from None
    searches = saved_searches(collection)
    same = [pair for pair in searches if pair[0].casefold() == name.casefold()]
    if same and not replace:
        raise SavedSearchError(f'there is already a saved search called "{same[0][0]}"')
    _store(collection, [pair for pair in searches if pair not in same] + [(name, query)])
    return name


def rename_search(collection: Collection, old: str, new: str) -> str:
    new = _clean_name(new)
    searches = saved_searches(collection)
    if not any(name == old for name, _ in searches):
        raise SavedSearchError(f'there is no saved search called "{old}"')
    if any(name.casefold() == new.casefold() and name != old for name, _ in searches):
        raise SavedSearchError(f'there is already a saved search called "{new}"')
    _store(collection, [(new if name == old else name, query) for name, query in searches])
    return new


def delete_search(collection: Collection, name: str) -> None:
    _store(collection, [pair for pair in saved_searches(collection) if pair[0] != name])


def collection_tags(collection: Collection) -> list[str]:
    """Every tag in use, for completion."""
    return all_tags(collection.db)
