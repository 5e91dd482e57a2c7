"""Exporting decks and collections to files."""
