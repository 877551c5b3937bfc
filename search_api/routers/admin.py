"""Administration: users, groups, API keys (admins) and the audit log (admins and librarians).

A thin adapter over `loupe_core.accounts.administration`, which the admin pages call too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from loupe_core.accounts.administration import CreatedKey, GroupMembers, NewKey, NewUser
from loupe_core.accounts.store import ApiKey, AuditEntry, User
from loupe_core.principal import Role
from search_api.deps import Admin, Auditor, ServicesDep

router = APIRouter(prefix="/api/admin", tags=["admin"])


class UserOut(BaseModel):
    id: str
    role: Role
    groups: list[str]
    disabled: bool
    created_at: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, role=user.role, groups=list(user.groups), disabled=user.disabled,
                   created_at=user.created_at)  # fmt: skip


@router.get("/users", response_model=list[UserOut])
def users(principal: Admin, services: ServicesDep) -> list[UserOut]:
    return [UserOut.of(u) for u in services.administration.users()]


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: NewUser, principal: Admin, services: ServicesDep) -> UserOut:
    return UserOut.of(services.administration.add_user(principal, body))


@router.post("/users/{user_id}/disable", response_model=UserOut)
def disable_user(user_id: str, principal: Admin, services: ServicesDep) -> UserOut:
    return UserOut.of(services.administration.set_disabled(principal, user_id, True))


@router.post("/users/{user_id}/enable", response_model=UserOut)
def enable_user(user_id: str, principal: Admin, services: ServicesDep) -> UserOut:
    return UserOut.of(services.administration.set_disabled(principal, user_id, False))


@router.get("/groups", response_model=list[GroupMembers])
def groups(principal: Admin, services: ServicesDep) -> list[GroupMembers]:
    return services.administration.groups()


@router.get("/keys", response_model=list[ApiKey])
def keys(principal: Admin, services: ServicesDep) -> list[ApiKey]:
    return services.administration.keys()


@router.post("/keys", response_model=CreatedKey, status_code=201)
def create_key(body: NewKey, principal: Admin, services: ServicesDep) -> CreatedKey:
    return services.administration.create_key(principal, body)


@router.post("/keys/{key_id}/revoke", response_model=ApiKey)
def revoke_key(key_id: str, principal: Admin, services: ServicesDep) -> ApiKey:
    return services.administration.revoke_key(principal, key_id)


@router.get("/audit", response_model=list[AuditEntry])
def audit(
    principal: Auditor, services: ServicesDep, target: Annotated[str | None, Query(max_length=600)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntry]:  # fmt: skip
    return services.administration.audit_log(target, limit)


class SearchLogHealth(BaseModel):
    accepted: int
    written: int
    dropped: int
    failed: int
    stored_searches: int
    stored_clicks: int


@router.get("/search-log", response_model=SearchLogHealth)
def search_log_health(principal: Admin, services: ServicesDep) -> SearchLogHealth:
    """What the search log accepted, wrote, dropped (queue full) and failed, and what it holds."""
    stats = services.recorder.stats()
    searches, clicks = services.search_log.counts()
    return SearchLogHealth(
        accepted=stats.accepted, written=stats.written, dropped=stats.dropped, failed=stats.failed,
        stored_searches=searches, stored_clicks=clicks,
    )  # fmt: skip
