"""Turns a folder of images (plus sidecars and a DAM manifest) into assets in the store.

Main process: `sources` (walk, `path_filter`, sidecars, `manifest`) -> `pipeline` -> `commit`
(`encode` in batches, `journal`, `write`), with `changes` deciding per file and `prune` after.
Worker processes (`scheduler`, `worker`): read and hash, `embedded` metadata (`exif`, `iptc`,
`xmp`), `derive` (`renditions`, `colors`, encoder input). `precedence` merges manifest,
sidecar and embedded metadata with provenance; `cli` only parses flags.
"""
