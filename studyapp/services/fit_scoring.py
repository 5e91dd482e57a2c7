"""Fitting FSRS parameters and scoring them in child processes, so the fit neither blocks the window nor
waits for the scoring.

``fsrs-rs-python`` holds the GIL while it works: a fit on a thread stops every other thread of the process for
seconds (the window's too), and a second thread cannot score beside it. On a big log (``PARALLEL_FROM``
answers and more) two children do the work instead, on two cores: one fits and scores the fitted parameters,
the other scores the current ones (the better of the two is kept). Each gets the cards' histories
(:mod:`studyapp.services.fit_data`) through a temporary file, builds the very same items with the same
function, and prints its figures as JSON. The parent only waits, and can stop them at once (``check``).

If anything goes wrong with a child, the caller does the work in its own process: a child is only ever a way
to be faster. Run as ``python -m studyapp.services.fit_scoring score|fit HISTORIES_FILE [PARAMETERS_JSON]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
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

    def __init__(self, histories: Sequence[str], *arguments: str) -> None:
        handle, name = tempfile.mkstemp(prefix="studyapp-fit-", suffix=".txt")
        self._path = Path(name)
        self._process: subprocess.Popen[str] | None = None
        self._done = False
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write("\n".join(histories))
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, arguments[0], str(self._path), *arguments[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError:
            self.close()

    def output(self, check: Callable[[], None] | None = None) -> dict[str, Any] | None:
        """The child's JSON once it is done; None if it failed or took too long. ``check`` is called while
        waiting: an exception from it stops the child (when the context is left) and goes up."""
        if self._process is None:
            return None
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        while True:
            try:
                out, _ = self._process.communicate(timeout=min(_POLL_S, max(0.0, deadline - time.monotonic())))
                self._done = True
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() >= deadline:
                    return None  # stuck: ``close`` ends it, and the caller works in its own process
                if check is not None:
                    check()
        if self._process.returncode != 0:
            return None
        try:
            figures = json.loads(out)
        except ValueError:
            return None
        return figures if isinstance(figures, dict) else None

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
    """Parameters being scored on the histories' items in a child process."""

    def __init__(self, histories: Sequence[str], parameters: Sequence[float]) -> None:
        super().__init__(histories, "score", json.dumps([float(p) for p in parameters]))

    def result(self, check: Callable[[], None] | None = None) -> tuple[float, float] | None:
        """(log loss, RMSE(bins)); None if the child failed."""
        figures = self.output(check)
        try:
            return (float(figures["log_loss"]), float(figures["rmse_bins"])) if figures else None
        except (KeyError, TypeError, ValueError):
            return None


class Fitting(_Child):
    """FSRS-6 being fitted to the histories' items in a child process, and the fitted parameters scored."""

    def __init__(self, histories: Sequence[str]) -> None:
        super().__init__(histories, "fit")

    def result(self, check: Callable[[], None] | None = None) -> FitFigures | None:
        """What the child found; None if it failed (the fit itself may have: the caller's own try says why)."""
        figures = self.output(check)
        try:
            return FitFigures(
                tuple(float(p) for p in figures["parameters"]),
                float(figures["log_loss"]),
                float(figures["rmse_bins"]),
                float(figures["seconds"]),
                int(figures["items"]),
            ) if figures else None  # fmt: skip
        except (KeyError, TypeError, ValueError):
            return None


class FitFigures:
    """A child's fit: the parameters as fsrs-rs gave them, their log loss and RMSE(bins), the fit's seconds and
    the number of items."""

    def __init__(self, parameters: tuple[float, ...], log_loss: float, rmse_bins: float, seconds: float,
                 items: int) -> None:  # fmt: skip
        self.parameters, self.log_loss, self.rmse_bins, self.seconds, self.items = (
            parameters, log_loss, rmse_bins, seconds, items,
        )  # fmt: skip


def score(histories: Sequence[str], parameters: Sequence[float]) -> tuple[float, float]:
    """Log loss and RMSE(bins) of the parameters on the items of these histories (``fit_data``)."""
    import fsrs_rs_python

    from studyapp.services.fit_data import build_items

    result = fsrs_rs_python.FSRS(list(parameters)).evaluate(build_items(histories).items)
    return float(result.log_loss), float(result.rmse_bins)


def fit(histories: Sequence[str]) -> dict[str, Any]:
    """Fit FSRS-6 from the defaults (``fit_data.training_config``) and score the result, as JSON figures."""
    import fsrs_rs_python
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from studyapp.services.fit_data import build_items, training_config

    items = build_items(histories).items
    started = time.perf_counter()
    fitted = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        items, training_config=training_config(len(items))
    )
    seconds = time.perf_counter() - started
    result = fsrs_rs_python.FSRS(list(fitted)).evaluate(items)
    return {"parameters": [float(p) for p in fitted], "log_loss": float(result.log_loss),
            "rmse_bins": float(result.rmse_bins), "seconds": seconds, "items": len(items)}  # fmt: skip


def main(argv: list[str]) -> int:
    mode, path, *rest = argv
    histories = Path(path).read_text(encoding="ascii").split("\n")
    if mode == "score":
        log_loss, rmse_bins = score(histories, json.loads(rest[0]))
        print(json.dumps({"log_loss": log_loss, "rmse_bins": rmse_bins}))
    else:
        print(json.dumps(fit(histories)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
