"""Server-rendered HTML pages over the same search services as the JSON API (htmx-enhanced)."""
