"""`loupe serve`: the API and the web UI in one uvicorn process."""

from __future__ import annotations

import argparse

import uvicorn

from loupe_core.settings import Settings


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="bind address (default LOUPE_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default LOUPE_PORT or 8000)")


def serve(settings: Settings, host: str | None, port: int | None) -> int:
    from web.app import create_app

    app = create_app(settings)
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="info")
    return 0
