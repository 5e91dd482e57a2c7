"""The reviews the coming days hold: spreading the cards a reschedule makes due at once."""
