"""The fit is scored on answers it never saw (issue 17, point 4): the latest fifth of the items, cut at a study day.

Scored on the answers it learnt from, a fit nearly always "wins"; scored on the held-out part, it wins when the
learner's memory really differs from the old parameters, and loses when it only learnt the noise of a few answers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import fsrs_rs_python
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.services.app import App
from studyapp.services.fsrs import optimizer
from studyapp.services.fsrs.fit_data import MIN_HELD_OUT, build_items, held_out_cut, training_config
from studyapp.services.fsrs.optimizer import compute_fit, fit_parameters, prepare_fit, save_and_reschedule
from studyapp.services.fsrs.review_log_import import import_review_log

from .learner_log import FORGETFUL, learner_log


def _log_loss(parameters: tuple[float, ...] | list[float], items: list[fsrs_rs_python.FSRSItem]) -> float:
    return float(fsrs_rs_python.FSRS(list(parameters)).evaluate(items).log_loss)


def test_the_cut_is_the_day_that_leaves_a_fifth_after_it() -> None:
    assert held_out_cut([10, 20, 30, 20, 20]) == 4  # 20 of 100 after the start of the last day
    assert held_out_cut([40, 0, 0, 35, 25]) == 4  # 25 after day 4, closer to 20 than 60 after day 3
    assert MIN_HELD_OUT == 20 and held_out_cut([50, 30, 20]) == 2  # 20 held out is enough ...
    assert held_out_cut([50, 30, 19]) == 1  # ... 19 too few: the 49 after day 1's start
    assert held_out_cut([7, 100]) is None  # 7 before the only cut with enough after it: too few to learn from
    assert held_out_cut([9, 20]) is None  # a cut must leave as many before it as after it
    assert held_out_cut([500]) is None  # all on one day
    assert held_out_cut([]) is None


def test_the_items_before_the_cut_are_learnt_from_and_those_from_it_on_scored() -> None:
    good = 3
    day = 20_000
    # 30 cards answered on days 0, 1, 3 and 10: items end on days 1, 3 and 10 (30 each)
    histories = [" ".join(str(((day + d) << 3) | good) for d in (0, 1, 3, 10))] * 30
    answers = build_items(histories)
    assert len(answers.items) == 90
    assert (answers.held_out_from, answers.held_out_day) == (60, day + 10)
    assert answers.training == answers.items[:60] and answers.held_out == answers.items[60:]
    small = build_items(histories[:5])  # 15 items: none can be held out
    assert (small.held_out_from, small.held_out_day) == (15, None)
    assert small.training == small.items == small.held_out


def test_a_learner_who_forgets_faster_than_the_defaults_gets_the_fit_it_wins_on_the_held_out_part(
    app: App, tmp_path: Path
) -> None:
    import_review_log(app, learner_log(tmp_path / "log.csv", FORGETFUL, cards=300, days=120, seed=2), "Learner")
    result = fit_parameters(app, "Learner")
    assert result.held_out is not None
    assert result.held_out.since == date(2025, 3, 31) and result.held_out.items == 422
    assert result.held_out.training + result.held_out.items == result.items == 2098
    assert result.after.log_loss < result.before.log_loss - 0.01  # on the held-out answers
    assert result.better and result.chosen == result.parameters
    # It found what the learner is: first stabilities well below the defaults'.
    assert all(result.parameters[i] < DEFAULT_PARAMETERS[i] for i in range(4))
    assert result.verdict.startswith("Scored on answers the fit never saw: the 422 from 31 Mar 2025 on (the fit ")
    assert result.verdict.endswith("the fitted parameters predict them better (lower log loss).")
    saved = save_and_reschedule(app, result)
    deck = app.find_deck("Learner")
    assert saved.saved and deck is not None and deck.options.parameters == result.parameters


def test_a_fit_on_a_few_noisy_answers_wins_on_what_it_saw_but_not_on_the_held_out_part_so_the_old_stay(
    app: App, tmp_path: Path
) -> None:
    # A learner whose memory is the defaults': nothing can predict better; 30 cards and 268 answers are few.
    log = learner_log(tmp_path / "log.csv", DEFAULT_PARAMETERS, cards=30, days=90, seed=7)
    import_review_log(app, log, "Few")
    result = fit_parameters(app, "Few")
    answers = build_items(prepare_fit(app, "Few").histories)
    # Fitted on all the answers and scored on them (as before issue 17), the fit "wins" by 0.02 and was saved ...
    everything = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        answers.items, training_config=training_config(len(answers.items))
    )
    assert _log_loss(everything, answers.items) < _log_loss(DEFAULT_PARAMETERS, answers.items) - 0.01
    # ... but on the 33 answers from 5 March 2025 on, which it never saw, the defaults predict better.
    assert result.held_out is not None and (result.held_out.items, result.held_out.since) == (33, date(2025, 3, 5))
    assert result.before.log_loss == pytest.approx(_log_loss(DEFAULT_PARAMETERS, answers.held_out))
    assert result.after.log_loss > result.before.log_loss + 0.01
    assert not result.better and result.chosen == tuple(DEFAULT_PARAMETERS)
    assert "predict them no better (log loss " in result.verdict
    assert result.verdict.endswith("so the old ones are kept (a fit on few or noisy answers learns their noise).")
    saved = save_and_reschedule(app, result)
    deck = app.find_deck("Few")
    assert not saved.saved and saved.rescheduled is None and deck is not None and deck.options.parameters is None


def test_a_log_too_small_to_hold_answers_back_is_scored_on_all_and_the_old_parameters_kept(
    app: App, tmp_path: Path
) -> None:
    log = learner_log(tmp_path / "log.csv", FORGETFUL, cards=6, days=60, seed=1)
    import_review_log(app, log, "Tiny")
    result = fit_parameters(app, "Tiny")
    assert result.held_out is None and result.items >= 8
    assert not result.better  # even if the fit scores better on the answers it learnt from
    assert result.verdict.startswith("No held-out part: too few answers to hold some back and test the fit on them")
    assert result.verdict.endswith("so the old parameters are kept.")
    assert not save_and_reschedule(app, result).saved


def test_the_child_processes_fit_and_score_on_the_same_parts(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_review_log(app, learner_log(tmp_path / "log.csv", FORGETFUL, cards=120, days=90, seed=3), "Learner")
    data = prepare_fit(app, "Learner")
    alone = compute_fit(data)
    monkeypatch.setattr(optimizer, "PARALLEL_FROM", 1)
    away = compute_fit(data, responsive=True)  # fitted in one child, scored in the other
    beside = compute_fit(data)  # fitted here, the old parameters scored in a child
    assert alone.held_out is not None
    for result in (away, beside):
        assert (result.parameters, result.items, result.held_out) == (alone.parameters, alone.items, alone.held_out)
        assert result.before.log_loss == pytest.approx(alone.before.log_loss, rel=1e-6)
        assert result.after.log_loss == pytest.approx(alone.after.log_loss, rel=1e-6)
