"""The search tests share one known collection per module (searching does not change it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .world import World, build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("search") / "collection.db")
    yield built
    built.app.close()
