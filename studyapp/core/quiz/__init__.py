"""Quiz modes: typed answers and their word diff, filler words, multiple-choice distractors."""
