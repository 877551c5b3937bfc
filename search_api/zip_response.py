"""A ZIP download as an HTTP response: streamed as it is written, never assembled in memory."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from fastapi.responses import StreamingResponse


def zip_response(filename: str, chunks: Iterator[bytes]) -> StreamingResponse:
    """Starlette runs the (blocking) generator in a worker thread; the name travels plain and RFC 5987-encoded."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return StreamingResponse(
        chunks,
        media_type="application/zip",
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )
