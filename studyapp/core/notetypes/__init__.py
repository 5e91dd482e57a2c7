"""Note types: the fields a note holds and the card templates that decide what each card shows.

``model``: the dataclasses and the stock types every student knows (Basic, Basic (and reversed card), ...).
``template``: Anki's template language rendered to HTML (pure functions).
``cardgen``: which cards a note makes (a card per template whose question shows a field; a cloze card per number).
"""
