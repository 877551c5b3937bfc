"""Decoding untrusted image bytes with limits, shared by the indexer and image search.

The pixel limit is checked from the header before any pixel is decoded, so a 20000x20000
PNG costs nothing; every Pillow failure mode becomes one `InvalidImage` with a reason. The
steps are public separately because the indexer reads metadata and picks a reduced JPEG
decode (`draft`) between opening a file and loading its pixels.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from loupe_core.errors import InvalidImage

SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "TIFF", "MPO"})
FILE_TYPES = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tiff"}


@dataclass(frozen=True)
class DecodedImage:
    """Pixels with EXIF orientation applied, plus the container format they came in."""

    image: Image.Image
    file_type: str

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


@contextmanager
def decoding_errors() -> Iterator[None]:
    """Turn whatever Pillow raises while opening or loading (bomb warnings included) into `InvalidImage`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except InvalidImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage(f"decompression bomb refused: {exc}", "too_large") from exc
    except UnidentifiedImageError as exc:
        raise InvalidImage("not a recognised image file", "not_an_image") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InvalidImage(f"corrupt or truncated image: {exc}", "corrupt") from exc


def open_checked(source: bytes | Path, max_pixels: int) -> Image.Image:
    """The file opened lazily (header only), its format and pixel count checked; call inside `decoding_errors`."""
    image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    if image.format not in SUPPORTED_FORMATS:
        raise InvalidImage(f"unsupported image format {image.format or 'unknown'}", "unsupported_format")
    width, height = image.size
    if width * height > max_pixels:
        raise InvalidImage(
            f"image is {width}x{height} = {width * height} pixels, over the limit of {max_pixels}", "too_large"
        )
    return image


def file_type_of(image: Image.Image) -> str:
    return FILE_TYPES[image.format or ""]


def upright(image: Image.Image) -> Image.Image:
    """The image, loaded and turned in place as its EXIF orientation says; unreadable EXIF leaves it as stored.

    In place because the usual case (no rotation) would otherwise cost a full-size copy.
    """
    with suppress(OSError, ValueError, SyntaxError):
        ImageOps.exif_transpose(image, in_place=True)
    return image


def open_image(source: bytes | Path, max_pixels: int) -> DecodedImage:
    """A fully decoded image or `InvalidImage` saying why not."""
    with decoding_errors():
        image = open_checked(source, max_pixels)
        image.load()
    return DecodedImage(image=upright(image), file_type=file_type_of(image))
