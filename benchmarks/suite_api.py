"""The interface between the benchmark suite and its measurement modules.

A measurement module (``engine_speed``, ``gui_latency``, ``import_csv``, ...) defines functions

    def measure_xxx(data: BenchData, repeat: int) -> list[Result]: ...

and lists them in a module-level ``MEASUREMENTS: list[Measurement]`` (or decorates them with
``@measurement``). The suite (``suite.py``) imports each module by name, runs every measurement on the same
generated data, and prints one row per ``Result``. A module that is missing or raises becomes a row saying
so; the suite goes on.

Each ``Result`` holds the raw samples of each side (one per repetition, in ``unit``); the suite shows
their medians and the ratio studyapp / anki. ``met`` is True or False when the target was judged, None
when it does not apply (the suite then shows "—").
"""

from __future__ import annotations

import inspect
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Unit = Literal["ms", "s", "MB"]


@dataclass(frozen=True)
class BenchData:
    """One generated data set, shared by every measurement of a run. Never change these files in place:
    copy them (``fresh_copy``) when a measurement writes."""

    studyapp_path: Path  # a studyapp collection (SQLite)
    anki_path: Path  # an Anki collection (.anki2) with the same notes, cards' state and review history
    csv_path: Path  # a CSV of ``cards`` rows (front, back, tags) for import measurements
    cards: int
    reviews: int
    seed: int
    workdir: Path  # a scratch folder for this run (copies, child-process files)
    decks: int = 50


@dataclass
class Result:
    operation: str
    studyapp: list[float]
    anki: list[float] | None
    unit: Unit
    target: str
    met: bool | None
    note: str = ""

    @property
    def studyapp_median(self) -> float | None:
        return statistics.median(self.studyapp) if self.studyapp else None

    @property
    def anki_median(self) -> float | None:
        return statistics.median(self.anki) if self.anki else None

    @property
    def ratio(self) -> float | None:
        ours, theirs = self.studyapp_median, self.anki_median
        if ours is None or theirs is None or theirs <= 0:
            return None
        return ours / theirs


MeasureFn = Callable[[BenchData, int], list[Result]]


@dataclass(frozen=True)
class Measurement:
    """A registered measurement: ``operations`` are the row names it yields (so a failure still names them)."""

    name: str
    function: MeasureFn
    operations: tuple[str, ...] = field(default=())


def measurement(*operations: str) -> Callable[[MeasureFn], MeasureFn]:
    """Mark ``measure_xxx`` as a measurement of its module: ``MEASUREMENTS`` is built from the marks."""

    def mark(function: MeasureFn) -> MeasureFn:
        function.bench_operations = operations  # type: ignore[attr-defined]
        return function

    return mark


def module_measurements(module: object) -> list[Measurement]:
    """The measurements of a module: its ``MEASUREMENTS`` list, or else its ``@measurement`` functions, or else
    every ``measure_*(data, repeat)`` function (in definition order)."""
    listed = getattr(module, "MEASUREMENTS", None)
    if listed is not None:
        return [m if isinstance(m, Measurement) else Measurement(m.__name__, m) for m in listed]
    functions = [
        (name, value) for name, value in vars(module).items() if name.startswith("measure_") and callable(value)
    ]
    marked = [(name, value) for name, value in functions if hasattr(value, "bench_operations")]
    if not marked:  # unmarked: only those that take the data first (a module may have other measure_ helpers)
        marked = [(name, value) for name, value in functions if _first_parameter(value) == "data"]
    return [Measurement(name, value, tuple(getattr(value, "bench_operations", ()))) for name, value in marked]


def _first_parameter(function: Callable[..., object]) -> str | None:
    try:
        return next(iter(inspect.signature(function).parameters), None)
    except (TypeError, ValueError):
        return None


def ratio_target(ratio: float | None, limit: float = 1.0) -> bool | None:
    return None if ratio is None else ratio <= limit


def all_met(*checks: bool | None) -> bool | None:
    """True if every judged check holds, False if one fails, None if none was judged."""
    judged = [check for check in checks if check is not None]
    return None if not judged else all(judged)


def median(values: list[float]) -> float:
    return statistics.median(values)
