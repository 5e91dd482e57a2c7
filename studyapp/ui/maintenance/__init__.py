"""Check Collection and the backups dialog."""
