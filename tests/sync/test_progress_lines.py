"""The terminal's progress lines: a step whose lines differ only in their numbers is shown at its start, then at most
once a second, and its latest count when the next step begins or the run ends; other lines all go through."""

from __future__ import annotations

from studyapp.cli.progress_lines import ThrottledLines


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_counting_step_is_shown_once_a_second_and_its_last_count_before_the_next_step() -> None:
    shown: list[str] = []
    clock = _Clock()
    lines = ThrottledLines(shown.append, clock)
    lines("Starting")
    for number in range(1, 4001):  # 4,000 chunks in 3.9 s (steps of 2**-10 s: exact in floating point)
        clock.now = number / 1024
        lines(f"Receiving ({number * 250:,})")
    lines("Applying 10,000 notes and 10,000 cards")
    for done in range(0, 200_000, 10_000):
        clock.now += 0.25
        lines(f"Replaying answers ({done:,} of 200,000)")
    lines.flush()
    lines.flush()  # (nothing more)
    assert shown == [
        "Starting",
        "Receiving (250)",
        "Receiving (256,250)",  # 1 s on
        "Receiving (512,250)",
        "Receiving (768,250)",
        "Receiving (1,000,000)",  # the last count, as the next step begins
        "Applying 10,000 notes and 10,000 cards",
        "Replaying answers (0 of 200,000)",
        "Replaying answers (40,000 of 200,000)",
        "Replaying answers (80,000 of 200,000)",
        "Replaying answers (120,000 of 200,000)",
        "Replaying answers (160,000 of 200,000)",
        "Replaying answers (190,000 of 200,000)",  # held back until the end
    ]


def test_lines_of_different_steps_all_go_through() -> None:
    shown: list[str] = []
    lines = ThrottledLines(shown.append, _Clock())
    for line in ("Starting", "Sending note types, decks and tags", "Receiving", "Sending", "Checking"):
        lines(line)
    lines.flush()
    assert shown == ["Starting", "Sending note types, decks and tags", "Receiving", "Sending", "Checking"]


def test_a_counted_line_is_read_back_after_any_prefix_and_other_lines_have_no_end() -> None:
    from studyapp.services.sync.progress_text import counted, counts_of

    line = "Matching with the server: " + counted("replaying answers", 120_000, 1_000_000)
    assert line.endswith("replaying answers (120,000 of 1,000,000)")
    assert counts_of(line) == (120_000, 1_000_000)
    assert counts_of("Receiving (1,250)") == counts_of("Sending") == (0, 0)
