"""Hostile card HTML: sanitized on import, refused on display."""
