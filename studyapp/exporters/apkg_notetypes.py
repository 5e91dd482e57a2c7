"""The JSON that a schema 11 Anki collection keeps in its ``col`` row: note types, decks, options.

Anki reads these with strict parsers when it imports a package, so the shapes follow what Anki itself
writes. A note type goes out from a core ``NoteType``: its fields, templates, styling, kind and sort field,
and the keys Anki gave us that studyapp does not use (``NoteType.extra``, ``FieldDef.extra``,
``CardTemplate.extra``: fonts, LaTeX preambles, field descriptions...), so that Anki gets back what it gave.
A kept key whose value has the wrong JSON type for Anki's parser is left out rather than let it refuse the
package. Notes of a draft made without note types (``NoteDraft.kind`` only) use the stock types with fixed ids,
so a second export reuses the note types the first one created in Anki instead of adding copies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import (
    BASIC,
    BASIC_OPTIONAL_REVERSED,
    BASIC_REVERSED,
    BASIC_TYPING,
    CLOZE,
    NoteType,
    NotetypeKind,
    stock_type,
)
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR

DEFAULT_DECK_ID = 1  # Anki's "Default" deck, which every collection has
DECK_CONFIG_ID = 1
QUIET_CONFIG_ID = 2  # the options group of the decks whose sounds do not play automatically
_LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
    "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)
# Anki's OriginalStockKind numbers (notetypes.proto): what "Basic" etc. were made from.
ORIGINAL_STOCK_KIND = {BASIC: 1, BASIC_REVERSED: 2, BASIC_OPTIONAL_REVERSED: 3, BASIC_TYPING: 4, CLOZE: 5,
                       "image_occlusion": 6}  # fmt: skip
# The stock types of drafts without note types, with ids fixed once (the first three are those of earlier versions).
LEGACY_NOTETYPES: dict[NoteKind, NoteType] = {
    NoteKind.BASIC: stock_type(BASIC, 1_735_689_600_001),
    NoteKind.REVERSED: stock_type(BASIC_REVERSED, 1_735_689_600_002),
    NoteKind.CLOZE: stock_type(CLOZE, 1_735_689_600_003),
}
_FIELD_REFERENCE = re.compile(r"\{\{([^}]*)\}\}")


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _same_shape(value: Any, default: Any) -> bool:
    """Whether a kept value may stand where Anki expects ``default``'s JSON type."""
    if default is None:
        return value is None or isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


def _merged(defaults: dict[str, Any], extra: str, ours: dict[str, Any]) -> dict[str, Any]:
    """``defaults``, then the kept keys of ``extra`` (known ones only with the right type), then ``ours``."""
    result = dict(defaults)
    for key, value in _loads(extra).items():
        if key in ours:
            continue
        if key not in defaults or _same_shape(value, defaults[key]):
            result[key] = value
    result.update(ours)
    return result


def _field_json(name: str, ord_: int, extra: str) -> dict[str, Any]:
    defaults = {"sticky": False, "rtl": False, "font": "Arial", "size": 20, "description": "", "plainText": False,
                "collapsed": False, "excludeFromSearch": False, "media": []}  # fmt: skip
    return _merged(defaults, extra, {"name": name, "ord": ord_})


def _template_json(name: str, ord_: int, question: str, answer: str, extra: str) -> dict[str, Any]:
    defaults = {"bqfmt": "", "bafmt": "", "did": None, "bfont": "", "bsize": 0}
    return _merged(defaults, extra, {"name": name, "ord": ord_, "qfmt": question, "afmt": answer})


def _required_fields(question: str, names: tuple[str, ...]) -> list[int]:
    """The fields a question format names (Anki's legacy ``req``; current Anki works it out again)."""
    used: list[int] = []
    for reference in _FIELD_REFERENCE.findall(question):
        name = reference.strip().lstrip("#^/").split(":")[-1].strip()
        if name in names and names.index(name) not in used:
            used.append(names.index(name))
    return used


def notetype_json(notetype: NoteType, mod: int) -> dict[str, Any]:
    """A schema 11 note type from a core ``NoteType`` (its kept Anki keys included)."""
    names = notetype.field_names
    cloze = notetype.kind is not NotetypeKind.STANDARD
    stock = "image_occlusion" if notetype.kind is NotetypeKind.IMAGE_OCCLUSION else notetype.stock
    defaults: dict[str, Any] = {
        "did": None,
        "latexPre": _LATEX_PRE,
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "tags": [],
        "vers": [],
        "originalStockKind": ORIGINAL_STOCK_KIND.get(stock or "", 0),
    }
    ours: dict[str, Any] = {
        "id": notetype.id,
        "name": notetype.name,
        "type": 1 if cloze else 0,
        "mod": mod,
        "usn": -1,
        "sortf": notetype.sort_field if 0 <= notetype.sort_field < len(names) else 0,
        "css": notetype.css,
        "flds": [_field_json(f.name, ord_, f.extra) for ord_, f in enumerate(notetype.fields)],
        "tmpls": [
            _template_json(t.name, ord_, t.question, t.answer, t.extra) for ord_, t in enumerate(notetype.templates)
        ],
        "req": [
            [ord_, "any", _required_fields(t.question, names)] for ord_, t in enumerate(notetype.templates)
        ] if not cloze else [],
    }  # fmt: skip
    return _merged(defaults, notetype.extra, ours)


def deck_json(deck_id: int, name: str, mod: int, description: str = "", conf: int = DECK_CONFIG_ID) -> dict[str, Any]:
    """A schema 11 deck with options group ``conf`` (the default, or ``QUIET_CONFIG_ID``) and nothing studied
    today."""
    return {
        "id": deck_id,
        "name": name,
        "mod": mod,
        "usn": -1,
        "lrnToday": [0, 0],
        "revToday": [0, 0],
        "newToday": [0, 0],
        "timeToday": [0, 0],
        "collapsed": False,
        "browserCollapsed": False,
        "desc": description,
        "dyn": 0,
        "conf": conf,
        "extendNew": 0,
        "extendRev": 0,
    }


def deck_config_json(autoplay: bool = True) -> dict[str, Any]:
    """Anki's default options group (id 1), which every deck above refers to; with ``autoplay`` off, the same
    as the group (id 2) of the decks whose sounds do not play on their own ("Don't play audio automatically")."""
    return {
        "id": DECK_CONFIG_ID if autoplay else QUIET_CONFIG_ID,
        "mod": 0,
        "name": "Default" if autoplay else "No autoplay",
        "usn": 0,
        "maxTaken": 60,
        "autoplay": autoplay,
        "timer": 0,
        "replayq": True,
        "dyn": False,
        "new": {
            "bury": False,
            "delays": [1.0, 10.0],
            "initialFactor": 2500,
            "ints": [1, 4, 0],
            "order": 1,
            "perDay": 20,
        },
        "rev": {"bury": False, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
    }


def collection_config_json(current_model: int, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> dict[str, Any]:
    """The collection settings (``col.conf``), as a fresh Anki collection has them, with the hour its study days
    start (``rollover``: Anki counts the package's days from it)."""
    return {
        "activeDecks": [DEFAULT_DECK_ID],
        "curDeck": DEFAULT_DECK_ID,
        "newSpread": 0,
        "collapseTime": 1200,
        "timeLim": 0,
        "estTimes": True,
        "dueCounts": True,
        "curModel": current_model,
        "nextPos": 1,
        "sortType": "noteFld",
        "sortBackwards": False,
        "addToCur": True,
        "schedVer": 2,
        "rollover": rollover_hour,
    }
