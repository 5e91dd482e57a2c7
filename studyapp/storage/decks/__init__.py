"""Decks: the deck list's figures, and changes that touch many rows (rename, delete, restore)."""
