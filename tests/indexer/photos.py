"""Real image files for the indexer tests, written with Pillow (and one PNG written by hand)."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image


def photo(size: tuple[int, int] = (64, 48), seed: int = 0, mode: str = "RGB") -> Image.Image:
    """Coloured blocks chosen by `seed`: different seeds give different bytes and perceptual hashes."""
    blocks = np.random.default_rng(seed).integers(0, 256, (4, 4, 3), dtype=np.uint8)
    return Image.fromarray(blocks).resize(size, Image.Resampling.NEAREST).convert(mode)


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def write_photo(path: Path, size: tuple[int, int] = (64, 48), seed: int = 0, mode: str = "RGB", **options: Any) -> Path:
    """An image in the format its suffix names; `options` go to Pillow's save (e.g. `exif=`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    photo(size, seed, mode).save(path, **options)
    return path


def write_truncated_jpeg(path: Path) -> Path:
    data = encode(photo((256, 256), seed=7), "JPEG", quality=95)
    path.write_bytes(data[: len(data) // 2])
    return path


def write_png_bomb(path: Path, side: int = 20_000) -> Path:
    """A valid side×side 1-bit PNG: tiny on disk (~50 KB), 400 megapixels once decoded.

    Written chunk by chunk because building it with Pillow would need the 400 MB in memory.
    """

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    pixels = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def write_non_utf8_named_jpeg(folder: Path, name: bytes = b"caf\xe9.jpg") -> Path:
    """A good JPEG whose file name is Latin-1 bytes, as old archives and Windows zips produce."""
    raw = os.path.join(os.fsencode(folder), name)
    with open(raw, "wb") as handle:
        handle.write(encode(photo(seed=99), "JPEG"))
    return Path(os.fsdecode(raw))
