"""The text that stands for an asset's metadata in the text-embedding space.

Indexing and editing must embed the same text, or an edited asset would drift away from
the ones indexed with the original wording.
"""

from __future__ import annotations

from loupe_core.schema import Asset


def metadata_text(asset: Asset) -> str:
    return "\n".join(part for part in (asset.title, asset.description, ", ".join(asset.tags)) if part)
