"""Note types: finding and making the collection's note types (stock and custom), for adding and importing."""
