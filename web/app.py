"""The web application: the JSON API plus HTML pages and static files, in one ASGI app.

`loupe serve` runs this factory, so one process on one port serves `/api/*` and the pages,
which share the API's services (store, encoders, search) instead of calling it over HTTP.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings, get_settings
from loupe_core.store.base import AssetStore
from search_api.app import create_app as create_api_app
from web import (
    admin_routes,
    analytics_routes,
    approval_routes,
    asset_edit_routes,
    asset_routes,
    auth_routes,
    collection_routes,
    conflict_routes,
    curation_routes,
    duplicate_routes,
    librarian_routes,
    retirement_routes,
    routes,
    saved_search_routes,
    suggest_routes,
    upload_routes,
    vocabulary_routes,
)
from web.errors import install_page_not_found

WEB_DIR = Path(__file__).resolve().parent
ROUTERS = (
    auth_routes.router,
    routes.router,
    suggest_routes.router,
    asset_edit_routes.router,
    asset_routes.router,  # after asset_edit_routes: its `/assets/{id:path}` matches `/assets/x/edit` too
    upload_routes.router,
    collection_routes.router,
    saved_search_routes.router,
    librarian_routes.router,
    approval_routes.router,
    duplicate_routes.router,
    conflict_routes.router,
    vocabulary_routes.router,
    curation_routes.router,
    retirement_routes.router,
    analytics_routes.router,
    admin_routes.router,
)


def build_templates() -> Jinja2Templates:
    """Autoescape everything; StrictUndefined turns a misspelt variable into a test failure
    instead of an empty string on the page."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return Jinja2Templates(env=env)


def create_app(
    settings: Settings | None = None, store: AssetStore | None = None, encoders: Encoders | None = None
) -> FastAPI:
    """uvicorn's `factory=True` calls this with no arguments: settings then come from `LOUPE_*`."""
    app = create_api_app(settings or get_settings(), store=store, encoders=encoders)
    app.state.templates = build_templates()
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    install_page_not_found(app)
    return app
