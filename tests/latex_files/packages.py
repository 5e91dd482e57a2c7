"""Packages with Anki's LaTeX pictures, made at test time: by the real engine (what Anki's export carries) and by
genanki (a package whose media list we choose exactly, with a picture no note uses)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DECK = "Maths"
# (note type, fields): LaTeX of all three kinds in fronts and backs, a cloze inside maths, a note type with svg.
ENGINE_NOTES = (
    ("Basic", ["[$]x^2[/$] and [$$]\\sum_i i[/$$]", "[latex]\\LaTeX{} text<br>and&nbsp;more[/latex]"]),
    ("Basic", ['<img src="plot.png"> [$]a &lt; b[/$]', "plain back"]),
    ("Basic SVG", ["[$]\\alpha[/$]", "[$$]\\beta[/$$]"]),
    ("Cloze", ["[$]x = {{c1::2}}[/$] and {{c2::y}}", "[$$]e^{i\\pi}[/$$]"]),
)
PLOT = b"\x89PNG\r\n\x1a\nplot"


def picture(name: str) -> bytes:
    """A stand-in for the picture TeX would have made: its bytes differ per name."""
    return b"\x89PNG\r\n\x1a\n" + hashlib.sha256(name.encode()).digest()


@dataclass(frozen=True)
class EnginePackage:
    path: Path
    latex: dict[str, bytes]  # the LaTeX pictures the package carries
    rendered: set[str]  # every picture Anki names for the notes (that its reviewer would make)


def _engine_names(col: Any, text: str, svg: bool) -> set[str]:
    names = set()
    for expand in (False, True):
        names |= {
            latex.filename for latex in col._backend.extract_latex(text=text, svg=svg, expand_clozes=expand).latex
        }
    return names


def make_engine_package(folder: Path) -> EnginePackage:
    """A collection of LaTeX notes whose pictures are in its media folder (as if Anki had rendered them all),
    exported by the engine as a modern .apkg with media."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        svg_type = col.models.copy(col.models.by_name("Basic"), add=False)
        svg_type["name"] = "Basic SVG"
        svg_type["latexsvg"] = True
        col.models.add_dict(svg_type)
        media = Path(col.media.dir())
        (media / "plot.png").write_bytes(PLOT)
        rendered: set[str] = set()
        deck_id = col.decks.id(DECK)
        for notetype_name, fields in ENGINE_NOTES:
            notetype = col.models.by_name(notetype_name)
            note = col.new_note(notetype)
            for index, text in enumerate(fields):
                note.fields[index] = text
                rendered |= _engine_names(col, text, bool(notetype.get("latexsvg")))
            col.add_note(note, deck_id)
        for name in rendered:
            (media / name).write_bytes(picture(name))
        path = folder / "maths.apkg"
        options = ExportAnkiPackageOptions(with_scheduling=False, with_media=True, legacy=False)
        col.export_anki_package(out_path=str(path), options=options, limit=None)
    finally:
        col.close()
    return EnginePackage(path, package_latex(path), rendered)


def package_latex(path: Path) -> dict[str, bytes]:
    """The ``latex-*`` files of a package, read by the engine's own importer into a fresh collection."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder = path.with_name(path.stem + "-read")
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        return {p.name: p.read_bytes() for p in Path(col.media.dir()).iterdir() if p.name.startswith("latex-")}
    finally:
        col.close()


def latex_name(body: str, svg: bool = False) -> str:
    return f"latex-{hashlib.sha1(body.encode()).hexdigest()}.{'svg' if svg else 'png'}"


def make_genanki_package(folder: Path) -> tuple[Path, str, str]:
    """A genanki package with ``[$]x[/$]``, its picture and a picture of a formula no note has; the two names."""
    import genanki

    model = genanki.Model(
        1_707_392_319, "Formula", fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )  # fmt: skip
    deck = genanki.Deck(2_059_400_214, DECK)
    deck.add_note(genanki.Note(model=model, fields=["[$]x[/$]", "x"]))
    used, stray = latex_name("$x$"), latex_name("$y$")
    folder.mkdir(parents=True, exist_ok=True)
    for name in (used, stray):
        (folder / name).write_bytes(picture(name))
    path = folder / "formula.apkg"
    genanki.Package(deck, media_files=[str(folder / used), str(folder / stray)]).write_to_file(str(path))
    return path, used, stray
