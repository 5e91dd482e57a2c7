"""The card browser: every card in one searchable, sortable table, with bulk actions and a note editor."""
