"""Searching cards in SQL: the parsed query as one SELECT, field searches, the tags in use."""
