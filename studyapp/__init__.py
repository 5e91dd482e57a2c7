"""studyapp: a spaced-repetition study app scheduled with FSRS-6."""

__version__ = "0.1.0"
