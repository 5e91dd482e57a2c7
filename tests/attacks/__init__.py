"""Attacks and accidents: one test module per way a collection could be lost or the window frozen.

Each test reproduces the attack (a power cut, a symlinked lock, hostile HTML, a deck nested a thousand
levels deep...) and asserts the outcome: refused with one line naming the file and place, or done in bounded
time and memory, with the collection unchanged or exactly right. The README's reliability section lists them.
"""
