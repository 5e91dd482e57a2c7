"""Scheduling: FSRS-6 rules and their fast replay, the study day, daily limits, deck options, due dates."""
