"""The reviewer: the card view, answer bar, counts, quiz-mode panels, session summary."""
