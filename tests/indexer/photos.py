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


def iptc_block(records: dict[tuple[int, int], list[bytes]], utf8: bool = False) -> bytes:
    """IPTC IIM datasets wrapped as Photoshop's APP13 "8BIM" resource 0x0404, as DAM tools write them.

    Pillow reads IPTC but cannot write it, so the segment is built here byte by byte.
    """
    datasets = [((1, 90), [b"\x1b%G"])] if utf8 else []
    iim = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value
        for key, values in [*datasets, *records.items()]
        for value in values
    )
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    resource += b"\x00" * (len(iim) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def with_iptc(jpeg: bytes, records: dict[tuple[int, int], list[bytes]], utf8: bool = False) -> bytes:
    """The JPEG with an APP13 IPTC segment inserted right after its SOI marker."""
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + iptc_block(records, utf8) + jpeg[2:]


def xmp_packet(description_xml: str) -> bytes:
    """A complete XMP packet around one `rdf:Description` body (namespaces dc, photoshop, xmpRights declared)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"'
        f">{description_xml}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def rdf_alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li></rdf:Alt>'


def rdf_bag(*items: str) -> str:
    return "<rdf:Bag>" + "".join(f"<rdf:li>{item}</rdf:li>" for item in items) + "</rdf:Bag>"
