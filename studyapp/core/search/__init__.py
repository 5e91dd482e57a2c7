"""The card search language: query text -> tokens -> a tree of search terms."""
