"""Fixtures of the fuzz tests: small valid seeds made once per session, and a count of inputs tried."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..anki.makers import AnkiPackages, make_anki_packages, make_genanki_package
from .counting import pytest_terminal_summary

__all__ = ["pytest_terminal_summary"]


@pytest.fixture(scope="session")
def fuzz_anki_packages(tmp_path_factory: pytest.TempPathFactory) -> AnkiPackages:
    return make_anki_packages(tmp_path_factory.mktemp("fuzz-anki"))


@pytest.fixture(scope="session")
def fuzz_genanki_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_genanki_package(tmp_path_factory.mktemp("fuzz-genanki"))[0]
