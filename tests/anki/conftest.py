"""Shared fixtures: real packages made once per session, and a sandbox that sees every file a test writes."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, MediaFile, NoteDraft
from studyapp.core.model import NoteKind
from studyapp.exporters.apkg import write_apkg

from .makers import IMAGE, AnkiPackages, make_anki_packages, make_genanki_package
from .notetype_makers import ForgetPackages, NotetypePackage, make_forget_package, make_notetype_package


@pytest.fixture(scope="session")
def anki_packages(tmp_path_factory: pytest.TempPathFactory) -> AnkiPackages:
    return make_anki_packages(tmp_path_factory.mktemp("anki"))


@pytest.fixture(scope="session")
def genanki_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return make_genanki_package(tmp_path_factory.mktemp("genanki"))


def sample_draft() -> ImportDraft:
    """A draft with every kind of note: plain text that needs escaping, HTML, cloze, decks, tags, an image."""
    return ImportDraft(
        name="Chemistry",
        notes=(
            NoteDraft(guid="h:plain", front="Is 2 < 3 & 4 > 1?\nSay why.", back="yes <really>", tags=("maths", "a b")),
            NoteDraft(
                guid="anki:Xy7#kq",
                front="H<sub>2</sub>O",
                back="water",
                kind=NoteKind.REVERSED,
                html=True,
                deck="Chemistry::Basics",
                tags=("molecules",),
            ),
            NoteDraft(
                guid="h:cloze",
                front='{{c1::Sodium}} is {{c3::Na}} <img src="na.png">',
                back="<b>alkali</b>",
                kind=NoteKind.CLOZE,
                html=True,
                deck="Chemistry::Basics::Metals",
            ),
        ),
        media=(MediaFile("na.png", IMAGE),),
    )


@pytest.fixture(scope="session")
def own_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our own export of ``sample_draft()``: a small legacy package to tamper with."""
    path = tmp_path_factory.mktemp("own") / "own.apkg"
    write_apkg(sample_draft(), path)
    return path


@dataclass
class Sandbox:
    """Where a test's files go: ``root`` holds inputs, ``cwd`` is the working folder, ``temp`` the temp dir."""

    root: Path
    cwd: Path
    temp: Path

    def listing(self) -> set[str]:
        return {str(p.relative_to(self.root)) for p in self.root.rglob("*")}


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """Temp files and the working folder inside ``tmp_path``; afterwards the temp folder must be empty again."""
    box = Sandbox(tmp_path, tmp_path / "work" / "inner", tmp_path / "systemp")
    box.cwd.mkdir(parents=True)
    box.temp.mkdir()
    monkeypatch.chdir(box.cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(box.temp))
    yield box
    assert list(box.temp.iterdir()) == [], "temporary files were left behind"


@pytest.fixture(scope="module")
def notetype_package(tmp_path_factory: pytest.TempPathFactory) -> NotetypePackage:
    return make_notetype_package(tmp_path_factory.mktemp("notetypes"))


@pytest.fixture(scope="module")
def forget_packages(tmp_path_factory: pytest.TempPathFactory) -> ForgetPackages:
    return make_forget_package(tmp_path_factory.mktemp("forget"))
