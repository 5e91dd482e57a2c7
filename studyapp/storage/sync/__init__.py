"""Sync state: the mirror of what the sync server holds, and the media sync state."""
