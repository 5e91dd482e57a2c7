"""One module per file format, each turning a file into core objects. No database access."""

from studyapp.importers.errors import ImportFailure

__all__ = ["ImportFailure"]
