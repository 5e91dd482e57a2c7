"""Importing files: the import use case, the background import job, preview, imported review history."""
