"""Plain data and scheduling rules. No Qt, no SQL, no wall clock."""
