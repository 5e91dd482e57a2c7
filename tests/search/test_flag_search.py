"""flag:N finds the cards with that flag (flag:0 those without); a bad number is one clear line."""

from __future__ import annotations

import random

import pytest

from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.notes.browser_actions import BrowserActions
from studyapp.services.notes.search import SearchError, search_card_ids


def test_flag_search(app: App, clock: FixedClock) -> None:
    every = search_card_ids(app.collection, clock, "")
    actions = BrowserActions(app.collection, clock, random.Random(1))
    actions.set_flag(every[:3], 1)
    actions.set_flag(every[3:4], 7)
    assert sorted(search_card_ids(app.collection, clock, "flag:1")) == sorted(every[:3])
    assert search_card_ids(app.collection, clock, "flag:7") == every[3:4]
    assert search_card_ids(app.collection, clock, "flag:2") == []
    assert len(search_card_ids(app.collection, clock, "flag:0")) == len(every) - 4
    assert sorted(search_card_ids(app.collection, clock, "-flag:0")) == sorted(every[:4])
    for bad in ("flag:9", "flag:", "flag:red"):
        with pytest.raises(SearchError, match="flag: needs a number from 0 \\(none\\) to 7"):
            search_card_ids(app.collection, clock, bad)
