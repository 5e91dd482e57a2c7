"""Notes and note types: adding and updating notes, bulk changes, the note types and their manager's edits."""
