"""Scoring FSRS parameters on a review log in a child process, while this one fits new parameters.

``fsrs-rs-python`` holds the GIL while it works, so a thread would not run beside the fit. The fit needs the
current parameters scored on the same items as the fitted ones (the better of the two is kept); on a big log
that scoring takes about a second, which a second core does beside the fit for free. The child gets the
answers as the cards' histories (:mod:`studyapp.services.fit_data`, through a temporary file), builds the
very same items and prints their log loss and RMSE(bins) as JSON. If anything goes wrong with the child the
caller scores in its own process: the child is only ever a way to be faster.

Run as ``python -m studyapp.services.fit_scoring CODES_FILE PARAMETERS_JSON``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

# Below this many answers the child (a Python start, about 0.2 s) costs more than the scoring it saves.
PARALLEL_FROM = 100_000
# The child does less than the fit beside it (a million answers: 2 s against 3 s); far past that, it is stuck.
CHILD_TIMEOUT_S = 300


class Scoring:
    """Parameters being scored on the answers in a child process. Use as a context manager: leaving it stops
    the child if it still runs and removes its file."""

    def __init__(self, histories: Sequence[str], parameters: Sequence[float]) -> None:
        handle, name = tempfile.mkstemp(prefix="studyapp-fit-", suffix=".txt")
        self._path = Path(name)
        self._process: subprocess.Popen[str] | None = None
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write("\n".join(histories))
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(self._path), json.dumps([float(p) for p in parameters])],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError:
            self.close()

    def result(self) -> tuple[float, float] | None:
        """(log loss, RMSE(bins)) once the child is done; None if it failed (score in this process instead)."""
        if self._process is None:
            return None
        try:
            out, _ = self._process.communicate(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # stuck: give up on it (``close`` ends it) and score here
            return None
        if self._process.returncode != 0:
            return None
        try:
            figures = json.loads(out)
            return float(figures["log_loss"]), float(figures["rmse_bins"])
        except (ValueError, KeyError, TypeError):
            return None

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._path.unlink(missing_ok=True)

    def __enter__(self) -> Scoring:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def score(histories: Sequence[str], parameters: Sequence[float]) -> tuple[float, float]:
    """Log loss and RMSE(bins) of the parameters on the items of these histories (``fit_data``)."""
    import fsrs_rs_python

    from studyapp.services.fit_data import build_items

    result = fsrs_rs_python.FSRS(list(parameters)).evaluate(build_items(histories).items)
    return float(result.log_loss), float(result.rmse_bins)


def main(argv: list[str]) -> int:
    path, parameters = argv
    histories = Path(path).read_text(encoding="ascii").split("\n")
    log_loss, rmse_bins = score(histories, json.loads(parameters))
    print(json.dumps({"log_loss": log_loss, "rmse_bins": rmse_bins}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
