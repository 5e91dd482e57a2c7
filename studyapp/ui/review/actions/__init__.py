"""Acting on the card on screen: bury, suspend, flag, delete, card info, set due date."""
