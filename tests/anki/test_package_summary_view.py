"""The window's import summary says where a package's cards went and what history came with them."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from studyapp.services.importing.importing import ImportSummary
from studyapp.ui.importing.import_summary_view import ImportSummaryView


def test_the_summary_names_the_decks_and_the_history(qtbot: QtBot) -> None:
    view = ImportSummaryView()
    qtbot.addWidget(view)
    details = {
        "format": "apkg",
        "decks": "Mine::French (4 cards), Mine::Other (2 cards)",
        "history": "5 answers, 1 reset to new on 4 cards",
    }
    view.show_summary(ImportSummary("Mine", 3, 0, 0, details=details))
    assert view.line_label.text() == (
        "3 notes added. Cards: Mine::French (4 cards), Mine::Other (2 cards). History in the file: 5 answers, 1 reset"
        " to new on 4 cards."
    )
    view.show_summary(ImportSummary("Plain", 2, 0, 0, details={"format": "csv"}))
    assert view.line_label.text() == "2 notes added."
