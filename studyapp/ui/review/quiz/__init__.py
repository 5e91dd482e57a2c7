"""The quiz modes in the reviewer: Flip | Type | Choice, the typed answer and its diff, the four choices."""
