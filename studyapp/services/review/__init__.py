"""Studying: the review session and its quiz modes."""
