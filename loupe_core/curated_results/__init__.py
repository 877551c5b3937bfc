"""Librarian-curated results: rules that pin, hide and add synonyms for chosen queries."""
