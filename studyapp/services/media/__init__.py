"""The collection's media folder: images and sounds that cards refer to."""
