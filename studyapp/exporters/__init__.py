"""One module per export format, each turning core objects into a file. No access to the collection."""
