"""Adding and editing notes: the Add and Edit dialogs and the note editor."""
