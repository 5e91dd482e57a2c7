"""The import dialog: options, preview table, progress, summary, and its background worker."""
