"""Embedding models: open_clip for images and image-text queries, sentence-transformers for metadata.

Models load lazily under a lock, once per (model spec, device), and run on a worker thread
when called from async code; nothing touches the disk or network at import time.
"""
