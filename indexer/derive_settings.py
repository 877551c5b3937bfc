"""The derive spec a library's settings ask for, stated once for `loupe index` and for uploads.

Both must produce the same facts, renditions and local features for the same file, so a setting
that changes derivation (a rendition size, the geometric duplicate check) reaches both at once.
"""

from __future__ import annotations

from indexer.derive import DeriveSpec
from indexer.text_in_image import ocr_spec
from loupe_core.settings import Settings


def derive_spec(settings: Settings, encoder_px: int | None = None) -> DeriveSpec:
    """`encoder_px`: the image encoder's input short side once it is loaded (None: no encoder input)."""
    return DeriveSpec(
        settings.max_image_pixels,
        settings.thumbnails_dir,
        settings.previews_dir,
        settings.thumbnail_px,
        settings.preview_px,
        encoder_px=encoder_px,
        features_dir=settings.features_dir if settings.duplicate_geometric else None,
        ocr=ocr_spec(settings),
    )
