"""How long the card view takes to show a card with ten formulas: target under 50 ms warm.

Cold: the first card with formulas in the process (ziamath imported, its font read, every formula turned
into SVG and drawn). Warm: the same formulas on another card later in the session, drawn from the cache of
formula images (as when a card comes back, or its question is shown again at the reveal); and a card with
ten formulas never seen (each drawn anew, ziamath loaded). Each is the question laid out and painted in the
real ``CardView`` at 1024x640, the median of ``--repeat`` runs.

    QT_QPA_PLATFORM=offscreen python benchmarks/maths_render.py [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 50.0
FORMULAS = (
    r"\(\frac{a}{b}\)", r"\(\sqrt{x^2 + 1}\)", r"\(\sum_{i=1}^{n} i^2\)", r"\(\int_0^\infty e^{-x}\,dx\)",
    r"\(\alpha + \beta = \gamma\)", r"\(\mathrm{d}x\)", r"\(\left(\frac{1}{2}\right)\)", r"[$]\lim_{x \to 0} f(x)[/$]",
    r"\(\begin{pmatrix} a &amp; b \\ c &amp; d \end{pmatrix}\)", r"\[\frac{\partial f}{\partial x} = 2x\]",
)  # fmt: skip


def card_text(variant: int) -> str:
    """Ten formulas in a sentence; ``variant`` changes each formula a little (new to the cache)."""
    tail = f" + {variant}" if variant else ""
    parts = [formula.replace(r"\)", tail + r"\)").replace("[/$]", tail + "[/$]").replace(r"\]", tail + r"\]")
             for formula in FORMULAS]  # fmt: skip
    return "Ten formulas: " + ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from studyapp.core.model import Card
    from studyapp.ui.app.style import install_theme
    from studyapp.ui.review.card_view import CardView
    from studyapp.ui.review.pictures import maths_images

    app = QApplication(sys.argv[:1])
    install_theme(app)
    view = CardView()
    view.resize(1024, 640)
    view.show()
    app.processEvents()

    def shown_ms(card: Card) -> float:
        start = time.perf_counter()
        view.show_card(card, revealed=False)
        view.repaint()  # laid out and painted, as the window would before the next key is read
        return (time.perf_counter() - start) * 1000

    def card(number: int, variant: int) -> Card:
        return Card(id=number, note_id=number, deck_id=1, front=card_text(variant), back="", html=True)

    cold = shown_ms(card(1, 0))
    drawn = maths_images.cached_images()
    warm = statistics.median(shown_ms(card(2 + n, 0)) for n in range(args.repeat))
    new = statistics.median(shown_ms(card(100 + n, n + 1)) for n in range(args.repeat))
    print(f"{'card with ten formulas':40} {'ms':>8}")
    print(f"{'cold (first in the process)':40} {cold:8.1f}")
    print(f"{'warm (formulas drawn before)':40} {warm:8.1f}")
    print(f"{'ten new formulas (library loaded)':40} {new:8.1f}")
    print(f"formula images drawn for the first card: {drawn}")
    verdict = "meets" if warm < TARGET_MS else "MISSES"
    print(f"\nwarm: {warm:.1f} ms ({verdict} the {TARGET_MS:.0f} ms target)")
    return 0 if warm < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
