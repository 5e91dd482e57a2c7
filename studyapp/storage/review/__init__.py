"""The study loop's SQL: queues, answers and the review log, card rows, quiz reads, marks, schedule changes."""
