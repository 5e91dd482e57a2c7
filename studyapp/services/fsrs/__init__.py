"""FSRS parameters: the optimizer and its data, retention figures, rescheduling cards on a preset change."""
