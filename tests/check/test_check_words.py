"""The check's last line says what its counts mean (it said "1 problem found: 1 left.")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from studyapp.services.maintenance.check_report import outcome


def _report(mismatches: int = 0, rescheduled: int = 0, orphans: int = 0, trashed: int = 0, missing: int = 0):  # noqa: ANN202
    problems = mismatches + orphans + missing
    unresolved = mismatches - rescheduled + orphans - trashed + missing
    return SimpleNamespace(
        problems=problems,
        unresolved=unresolved,
        mismatches=[object()] * mismatches,
        rescheduled=rescheduled,
        orphans=["x"] * orphans,
        trashed=["x"] * trashed,
        repairable=mismatches > rescheduled or orphans > trashed,
    )


@pytest.mark.parametrize(
    ("report", "sentence"),
    [
        (_report(), "No problems found."),
        (_report(mismatches=1), "1 problem found; Repair fixes it."),
        (_report(mismatches=2, orphans=1), "3 problems found; Repair fixes them."),
        (_report(mismatches=1, rescheduled=1), "1 problem found, repaired."),
        (_report(mismatches=2, orphans=1, rescheduled=2, trashed=1), "3 problems found, all repaired."),
        (_report(missing=1), "1 problem found; it cannot be repaired here (see the report)."),
        (
            _report(mismatches=1, missing=2),
            "3 problems found; Repair fixes 1, 2 cannot be repaired here (see the report).",
        ),
        (
            _report(mismatches=2, rescheduled=2, missing=1),
            "3 problems found; 2 repaired, 1 cannot be repaired here (see the report).",
        ),
    ],
)
def test_the_outcome_says_what_the_counts_mean(report: SimpleNamespace, sentence: str) -> None:
    assert outcome(report) == sentence  # type: ignore[arg-type]


def test_the_text_report_names_no_button() -> None:
    assert outcome(_report(mismatches=1), "a repair") == "1 problem found; a repair fixes it."  # type: ignore[arg-type]
