"""Two-way sync with an Anki sync server (protocol version 11): the HTTP client, media and collection sync."""
