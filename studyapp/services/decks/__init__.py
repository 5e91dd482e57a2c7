"""Decks: the deck tree and its counts, deck operations (create, rename, move, delete, options), bundled decks."""
