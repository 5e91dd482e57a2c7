"""The rich-cards package, made by the anki engine once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from .package import make_rich_package

pytest.importorskip("anki")


@pytest.fixture(scope="session")
def rich_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_rich_package(tmp_path_factory.mktemp("rich"))
