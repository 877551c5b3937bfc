"""Maps domain errors to HTTP once: every error body is `{"error": code, "detail": message}`.

Unexpected exceptions become a bare 500 without a stack trace; the trace goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from loupe_core.errors import (
    AssetNotFound,
    BackendUnavailable,
    EncoderUnavailable,
    Forbidden,
    InvalidImage,
    InvalidQuery,
    InvalidUpload,
    LoupeError,
    NotAuthenticated,
    PayloadTooLarge,
    RecordNotFound,
    TooManyRequests,
    VersionConflict,
)

log = logging.getLogger("loupe.api")

STATUS_OF: dict[type[LoupeError], tuple[int, str]] = {
    AssetNotFound: (404, "not_found"),
    RecordNotFound: (404, "not_found"),
    NotAuthenticated: (401, "not_authenticated"),
    Forbidden: (403, "forbidden"),
    TooManyRequests: (429, "too_many_requests"),
    PayloadTooLarge: (413, "payload_too_large"),
    InvalidQuery: (400, "invalid_query"),
    InvalidImage: (400, "invalid_image"),
    InvalidUpload: (400, "invalid_upload"),
    BackendUnavailable: (503, "backend_unavailable"),
    EncoderUnavailable: (503, "encoder_unavailable"),
}


class ErrorBody(BaseModel):
    """Every error response: a stable machine code and a human-readable detail."""

    error: str
    detail: str | list[dict[str, Any]]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "Not authenticated"),
        (403, "Forbidden for this role"),
        (404, "Not found, or not visible to the caller"),
        (413, "Body too large"),
        (422, "Invalid parameters"),
        (429, "Rate limited"),
        (503, "Backend or model unavailable"),
    )
}
"""Documented on every API route, so the OpenAPI schema describes what clients really get."""


class VersionConflictBody(ErrorBody):
    """A stale `If-Match`: the version now stored, and each field you sent beside its stored value."""

    current_version: str
    fields: dict[str, dict[str, Any]]


def etag(version: str) -> str:
    return f'"{version}"'


def error_body(code: str, detail: object) -> dict[str, object]:
    return {"error": code, "detail": detail}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VersionConflict)
    async def version_conflict(_: Request, exc: VersionConflict) -> JSONResponse:
        body = {
            **error_body("version_conflict", str(exc)),
            "current_version": exc.current_version,
            "fields": exc.fields,
        }
        return JSONResponse(body, status_code=412, headers={"ETag": etag(exc.current_version)})

    @app.exception_handler(LoupeError)
    async def domain_error(_: Request, exc: LoupeError) -> JSONResponse:
        status, code = next((value for kind, value in STATUS_OF.items() if isinstance(exc, kind)), (400, "bad_request"))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(code, str(exc)), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return JSONResponse(error_body("validation_error", problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body("http_error", exc.detail), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "internal error"), status_code=500)
