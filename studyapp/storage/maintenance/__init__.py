"""Check Collection's reads and writes, backups of the collection file, what an export reads."""
