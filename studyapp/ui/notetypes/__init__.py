"""Tools → Note Types: the note type manager window, its fields page and its templates page with a live preview."""
