"""Click events: which result of which search a user opened (for click-through analytics)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from loupe_core.analytics.events import ClickEvent
from search_api.deps import CurrentPrincipal, ServicesDep

router = APIRouter(prefix="/api/events", tags=["analytics"])


class Click(BaseModel):
    query_id: str = Field(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")
    asset_id: str = Field(min_length=1, max_length=512)
    position: int = Field(ge=1, le=10_000)


class Recorded(BaseModel):
    recorded: bool


@router.post("/click", response_model=Recorded, status_code=202)
def click(event: Click, principal: CurrentPrincipal, services: ServicesDep) -> Recorded:
    services.store.get(event.asset_id, principal)  # a click on an invisible asset is a 404
    services.typing.clicked(event.query_id)  # its search, if still held, is logged first
    services.rule_book.clicked(event.query_id, event.asset_id, date.today())
    accepted = services.recorder.record(ClickEvent(event.query_id, event.asset_id, event.position, principal.user_id))
    return Recorded(recorded=accepted)
