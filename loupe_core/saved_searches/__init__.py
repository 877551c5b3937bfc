"""Saved searches: a person's named query, filters and mode, run again later with a count of what is new."""
