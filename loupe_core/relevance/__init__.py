"""Relevance floors: how similar a hit found only by meaning must be to enter a result set."""
