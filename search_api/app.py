"""The FastAPI application factory: nothing is built until `create_app(settings)` runs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from loupe_core.encoders.registry import Encoders
from loupe_core.errors import BackendUnavailable
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from search_api.errors import ERROR_RESPONSES, install_error_handlers
from search_api.hardening import BodySizeLimit, SecurityHeaders
from search_api.routers import (
    admin,
    analytics,
    approvals,
    assets,
    collections,
    curation_rules,
    events,
    health,
    librarian,
    saved_searches,
    search,
    uploads,
    usage,
)
from search_api.services import Services

log = logging.getLogger("loupe.api")
MULTIPART_OVERHEAD = 64 * 1024
"""Room for multipart boundaries and form fields around an upload at the size limit."""
UPLOAD_ROUTES = (("POST", "/api/assets"), ("POST", "/upload"))
"""The API's and the upload page's: they take up to `max_upload_files` files at the size limit each."""


def _finish_pending_merges(services: Services) -> None:
    """A merge a crash cut short is completed before anyone searches; an unreachable backend only delays it."""
    try:
        if finished := services.duplicate_decisions.replay():
            log.warning("finished %d merge(s) left pending by an earlier run", finished)
    except BackendUnavailable as exc:
        log.warning("pending merges wait for the backend (retried before the next merge): %s", exc)


def create_app(settings: Settings, store: AssetStore | None = None, encoders: Encoders | None = None) -> FastAPI:
    """Build the API, opening nothing: services open when the app starts and close when it stops.

    Tests pass their own store/encoders (theirs to close); production lets them come from settings.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        outer = getattr(app.state, "services", None)  # a test may start the same app inside a running one
        with Services.opened(settings, store=store, encoders=encoders) as services:
            app.state.services = services
            _finish_pending_merges(services)
            try:
                yield
            finally:
                if outer is None:
                    del app.state.services
                else:
                    app.state.services = outer

    app = FastAPI(
        title="Loupe",
        summary="Discovery for digital asset libraries: keyword, facets, semantic and visual search.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    upload_body = settings.max_upload_files * (settings.max_upload_bytes + MULTIPART_OVERHEAD)
    app.add_middleware(
        BodySizeLimit,
        limit=settings.max_upload_bytes + MULTIPART_OVERHEAD,
        wider=dict.fromkeys(UPLOAD_ROUTES, upload_body),
    )
    app.add_middleware(SecurityHeaders)
    for router in (
        search.router,
        uploads.router,
        assets.router,
        events.router,
        collections.router,
        saved_searches.router,
        librarian.router,
        approvals.router,
        curation_rules.router,
        usage.router,
        analytics.router,
        admin.router,
        health.router,
    ):
        app.include_router(router, responses=ERROR_RESPONSES)
    return app
