"""Loupe's shared core: settings, the asset schema, the query model, stores and encoders.

Nothing here imports from `indexer`, `search_api` or `web`; they import from here.
"""
