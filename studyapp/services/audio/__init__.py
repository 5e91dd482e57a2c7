"""Playing the collection's audio files (``[sound:]``) one after another, off the caller's thread."""
