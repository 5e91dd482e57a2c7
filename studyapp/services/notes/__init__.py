"""Notes: adding, editing, searching, and the browser's actions on selected cards."""
