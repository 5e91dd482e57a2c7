"""How long the card view takes to show a card, hostile or ordinary: target under 100 ms each.

For every card: the question shown (faces built, HTML sanitized, laid out in the real ``CardView`` at
1024x640 and painted), then the reveal (question and answer), then "Show all" for a card cut to the first
view's budget (bounded, not held to the 100 ms target). Each is the median of ``--repeat`` runs, each on
a new card (the faces are built for its question and reused for its reveal, as in a session). Also the
time to sanitize each hostile field whole, as an import does, and the process's peak memory.

Then the other places a card's text is shown, with the long unbroken strings of issue 15 (a 2.5 MB token,
base64, a 100 KB web address, DNA): the note editor, a typed reply's check and diff, a multiple-choice option.

    QT_QPA_PLATFORM=offscreen python benchmarks/card_render.py [--repeat 5] [--big-mb 100]
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 100.0
BASE64 = base64.b64encode(random.Random(5).randbytes(1_900_000)).decode()  # 2.5 MB
URL = "https://example.com/" + "a1b2c3d4/" * 11_000  # 100 KB
DNA = "".join(random.Random(4).choice("ACGT") for _ in range(200_000))
CALCINOSIS = Path(__file__).resolve().parent.parent / "decks" / "calcinosis.txt"


def hostile_cards(big_mb: int) -> list[tuple[str, str, str, bool]]:
    """(name, front, back, html) for the attacks of issue 12, point 5, and a few more of the same kind."""
    nested = {tag: f"<{tag}>" * 100_000 + "x" + f"</{tag}>" * 100_000 for tag in ("b", "span", "i")}
    return [
        ("100k nested <b>", "Bold?", nested["b"], True),
        ("20k nested <div>", "Divs?", "<div>" * 20_000 + "x" + "</div>" * 20_000, True),
        ("100k nested <span>", "Spans?", nested["span"], True),
        ("100k nested <i>", "Italic?", nested["i"], True),
        ("100k nested <table>", "Tables?", "<table><tr><td>" * 100_000 + "x", True),
        ("100k nested <ul><li>", "Lists?", "<ul><li>" * 100_000 + "x", True),
        ("40k reopened <b>", "Reopened?", "".join(f"<p><b title={n}></p>" for n in range(40_000)), True),
        ("100k list items", "Items?", "<ol>" + "<li>item" * 100_000, True),
        ("table rows on both sides", *["<table>" + "<tr><td>a</td><td>b</td></tr>" * 100_000] * 2, True),
        ("100k <br> lines", "Lines?", "line<br>" * 100_000, True),
        ("2.5 MB unbroken token", "Token?", "x" * 2_500_000, False),
        # Long unbroken strings (issue 15, point 4): base64, web addresses, DNA, on either side.
        ("200 KB token on the question", "x" * 200_000, "Back", False),
        ("2.5 MB base64", "Base64?", BASE64, False),
        ("2.5 MB base64 on the question (HTML)", BASE64, "Back", True),
        ("2.5 MB base64 <img src=data:>", "Picture?", f'<img src="data:image/png;base64,{BASE64}">', True),
        ("100 KB web address", "Address?", URL, False),
        ("100 KB web address in a link", "Link?", f'<a href="{URL}">{URL}</a>', True),
        ("200 KB DNA sequence", "Sequence?", DNA, False),
        (f"{big_mb} MB answer (plain text)", "Big?", "word " * (big_mb * 1024 * 1024 // 5), False),
        # Markup is 5x denser in tags to sanitize whole (as an import does): a fifth of the size.
        (f"{big_mb // 5} MB answer (HTML)", "Big?", "<p>word word word word</p>" * (big_mb * 1024 * 1024 // 135), True),
    ]


def ordinary_cards() -> list[tuple[str, str, str, bool]]:
    from studyapp.importers.plaintext_qa import read_qa

    notes = read_qa(CALCINOSIS).notes
    cards = [(f"calcinosis: {note.front[:32]}", note.front, note.back, False) for note in notes]
    html = (
        "<p>The <b>carpal tunnel</b> holds <i>nine</i> tendons and one nerve:</p><ul><li>the median nerve</li>"
        "<li>four tendons of <em>flexor digitorum superficialis</em></li><li>four of profundus</li>"
        "<li>flexor pollicis longus</li></ul><table><tr><th>Nerve</th><th>Root</th></tr><tr><td>median</td>"
        "<td>C5-T1</td></tr></table>"
    )
    return [*cards[:10], ("ordinary HTML: list and table", "What passes through the carpal tunnel?", html, True)]


def _elapsed_ms(action) -> float:  # noqa: ANN001
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def other_places(repeat: int) -> float:
    """The other places that show a card's text, with the long strings: the note editor (Edit, the browser's
    pane) showing the note, a typed reply checked and its diff shown, a multiple-choice option set."""
    from PySide6.QtWidgets import QApplication

    from studyapp.core.quiz.answer_match import match_answer
    from studyapp.ui.editing.note_editor import NoteEditor
    from studyapp.ui.review.quiz.choice_panel import OptionButton
    from studyapp.ui.review.quiz.typed_answer import TypedAnswerPanel

    editor, panel, option = NoteEditor(), TypedAnswerPanel(), OptionButton(1)
    for widget, width in ((editor, 700), (panel, 720), (option, 720)):
        widget.resize(width, 400)
        widget.show()
    QApplication.processEvents()
    print(f"\n{'field':44} {'editor':>9} {'typed':>9} {'choice':>9}")
    worst = 0.0
    for name, field in (("2.5 MB token", "x" * 2_500_000), ("200 KB token", "x" * 200_000), ("2.5 MB base64", BASE64),
                        ("100 KB web address", URL), ("200 KB DNA", DNA), ("40 KB token", "x" * 40_000)):  # fmt: skip

        def edit(field: str = field) -> None:
            editor.set_note("Question", field, (), False)
            editor.repaint()

        def typed(field: str = field) -> None:
            panel.ask()
            panel.show_result(match_answer(field, "xxxx"))
            panel.repaint()

        def choice(field: str = field) -> None:
            option.set_option(field)
            option.repaint()

        times = [statistics.median(_elapsed_ms(action) for _ in range(repeat)) for action in (edit, typed, choice)]
        worst = max(worst, *times)
        print(f"{name:44} " + " ".join(f"{ms:7.1f}ms" for ms in times), flush=True)
    for widget in (editor, panel, option):
        widget.close()
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big-mb", type=int, default=100)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from studyapp.core.model import Card
    from studyapp.core.text.sanitize import clean_html
    from studyapp.ui.app.style import install_theme
    from studyapp.ui.review.card_view import CardView

    app = QApplication(sys.argv[:1])
    install_theme(app)
    view = CardView()
    view.resize(1024, 640)
    view.show()
    app.processEvents()

    def show(card: Card, revealed: bool, show_all: bool = False) -> None:
        view.show_card(card, revealed=revealed)
        if show_all:
            view.show_all()
        view.repaint()  # laid out and painted, as the window would before the next key is read

    print(f"{'card':44} {'question':>9} {'reveal':>9} {'show all':>9} {'sanitize whole':>15}")
    worst = 0.0
    rows = [(name, f, b, h, True) for name, f, b, h in hostile_cards(args.big_mb)]
    rows += [(name, f, b, h, False) for name, f, b, h in ordinary_cards()]
    for number, (name, front, back, html, hostile) in enumerate(rows):
        questions, reveals, shows_all = [], [], []
        for _ in range(args.repeat):  # a new card each time, as in a session: nothing is reused but the view
            card = Card(id=number + 1, note_id=number + 1, deck_id=1, front=front, back=back, html=html)
            questions.append(_elapsed_ms(lambda card=card: show(card, revealed=False)))
            reveals.append(_elapsed_ms(lambda card=card: show(card, revealed=True)))
            if view.cut_bar.isVisible() and len(shows_all) < max(1, args.repeat // 2):
                shows_all.append(_elapsed_ms(lambda card=card: show(card, True, True)))
        question, reveal = statistics.median(questions), statistics.median(reveals)
        show_all = statistics.median(shows_all) if shows_all else None
        whole = None
        if hostile and html:
            start = time.perf_counter()
            clean_html(back)
            whole = (time.perf_counter() - start) * 1000
        worst = max(worst, question, reveal)
        print(
            f"{name[:44]:44} {question:7.1f}ms {reveal:7.1f}ms "
            f"{'' if show_all is None else f'{show_all:7.0f}ms':>9} {'' if whole is None else f'{whole:13.0f}ms':>15}",
            flush=True,
        )
        del card
    worst = max(worst, other_places(args.repeat))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"\nslowest question or reveal: {worst:.1f} ms ({verdict} the {TARGET_MS:.0f} ms target)")
    print(f"peak memory: {peak:.0f} MB")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
