"""Liveness and readiness, open to everyone (no assets revealed)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from search_api.deps import ServicesDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    backend: str
    encoders: dict[str, str]


@router.get("/healthz", response_model=Health)
def health(services: ServicesDep) -> Health:
    services.store.count()
    problems = services.encoders.problems
    return Health(
        status="ok",
        backend=services.settings.backend,
        encoders={kind: problems.get(kind, "ok") for kind in ("clip", "text")},
    )
