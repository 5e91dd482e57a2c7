"""Anki's deck option "autoplay" comes in as studyapp's "Don't play audio automatically" and goes back out:
packages made by the anki engine (schema 18 and legacy 11) with a deck whose options group has autoplay off,
imported; the export read back by the engine with the same options per deck."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.services.app import App

QUIET, LOUD = "Listen::Quiet", "Listen::Loud"


def engine_package(folder: Path, legacy: bool) -> Path:
    from anki.collection import Collection, ExportAnkiPackageOptions

    col = Collection(str(folder / "source.anki2"))
    try:
        quiet_conf = col.decks.add_config_returning_id("Listening, quiet")
        conf = col.decks.get_config(quiet_conf)
        conf["autoplay"], conf["replayq"] = False, False
        col.decks.update_config(conf)
        for name in (QUIET, LOUD):
            deck_id = col.decks.id(name)
            if name == QUIET:
                deck = col.decks.get(deck_id)
                deck["conf"] = quiet_conf
                col.decks.save(deck)
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = f"{name} [sound:a.mp3]", "back"
            col.add_note(note, deck_id)
        path = folder / f"listen-{'legacy' if legacy else 'new'}.apkg"
        options = ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=True, with_media=True,
                                           legacy=legacy)  # fmt: skip
        col.export_anki_package(out_path=str(path), options=options, limit=None)
        return path
    finally:
        col.close()


def engine_autoplay(package: Path, folder: Path) -> dict[str, tuple[bool, bool]]:
    """What the engine's own import makes of a package's decks: (autoplay, replayq) by deck name."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir()
    col = Collection(str(folder / "back.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_deck_configs=True)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
        out = {}
        for entry in col.decks.all_names_and_ids():
            if entry.name.startswith("Listen::"):
                conf = col.decks.config_dict_for_deck_id(entry.id)
                out[entry.name] = (conf["autoplay"], conf["replayq"])
        return out
    finally:
        col.close()


@pytest.mark.parametrize("legacy", [False, True], ids=["schema18", "legacy11"])
def test_autoplay_comes_in_from_anki_and_goes_back_out(app: App, tmp_path: Path, legacy: bool) -> None:
    package = engine_package(tmp_path, legacy)
    assert engine_autoplay(package, tmp_path / "source-read") == {QUIET: (False, False), LOUD: (True, True)}
    summary = app.import_file(package)
    quiet, loud = app.find_deck(QUIET), app.find_deck(LOUD)
    assert quiet is not None and loud is not None
    assert quiet.options.autoplay_audio is False and loud.options.autoplay_audio is True
    assert quiet.preset_id != loud.preset_id  # the Default preset, shared by other decks, is left alone
    assert app.find_deck("Calcinosis").options.autoplay_audio is True  # type: ignore[union-attr]
    assert summary.details["audio"] == f"1 deck ({QUIET}): audio not played automatically, as in Anki"
    assert any("replay only the answer's sounds" in line for line in summary.warnings), summary.warnings

    out = tmp_path / "out.apkg"
    app.export(out, "Listen")
    assert engine_autoplay(out, tmp_path / "out-read") == {QUIET: (False, True), LOUD: (True, True)}


def test_a_deck_already_here_keeps_its_options_and_says_so(app: App, tmp_path: Path) -> None:
    package = engine_package(tmp_path, legacy=False)
    app.import_file(package)
    quiet = app.find_deck(QUIET)
    assert quiet is not None
    # The user turns autoplay back on for the deck; importing the package again does not undo it.
    loud_preset = app.find_deck(LOUD).preset_id  # type: ignore[union-attr]
    app.collection.presets.assign(quiet.id, loud_preset)  # type: ignore[arg-type]
    summary = app.import_file(package)
    assert app.find_deck(QUIET).options.autoplay_audio is True  # type: ignore[union-attr]
    assert "audio" not in summary.details
    assert any("1 deck already here (Listen::Quiet) plays audio automatically" in line for line in summary.warnings)


def test_a_second_quiet_deck_shares_the_preset(app: App, tmp_path: Path) -> None:
    first = engine_package(tmp_path, legacy=False)
    app.import_file(first, deck_name="One")
    app.import_file(first, deck_name="Two")
    one, two = app.find_deck(f"One::{QUIET}"), app.find_deck(f"Two::{QUIET}")
    assert one is not None and two is not None and not one.options.autoplay_audio
    assert one.preset_id == two.preset_id
    names = sorted(preset.name for preset in app.collection.presets.all())
    assert names.count("Default (no autoplay)") == 1, names
