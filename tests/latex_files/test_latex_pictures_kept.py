"""Anki's LaTeX pictures are never lost: an import brings the ones its notes use, Check counts them as used (its
repair used to move them to the trash), and an export sends them out so AnkiDroid, which cannot make them, shows
the maths. Packages are made at test time by the real engine and by genanki."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check

from .packages import DECK, PLOT, EnginePackage, latex_name, make_engine_package, make_genanki_package, picture

pytest.importorskip("anki")


@pytest.fixture(scope="module")
def engine_package(tmp_path_factory: pytest.TempPathFactory) -> EnginePackage:
    return make_engine_package(tmp_path_factory.mktemp("engine"))


def latex_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.name.startswith("latex-")}


def test_an_anki_package_brings_every_latex_picture_its_notes_use(app: App, engine_package: EnginePackage) -> None:
    assert len(engine_package.latex) == 8  # png and svg, fronts and backs, the cloze field as it is
    summary = app.import_file(engine_package.path)
    assert (summary.new, summary.skipped) == (4, ())
    assert latex_files(app.media_dir) == engine_package.latex
    assert (app.media_dir / "plot.png").read_bytes() == PLOT
    assert summary.media == 9


def test_a_latex_picture_no_note_uses_is_left_out_and_counted(app: App, tmp_path: Path) -> None:
    pytest.importorskip("genanki")
    path, used, stray = make_genanki_package(tmp_path / "genanki")
    summary = app.import_file(path)
    assert latex_files(app.media_dir) == {used: picture(used)}
    assert [skip.reason for skip in summary.skipped] == [
        "1 media file no note uses was not imported (no field, template or styling names it)"
    ]
    assert stray not in {path.name for path in app.media_dir.iterdir()}


def test_check_counts_latex_pictures_as_used_and_repair_keeps_them(app: App, engine_package: EnginePackage) -> None:
    app.import_file(engine_package.path)
    for name in engine_package.rendered - set(engine_package.latex):  # as if the reviewer had made them here
        (app.media_dir / name).write_bytes(picture(name))
    stray = latex_name("$nobody$")
    (app.media_dir / stray).write_bytes(picture(stray))
    absent = latex_name("$x^2$")  # a picture a note uses that the folder lacks is not missing: we draw it
    (app.media_dir / absent).unlink()
    kept = latex_files(app.media_dir)
    del kept[stray]

    report = run_check(app.collection, app.clock, app.rng, app.media_dir, repair=True)

    assert report.orphans == [stray]
    assert report.trashed == [stray]
    assert report.missing == []
    assert latex_files(app.media_dir) == kept
    assert len(kept) == len(engine_package.rendered) - 1


def test_export_sends_the_latex_pictures_and_the_engine_reads_them(
    app: App, engine_package: EnginePackage, tmp_path: Path
) -> None:
    from .packages import package_latex

    app.import_file(engine_package.path)
    for name in engine_package.rendered - set(engine_package.latex):
        (app.media_dir / name).write_bytes(picture(name))
    (app.media_dir / latex_name("$nobody$")).write_bytes(b"stray")
    out = tmp_path / "out.apkg"

    result = app.export(out, DECK)

    assert result.missing_media == ()
    assert result.media == len(engine_package.rendered) + 1  # and plot.png
    with zipfile.ZipFile(out) as package:
        names = set(json.loads(package.read("media")).values())
    assert names == {*engine_package.rendered, "plot.png"}
    # The engine's own import of our package: every picture with its bytes, the cloze ones Anki's export leaves out
    assert package_latex(out) == {name: picture(name) for name in engine_package.rendered}
