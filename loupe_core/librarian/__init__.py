"""Librarian workflows: metadata completeness, duplicate queues, vocabulary and tag suggestions, edits."""
