"""GUI latency and memory on a 100,000-card collection with 1,000,000 reviews, offscreen.

- Key press to the next card painted in the reviewer: a ``QElapsedTimer`` started when the answering key
  (3, Good) is delivered to the reviewer and stopped when the card view's next paint has completed
  (``studyapp.ui.app.latency_probe``); 500 answers, each after a reveal with Space. Target: p95 under 16 ms.
  The same on image occlusion cards (``--child keypress-occlusion``): a deck of 60 native image occlusion
  notes added to the copy, each its own 1200x800 picture with five masks (300 cards), so every card shown
  composes its picture afresh (decoded, scaled to the column at the screen's ratio, masks painted). And on
  plain image cards (``--child keypress-images``): 300 Basic notes, each with its own 1200x800 picture in its
  front (``<img src>``, JPEG and PNG in turn).
- Cold start: ``studyapp --collection COPY`` (the real entry point) in a child process with
  ``STUDYAPP_EXIT_AFTER_FIRST_PAINT=1``, which prints the time from the process's start to the deck list's
  first paint and quits. Target: median under 1.0 s. The page cache is warm (the file was just copied).
- Peak memory: the GUI process's peak resident size (VmHWM) with the deck list shown, then with the
  reviewer showing a card, then with the reviewer playing audio (a 3 s mp3, or WAV without soundfile, from the
  media folder through the app's own player; the sink is miniaudio's null device, which consumes the audio in real
  time as a sound card would, since benchmark machines have none), then with the card browser open. Target: under
  200 MB.

Each measurement runs in a fresh child process (this file with ``--child``), on a copy of the collection
whose bundled decks are already loaded (as after a first start).

    python benchmarks/gui_latency.py [--cards 100000] [--reviews 1000000] [--repeat 5] [--answers 500]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite_api import BenchData, Result, measurement  # noqa: E402

if TYPE_CHECKING:  # Qt is imported in the child processes only
    from PySide6.QtWidgets import QApplication

    from studyapp.services.app import App
    from studyapp.ui.app.main_window import MainWindow

KEYPRESS_TARGET_MS = 16.0
COLD_START_TARGET_S = 1.0
MEMORY_TARGET_MB = 200.0
ANSWERS = 500
STUDIED_DECK = "Medicine"  # a root deck of the generated collection: 10 decks, a fifth of the cards
KEYPRESS = "key press to next card painted, p95"
KEYPRESS_OCCLUSION = "key press to next card painted, p95, image occlusion cards"
OCCLUSION_DECK = "Occlusion bench"
KEYPRESS_IMAGES = "key press to next card painted, p95, image cards"
IMAGES_DECK = "Images bench"
COLD_START = "cold start to deck list painted"
MEMORY_DECKS = "GUI peak memory, deck list"
MEMORY_REVIEWER = "GUI peak memory, reviewer"
MEMORY_BROWSER = "GUI peak memory, reviewer + browser"
MEMORY_AUDIO = "GUI peak memory, reviewer playing audio"


def _generate(path: Path, cards: int, reviews: int, seed: int) -> None:
    try:
        from generate import generate  # type: ignore[import-not-found]
    except ImportError:
        from search_speed import generate
    generate(path, cards, reviews, seed)


def _copy(data: BenchData, name: str) -> Path:
    """A copy of the collection, its bundled decks loaded once (the first start's work is not measured)."""
    primed = data.workdir / "gui-primed" / "collection.db"
    if not primed.exists():
        primed.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data.studyapp_path, primed)
        _child("prime", primed)
    folder = data.workdir / f"gui-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(primed, folder / "collection.db")
    return folder / "collection.db"


def _child(mode: str, path: Path, *extra: str) -> dict:
    """Run this file as ``--child MODE`` on ``path``; its last line of output is JSON."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, __file__, "--child", mode, "--collection", str(path), *extra]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95: p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


@measurement(KEYPRESS)
def measure_keypress(data: BenchData, repeat: int, answers: int = ANSWERS) -> list[Result]:
    """``repeat`` sessions of ``answers`` answers, each in a fresh process: one p95 per session; the note gives
    p50, p95 and max over all answers."""
    samples: list[float] = []
    p95s = []
    forced = 0
    for run in range(max(1, min(repeat, 3))):
        child = _child("keypress", _copy(data, f"keypress-{run}"), "--answers", str(answers))
        got = child["samples"]
        forced += child["forced"]
        samples += got
        p95s.append(percentile(got, 0.95))
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    note = f"{len(samples)} answers: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(samples):.1f} ms"
    if forced:
        note += f" ({forced} painted by a forced repaint)"
    return [Result(KEYPRESS, p95s, None, "ms", f"< {KEYPRESS_TARGET_MS:g} ms", p95 < KEYPRESS_TARGET_MS, note)]


@measurement(KEYPRESS_OCCLUSION)
def measure_keypress_occlusion(data: BenchData, repeat: int, answers: int = ANSWERS) -> list[Result]:
    """As ``measure_keypress``, on image occlusion cards: each card a picture composed with its masks."""
    samples: list[float] = []
    p95s = []
    for run in range(max(1, min(repeat, 3))):
        child = _child("keypress-occlusion", _copy(data, f"keypress-occlusion-{run}"), "--answers", str(answers))
        samples += child["samples"]
        p95s.append(percentile(child["samples"], 0.95))
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    note = f"{len(samples)} answers: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(samples):.1f} ms"
    return [
        Result(KEYPRESS_OCCLUSION, p95s, None, "ms", f"< {KEYPRESS_TARGET_MS:g} ms", p95 < KEYPRESS_TARGET_MS, note)
    ]


@measurement(KEYPRESS_IMAGES)
def measure_keypress_images(data: BenchData, repeat: int, answers: int = ANSWERS) -> list[Result]:
    """As ``measure_keypress``, on cards with a picture (``<img src>``) each of its own."""
    samples: list[float] = []
    p95s = []
    for run in range(max(1, min(repeat, 3))):
        child = _child("keypress-images", _copy(data, f"keypress-images-{run}"), "--answers", str(answers))
        samples += child["samples"]
        p95s.append(percentile(child["samples"], 0.95))
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    note = f"{len(samples)} answers: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(samples):.1f} ms"
    return [Result(KEYPRESS_IMAGES, p95s, None, "ms", f"< {KEYPRESS_TARGET_MS:g} ms", p95 < KEYPRESS_TARGET_MS, note)]


def _bench_picture(number: int, rng: object, kind: str = "PNG") -> bytes:
    """A 1200x800 picture with some detail (so that it is not trivially small), encoded as ``kind``."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect
    from PySide6.QtGui import QColor, QImage, QPainter

    picture = QImage(1200, 800, QImage.Format.Format_RGB32)
    picture.fill(QColor.fromHsv(number * 37 % 360, 60, 240))
    painter = QPainter(picture)
    for _ in range(40):
        painter.fillRect(
            QRect(rng.randrange(1100), rng.randrange(700), 100, 100),  # type: ignore[attr-defined]
            QColor.fromHsv(rng.randrange(360), 120, 200),  # type: ignore[attr-defined]
        )
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, kind)
    return bytes(data.data())


def _add_images_deck(path: Path, notes: int = 300) -> None:
    """In the copy only: a deck of Basic notes, each with its own 1200x800 picture (JPEG and PNG in turn) in
    its front, the file in the media folder."""
    import random

    from studyapp.services.app import App
    from studyapp.services.decks.deck_ops import create_deck
    from studyapp.services.notes.notes import NoteText, add_note

    rng = random.Random(20260302)
    app = App.open(path)
    try:
        deck_id = create_deck(app.collection, rng, app.clock, IMAGES_DECK).id
        app.media_dir.mkdir(parents=True, exist_ok=True)
        for number in range(notes):
            kind = "JPEG" if number % 2 == 0 else "PNG"
            name = f"bench-picture-{number}.{kind.lower()}"
            (app.media_dir / name).write_bytes(_bench_picture(number, rng, kind))
            front = f'What is in picture {number}?<br><img src="{name}">'
            add_note(app.collection, rng, app.clock, deck_id, NoteText(front, f"Answer {number}", html=True))
    finally:
        app.close()


def _add_occlusion_deck(path: Path, notes: int = 60, masks: int = 5) -> None:
    """In the copy only: a deck of image occlusion notes, each with its own 1200x800 picture and ``masks`` masks
    (one of them a group of two shapes), in "hide all, guess one", through the app's own occlusion service."""
    import random

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect
    from PySide6.QtGui import QColor, QImage, QPainter

    from studyapp.core.occlusion import ellipse, rect
    from studyapp.services.app import App
    from studyapp.services.decks.deck_ops import create_deck
    from studyapp.services.occlusion.editing import OcclusionDraft, add_occlusion_note

    rng = random.Random(20260301)
    app = App.open(path)
    try:
        deck_id = create_deck(app.collection, rng, app.clock, OCCLUSION_DECK).id
        for number in range(notes):
            picture = QImage(1200, 800, QImage.Format.Format_RGB32)
            picture.fill(QColor.fromHsv(number * 37 % 360, 60, 240))
            painter = QPainter(picture)
            for _ in range(40):  # some detail, so the PNG is not trivially small
                painter.fillRect(
                    QRect(rng.randrange(1100), rng.randrange(700), 100, 100),
                    QColor.fromHsv(rng.randrange(360), 120, 200),
                )
            painter.end()
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            picture.save(buffer, "PNG")
            shapes = [rect(card, 0.05 + 0.18 * (card - 1), 0.1, 0.12, 0.08) for card in range(1, masks + 1)]
            shapes.append(ellipse(masks, 0.4, 0.6, 0.2, 0.15))
            add_occlusion_note(app.collection, rng, app.clock, app.media_dir, deck_id, bytes(data.data()),
                               OcclusionDraft(tuple(shapes), hide_all=True, header=f"Picture {number}"))  # fmt: skip
    finally:
        app.close()


def studyapp_command() -> list[str]:
    """The installed ``studyapp`` command next to this interpreter, else ``python -m studyapp.main``."""
    script = Path(sys.executable).parent / "studyapp"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "studyapp.main"]


def cold_start(path: Path) -> tuple[float, float]:
    """(time from the process's start to the deck list's first paint, wall time of the whole run), seconds."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYAPP_EXIT_AFTER_FIRST_PAINT": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        [*studyapp_command(), "--collection", str(path)], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"studyapp exited with {done.returncode}: {done.stderr.strip()[-2000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("studyapp: deck list painted"))
    return float(line.split()[4]), wall


@measurement(COLD_START)
def measure_cold_start(data: BenchData, repeat: int) -> list[Result]:
    path = _copy(data, "cold-start")
    cold_start(path)  # the first run reads the file into the page cache; not counted
    firsts, walls = zip(*(cold_start(path) for _ in range(max(3, repeat))), strict=True)
    median = statistics.median(firsts)
    note = f"warm page cache; whole run (to exit) {statistics.median(walls):.2f} s"
    return [
        Result(COLD_START, list(firsts), None, "s", f"< {COLD_START_TARGET_S:g} s", median < COLD_START_TARGET_S, note)
    ]


@measurement(MEMORY_DECKS, MEMORY_REVIEWER, MEMORY_AUDIO, MEMORY_BROWSER)
def measure_gui_memory(data: BenchData, repeat: int) -> list[Result]:
    runs = [_child("memory", _copy(data, "memory")) for _ in range(max(1, min(repeat, 3)))]
    target = f"< {MEMORY_TARGET_MB:g} MB"
    results = []
    keys = (
        (MEMORY_DECKS, "decks"),
        (MEMORY_REVIEWER, "reviewer"),
        (MEMORY_AUDIO, "audio"),
        (MEMORY_BROWSER, "browser"),
    )
    for operation, key in keys:
        values = [run[key] for run in runs if key in run]
        if not values:
            continue
        results.append(Result(operation, values, None, "MB", target, statistics.median(values) < MEMORY_TARGET_MB))
    return results


# -- the child processes -----------------------------------------------------------------------------------


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _open_window(path: Path) -> tuple[QApplication, App, MainWindow]:
    from PySide6.QtWidgets import QApplication

    from studyapp.services.app import App
    from studyapp.ui.app.launch import _qt_application
    from studyapp.ui.app.main_window import MainWindow

    qt = _qt_application()
    app = App.open(path)
    window = MainWindow(app)
    window.show()
    window.activateWindow()
    QApplication.processEvents()
    window.repaint()
    return qt, app, window


def _prepare_for_study(path: Path) -> None:
    """In the copy only: daily limits high enough for a session of hundreds of answers, and a learning step
    for the generated learning cards (the generator leaves it empty, which the scheduler cannot answer)."""
    from dataclasses import replace

    from studyapp.core.model import CardState
    from studyapp.storage import Collection

    with Collection.open(path) as collection, collection.transaction():
        for preset in collection.presets.all():
            options = replace(preset.options, new_per_day=9999, reviews_per_day=99999)
            collection.presets.update(preset.id, preset.name, options)
        learning = (int(CardState.LEARNING), int(CardState.RELEARNING))
        collection.db.conn.execute("UPDATE cards SET step = 0 WHERE step IS NULL AND state IN (?, ?)", learning)


def _child_keypress(path: Path, answers: int, deck_name: str = STUDIED_DECK) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from studyapp.ui.app.latency_probe import KeyToPaintProbe

    _prepare_for_study(path)
    _qt, app, window = _open_window(path)
    deck = app.collection.decks.by_name(deck_name) or app.decks()[0]
    window.study(deck.id)
    QApplication.processEvents()
    reviewer = window.reviewer
    probe = KeyToPaintProbe(reviewer, reviewer.card_view)

    forced = 0

    def flush() -> None:
        nonlocal forced
        QApplication.processEvents()
        if probe.waiting:  # the update is still pending: paint it now (the wait counts)
            forced += 1
            reviewer.card_view.viewport().repaint()

    for _ in range(answers):
        if reviewer.session is None or reviewer.session.current is None:
            break
        QTest.keyClick(reviewer, Qt.Key.Key_Space)
        QApplication.processEvents()
        probe.arm()
        QTest.keyPress(reviewer, Qt.Key.Key_3)
        flush()
        QTest.keyRelease(reviewer, Qt.Key.Key_3)
    probe.remove()
    window.close()
    app.close()
    return {"samples": probe.samples, "forced": forced}


def _child_memory(path: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    _qt, app, window = _open_window(path)
    figures = {"decks": _peak_mb()}
    deck = app.collection.decks.by_name(STUDIED_DECK) or app.decks()[0]
    window.study(deck.id)
    QApplication.processEvents()
    window.repaint()
    figures["reviewer"] = _peak_mb()
    audio = _play_audio(window, app.media_dir)
    if audio is not None:
        figures["audio"] = audio
    browser = window.open_browser()
    QApplication.processEvents()
    browser.repaint()
    figures["browser"] = _peak_mb()
    browser.close()
    window.close()
    app.close()
    return figures


_WRITE_TONE = """
import math, struct, sys
from pathlib import Path
folder, seconds, rate = Path(sys.argv[1]), int(sys.argv[2]), 44_100
tone = [int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(rate * seconds)]
try:
    import numpy, soundfile
    soundfile.write(folder / "bench-tone.mp3", numpy.array(tone, dtype="int16"), rate, format="MP3")
    print("bench-tone.mp3")
except ImportError:
    data = struct.pack(f"<{len(tone)}h", *tone)
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16, 1, 1, rate,
                         rate * 2, 2, 16, b"data", len(data))
    (folder / "bench-tone.wav").write_bytes(header + data)
    print("bench-tone.wav")
"""


def _play_audio(window: MainWindow, media_dir: Path) -> float | None:
    """Peak memory while the reviewer plays 3 s of audio through the app's player (null device); ``None``
    where miniaudio is not installed."""
    from PySide6.QtWidgets import QApplication

    from studyapp.services.audio.player import DeviceSink, SoundPlayer

    try:
        import miniaudio
    except ImportError:
        return None
    media_dir.mkdir(parents=True, exist_ok=True)
    seconds = 3
    # Written by another process, so that numpy and soundfile do not count in this one's memory.
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_TONE, str(media_dir), str(seconds)], capture_output=True, text=True
    )
    name = done.stdout.strip().splitlines()[-1] if done.returncode == 0 else ""
    if not name:
        return None
    board = window.reviewer.sounds
    board.player.close()
    board.player = SoundPlayer(board._problem_from_thread.emit, lambda: DeviceSink([miniaudio.Backend.NULL]))
    board.play([name])
    end = time.monotonic() + seconds - 0.5
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
    playing = board.player.playing.is_set()
    peak = _peak_mb()
    board.player.close()
    return peak if playing else None


def _child_main(mode: str, path: Path, answers: int) -> int:
    if mode == "prime":
        from studyapp.services.app import App

        App.open(path).close()
        result: dict = {}
    elif mode == "keypress":
        result = _child_keypress(path, answers)
    elif mode == "keypress-occlusion":
        _add_occlusion_deck(path)
        result = _child_keypress(path, answers, OCCLUSION_DECK)
    elif mode == "keypress-images":
        _add_images_deck(path)
        result = _child_keypress(path, answers, IMAGES_DECK)
    else:
        result = _child_memory(path)
    print(json.dumps(result))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument("--cache", type=Path, help="keep the generated collection here and reuse it")
    parser.add_argument(
        "--child",
        choices=("prime", "keypress", "keypress-occlusion", "keypress-images", "memory"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--collection", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child_main(args.child, args.collection, args.answers)
    with tempfile.TemporaryDirectory(prefix="studyapp-gui-bench-") as scratch:
        source = (args.cache or Path(scratch)) / f"collection-{args.cards}-{args.reviews}.db"
        if not source.exists():
            source.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            _generate(source, args.cards, args.reviews, 20260301)
            print(
                f"generated {args.cards:,} cards and {args.reviews:,} reviews in {time.perf_counter() - started:.0f} s"
            )
        data = BenchData(source, source, source, args.cards, args.reviews, 20260301, Path(scratch))
        results = [
            *measure_keypress(data, args.repeat, args.answers),
            *measure_keypress_occlusion(data, args.repeat, args.answers),
            *measure_keypress_images(data, args.repeat, args.answers),
            *measure_cold_start(data, args.repeat),
            *measure_gui_memory(data, args.repeat),
        ]
    print(f"{'operation':38} {'median':>9} {'target':>9}  judged  note")
    for result in results:
        median = f"{result.studyapp_median:.3g} {result.unit}"
        verdict = "met" if result.met else "MISSED"
        print(f"{result.operation:38} {median:>9} {result.target:>9}  {verdict:6}  {result.note}")
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
