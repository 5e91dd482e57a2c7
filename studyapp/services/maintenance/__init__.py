"""Keeping the collection healthy: Check Collection (and its report and schedule checks), backups."""
