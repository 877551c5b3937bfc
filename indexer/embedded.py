"""The metadata inside an image file, from its three families, reconciled field by field.

For descriptive fields XMP wins over IPTC over EXIF: XMP is what current tools edit, IPTC
IIM is its legacy twin (often left stale by those tools), EXIF carries only a camera's idea of
a caption. For the capture time the camera's clock (EXIF) comes first. Each value remembers
its family, which becomes the asset's provenance. A family that cannot be read contributes
nothing; it never fails the file.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from indexer.exif import read_exif
from indexer.iptc import read_iptc
from indexer.xmp import read_xmp

READERS: dict[str, Callable[[Image.Image], dict[str, Any]]] = {"xmp": read_xmp, "iptc": read_iptc, "exif": read_exif}
DESCRIPTIVE_ORDER = ("xmp", "iptc", "exif")
FIELD_ORDER = {"created_at": ("exif", "xmp", "iptc")}
"""Fields whose families rank differently from `DESCRIPTIVE_ORDER`."""


@dataclass(frozen=True)
class EmbeddedMetadata:
    """Field values found inside the file and the family each came from (picklable: it crosses processes)."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def _read_family(reader: Callable[[Image.Image], dict[str, Any]], image: Image.Image) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data": the values are dropped, not worth a console line
            return reader(image)
    except Exception:  # Pillow's metadata parsers raise a wide, undocumented range of types on junk
        return {}


def read_embedded(image: Image.Image) -> EmbeddedMetadata:
    """Every family read from an opened (not necessarily loaded) image, merged by precedence."""
    families = {name: _read_family(reader, image) for name, reader in READERS.items()}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in dict.fromkeys(key for found in families.values() for key in found):
        for family in FIELD_ORDER.get(name, DESCRIPTIVE_ORDER):
            if name in families[family]:
                values[name], sources[name] = families[family][name], family
                break
    return EmbeddedMetadata(values=values, sources=sources)
