"""The only package that speaks SQL: the collection file, its schema and its queries."""

from studyapp.storage.collection import Collection
from studyapp.storage.connection import CollectionError
from studyapp.storage.reviews_store import StaleCardError

__all__ = ["Collection", "CollectionError", "StaleCardError"]
