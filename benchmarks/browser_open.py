"""Open the card browser on a 100,000-card collection with 1,000,000 reviews, and search from it.

Measures, offscreen and in one process (median of 5): opening the browser until its first page is
painted, and a word search until the first page is shown again. Targets: under 500 ms and 100 ms.
Usage: python benchmarks/browser_open.py [--cards N] [--reviews N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402
from search_speed import generate  # noqa: E402

from studyapp.services.app import App  # noqa: E402
from studyapp.ui.app.main_window import MainWindow  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    qt = QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.db"
        started = time.perf_counter()
        generate(path, args.cards, args.reviews)
        print(f"generated {args.cards:,} cards and {args.reviews:,} reviews in {time.perf_counter() - started:.0f} s")
        app = App.open(path)
        window = MainWindow(app)
        window.show()
        qt.processEvents()
        opens, searches = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            browser = window.open_browser()
            browser.repaint()  # the first page, painted
            qt.processEvents()
            opens.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            browser.search_box.setText("muscle")
            browser.run_search()
            browser.repaint()
            qt.processEvents()
            searches.append((time.perf_counter() - started) * 1000)
            browser.close()
            qt.processEvents()
        window.close()
        app.close()
    print(f"{'operation':44} {'median ms':>9} {'target':>8}")
    for label, times, target in (
        ("open the browser, first page painted", opens, 500),
        ("word search, first page painted", searches, 100),
    ):
        median = statistics.median(times)
        print(f"{label:44} {median:9.0f} {'< ' + str(target):>8} {'met' if median < target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
