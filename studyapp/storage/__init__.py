"""The only package that speaks SQL: the collection file, its schema and its queries."""

from studyapp.storage.collection import Collection
from studyapp.storage.errors import CollectionError, StorageError, storage_faults
from studyapp.storage.lock import CollectionLock, CollectionLocked
from studyapp.storage.review.reviews_store import StaleCardError

__all__ = [
    "Collection",
    "CollectionError",
    "CollectionLock",
    "CollectionLocked",
    "StaleCardError",
    "StorageError",
    "storage_faults",
]
