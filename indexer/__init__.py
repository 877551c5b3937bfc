"""Turns a folder of images (plus sidecars or a CSV manifest) into assets in the store.

Stages, one module each: `sources` → `derive` → `encode` → `write`, decided per file by
`changes` and wired by `pipeline.run_index`; `cli` only parses flags.
"""
