"""Reads an uploaded file with the configured size limit, for every route that takes one."""

from __future__ import annotations

from fastapi import UploadFile

from loupe_core.errors import InvalidImage, PayloadTooLarge


async def read_image_upload(file: UploadFile, limit: int) -> bytes:
    """Never reads more than limit + 1 bytes, so an oversized upload costs no more than the limit."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"images are limited to {limit:,} bytes")
    if not data:
        raise InvalidImage("the uploaded file is empty")
    return data
