"""A whole crash run: review trials, then import trials, from one seeded ``random.Random``."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from .harness import Figures, prepare_review_collection, review_trial
from .import_trials import ImportCase, full_import_seconds, import_trial, prepare_import, prepare_package


def run_trials(
    folder: Path, reviews: int, imports: int, import_rows: int, seed: int, say: Callable[[str], None]
) -> Figures:
    """The whole run: ``reviews`` review trials and ``imports`` import trials, seeded."""
    rng = random.Random(seed)
    figures = Figures()
    path = prepare_review_collection(folder)
    for number in range(reviews):
        review_trial(path, rng, figures)
        if (number + 1) % 25 == 0:
            say(f"  {number + 1} review trials, {figures.answers_confirmed} answers confirmed")
    if imports:
        base, big, base_print, base_notes = prepare_import(folder, import_rows)
        package, package_notes, media = prepare_package(folder)
        cases = [
            ImportCase(big, import_rows, full_import_seconds(base, big, folder, "--deck", "Big")),
            ImportCase(package, package_notes, full_import_seconds(base, package, folder), media),
        ]
        say(f"  a whole import takes {cases[0].seconds:.1f} s ({import_rows:,} CSV rows), "
            f"{cases[1].seconds:.1f} s (.apkg, {package_notes:,} notes, {len(media)} images)")  # fmt: skip
        for number in range(imports):
            case = cases[0] if number % 3 != 2 else cases[1]
            import_trial(base, base_print, base_notes, case, rng, folder, figures)
            if (number + 1) % 10 == 0:
                say(f"  {number + 1} import trials, {figures.imports_killed} killed")
    return figures
