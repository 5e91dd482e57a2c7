"""Fitting FSRS parameters and scoring them in child processes, so the fit neither blocks the window nor
waits for the scoring.

``fsrs-rs-python`` holds the GIL while it works: a fit on a thread stops every other thread of the process for
seconds (the window's too), and a second thread cannot score beside it. On a big log (``PARALLEL_FROM``
answers and more) two children do the work instead, on two cores: one fits (on the items before the held-out
part, ``fit_data``); the other scores the current parameters on the held-out part meanwhile, then the fitted ones,
which the parent hands it (the better of the two there is kept). Each
gets the cards' histories (:mod:`studyapp.services.fsrs.fit_data`) through a temporary file, builds the very same
items with the same function, and prints its figures as JSON lines. The parent only waits, and can stop them
at once (``check``).

If anything goes wrong with a child, the caller does the work in its own process: a child is only ever a way
to be faster. Run as ``python -m studyapp.services.fsrs.fit_scoring score|fit HISTORIES_FILE [PARAMETERS_JSON]``;
a ``score`` child then reads one more line from its input: the fitted parameters, or nothing.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Below this many answers a child (a Python start, about 0.3 s) costs more than it saves.
PARALLEL_FROM = 100_000
# A million answers take a child 4 s; far past that, it is stuck.
CHILD_TIMEOUT_S = 300
_POLL_S = 0.1  # how often a waiting parent asks ``check`` whether to stop


class _Child:
    """A child process working on the histories. Use as a context manager: leaving it stops the child if it
    still runs and removes its file."""

    def __init__(self, histories: Sequence[str], *arguments: str, talks: bool = False) -> None:
        handle, name = tempfile.mkstemp(prefix="studyapp-fit-", suffix=".txt")
        self._path = Path(name)
        self._process: subprocess.Popen[str] | None = None
        self._done = False
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write("\n".join(histories))
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, arguments[0], str(self._path), *arguments[1:]],
                stdin=subprocess.PIPE if talks else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError:
            self.close()

    def output(self, check: Callable[[], None] | None = None, say: str | None = None) -> list[dict[str, Any]] | None:
        """The child's JSON lines once it is done (after it was told ``say``, if it listens); None if it failed
        or took too long. ``check`` is called while waiting: an exception from it stops the child (when the
        context is left) and goes up."""
        if self._process is None:
            return None
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        while True:
            try:
                timeout = min(_POLL_S, max(0.0, deadline - time.monotonic()))
                out, _ = self._process.communicate(input=say, timeout=timeout)
                self._done = True
                break
            except subprocess.TimeoutExpired:
                say = None  # sent with the first try
                if time.monotonic() >= deadline:
                    return None  # stuck: ``close`` ends it, and the caller works in its own process
                if check is not None:
                    check()
        if self._process.returncode != 0:
            return None
        try:
            lines = [json.loads(line) for line in out.splitlines() if line.strip()]
        except ValueError:
            return None
        return lines if lines and all(isinstance(line, dict) for line in lines) else None

    def close(self) -> None:
        if self._process is not None and not self._done:
            if self._process.poll() is None:
                self._process.kill()
            self._process.communicate()  # what is left, and the pipes closed
            self._done = True
        self._path.unlink(missing_ok=True)

    def __enter__(self) -> _Child:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Scoring(_Child):
    """Parameters being scored on the histories' held-out items (``fit_data``; all of them if there is no held-out
    part) in a child process: the current ones at once, and the fitted ones when the fit is done (the child has its
    items built by then, and nothing else to do)."""

    def __init__(self, histories: Sequence[str], parameters: Sequence[float]) -> None:
        super().__init__(histories, "score", json.dumps([float(p) for p in parameters]), talks=True)

    def result(
        self, fitted: Sequence[float] | None, check: Callable[[], None] | None = None
    ) -> tuple[tuple[float, float], tuple[float, float] | None] | None:
        """(log loss, RMSE(bins)) of the current parameters, and of ``fitted`` if given; None if the child
        failed."""
        say = (json.dumps([float(p) for p in fitted]) if fitted is not None else "") + "\n"
        lines = self.output(check, say)
        try:
            if not lines:
                return None
            before = (float(lines[0]["log_loss"]), float(lines[0]["rmse_bins"]))
            after = (float(lines[1]["log_loss"]), float(lines[1]["rmse_bins"])) if len(lines) > 1 else None
        except (KeyError, TypeError, ValueError):
            return None
        return before, after


class Fitting(_Child):
    """FSRS-6 being fitted to the histories' items before the held-out part in a child process."""

    def __init__(self, histories: Sequence[str]) -> None:
        super().__init__(histories, "fit")

    def result(self, check: Callable[[], None] | None = None) -> FitFigures | None:
        """What the child found; None if it failed (the fit itself may have: the caller's own try says why)."""
        lines = self.output(check)
        try:
            if not lines:
                return None
            line, day = lines[0], lines[0]["held_out_day"]
            return FitFigures(tuple(float(p) for p in line["parameters"]), float(line["seconds"]), int(line["items"]),
                              int(line["training"]), None if day is None else int(day))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class FitFigures:
    """A child's fit: the parameters as fsrs-rs gave them, the fit's seconds and the number of items it learnt
    from."""

    parameters: tuple[float, ...]
    seconds: float
    items: int  # all of them
    training: int = 0  # those the fit learnt from (before the held-out part)
    held_out_day: int | None = None  # the study day the held-out part starts on (``fit_data.Answers``)


def score(histories: Sequence[str], parameters: Sequence[float]) -> tuple[float, float]:
    """Log loss and RMSE(bins) of the parameters on the held-out items of these histories (``fit_data``)."""
    return _score(_answers(histories).held_out, parameters)


def _answers(histories: Sequence[str]) -> Any:
    from studyapp.services.fsrs.fit_data import build_items

    return build_items(histories)


def _score(items: list[Any], parameters: Sequence[float]) -> tuple[float, float]:
    import fsrs_rs_python

    result = fsrs_rs_python.FSRS(list(parameters)).evaluate(items)
    return float(result.log_loss), float(result.rmse_bins)


def fit(histories: Sequence[str]) -> dict[str, Any]:
    """Fit FSRS-6 from the defaults (``fit_data.training_config``) on the items before the held-out part, as
    JSON figures."""
    import fsrs_rs_python
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from studyapp.services.fsrs.fit_data import training_config

    answers = _answers(histories)
    items = answers.training
    started = time.perf_counter()
    fitted = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        items, training_config=training_config(len(items))
    )
    return {"parameters": [float(p) for p in fitted], "seconds": time.perf_counter() - started,
            "items": len(answers.items), "training": len(items), "held_out_day": answers.held_out_day}  # fmt: skip


def _figures(scored: tuple[float, float]) -> str:
    return json.dumps({"log_loss": scored[0], "rmse_bins": scored[1]})


def main(argv: list[str]) -> int:
    gc.disable()  # a short life making a million acyclic objects: the cycle collector would only walk them
    mode, path, *rest = argv
    histories = Path(path).read_text(encoding="ascii").split("\n")
    if mode == "fit":
        print(json.dumps(fit(histories)))
        return 0
    items = _answers(histories).held_out
    print(_figures(_score(items, json.loads(rest[0]))), flush=True)
    fitted = sys.stdin.readline().strip()  # the fitted parameters, once the parent has them; empty: none
    if fitted:
        print(_figures(_score(items, json.loads(fitted))), flush=True)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # Done: skip the interpreter's teardown, which would free a million objects one by one (a quarter of a
    # second the parent waits for); the OS takes the memory back at once.
    os._exit(code)
