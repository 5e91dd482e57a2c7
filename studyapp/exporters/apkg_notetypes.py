"""The JSON that a schema 11 Anki collection keeps in its ``col`` row: note types, decks, options.

Anki reads these with strict parsers when it imports a package, so the shapes follow what Anki itself
writes for its stock note types (Basic, Basic (and reversed card), Cloze). The note type ids are fixed.
A second export from this app then reuses the note types its first one created in Anki, instead of
adding "Basic-1a2b3" copies.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.core.model import NoteKind

DEFAULT_DECK_ID = 1  # Anki's "Default" deck, which every collection has
DECK_CONFIG_ID = 1
_CSS = (
    ".card {\n    font-family: arial;\n    font-size: 20px;\n    line-height: 1.5;\n    text-align: center;\n"
    "    color: black;\n    background-color: white;\n}\n"
)
_CLOZE_CSS = (
    _CSS + ".cloze {\n    font-weight: bold;\n    color: blue;\n}\n.nightMode .cloze {\n    color: lightblue;\n}\n"
)
_LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
    "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)
_ANSWER = "{{FrontSide}}\n\n<hr id=answer>\n\n"


@dataclass(frozen=True)
class NotetypeSpec:
    """One note type we export: Anki's id, name and shape for it."""

    id: int
    name: str
    fields: tuple[str, str]
    templates: tuple[tuple[str, str, str], ...]  # (name, question format, answer format)
    cloze: bool = False
    stock_kind: int = 1


NOTETYPES: dict[NoteKind, NotetypeSpec] = {
    NoteKind.BASIC: NotetypeSpec(
        1_735_689_600_001, "Basic", ("Front", "Back"), (("Card 1", "{{Front}}", _ANSWER + "{{Back}}"),), stock_kind=1
    ),
    NoteKind.REVERSED: NotetypeSpec(
        1_735_689_600_002,
        "Basic (and reversed card)",
        ("Front", "Back"),
        (("Card 1", "{{Front}}", _ANSWER + "{{Back}}"), ("Card 2", "{{Back}}", _ANSWER + "{{Front}}")),
        stock_kind=2,
    ),
    NoteKind.CLOZE: NotetypeSpec(
        1_735_689_600_003,
        "Cloze",
        ("Text", "Back Extra"),
        (("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}"),),
        cloze=True,
        stock_kind=5,
    ),
}


def notetype_json(spec: NotetypeSpec, mod: int) -> dict:
    """A schema 11 note type. ``req`` says which fields each template needs to make a card."""
    return {
        "id": spec.id,
        "name": spec.name,
        "type": 1 if spec.cloze else 0,
        "mod": mod,
        "usn": -1,
        "sortf": 0,
        "did": None,
        "tmpls": [
            {
                "name": name,
                "ord": ord_,
                "qfmt": question,
                "afmt": answer,
                "bqfmt": "",
                "bafmt": "",
                "did": None,
                "bfont": "",
                "bsize": 0,
            }
            for ord_, (name, question, answer) in enumerate(spec.templates)
        ],
        "flds": [
            {"name": name, "ord": ord_, "sticky": False, "rtl": False, "font": "Arial", "size": 20, "media": []}
            for ord_, name in enumerate(spec.fields)
        ],
        "css": _CLOZE_CSS if spec.cloze else _CSS,
        "latexPre": _LATEX_PRE,
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "req": [[ord_, "any", [ord_]] for ord_ in range(len(spec.templates))],
        "originalStockKind": spec.stock_kind,
        "tags": [],
        "vers": [],
    }


def deck_json(deck_id: int, name: str, mod: int) -> dict:
    """A schema 11 deck with the default options group and nothing studied today."""
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
        "desc": "",
        "dyn": 0,
        "conf": DECK_CONFIG_ID,
        "extendNew": 0,
        "extendRev": 0,
    }


def deck_config_json() -> dict:
    """Anki's default options group (id 1), which every deck above refers to."""
    return {
        "id": DECK_CONFIG_ID,
        "mod": 0,
        "name": "Default",
        "usn": 0,
        "maxTaken": 60,
        "autoplay": True,
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


def collection_config_json(current_model: int) -> dict:
    """The collection settings (``col.conf``), as a fresh Anki collection has them."""
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
    }
