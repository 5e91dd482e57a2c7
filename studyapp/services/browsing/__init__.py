"""What the browser's sidebar lists and the searches its items make; saved searches."""
