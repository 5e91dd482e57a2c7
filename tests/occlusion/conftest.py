"""A package of native image occlusion notes made by the anki engine, once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from .engine import make_io_package


@pytest.fixture(scope="session")
def io_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_io_package(tmp_path_factory.mktemp("io"))
