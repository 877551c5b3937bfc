"""Search analytics: a non-blocking search/click log and the reports analysts read from it."""
