"""Statistics figures for the stats window and `studyapp stats`."""
