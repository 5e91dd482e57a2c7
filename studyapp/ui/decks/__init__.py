"""The deck list and tree, deck options (with the FSRS panel) and deck export."""
