"""Administration: users, groups, API keys (admins) and the audit log (admins and librarians)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from loupe_core.accounts.permissions import Permission
from loupe_core.accounts.store import ApiKey, AuditEntry, User
from loupe_core.principal import Principal, Role
from search_api.deps import ServicesDep, requires

router = APIRouter(prefix="/api/admin", tags=["admin"])
Admin = Annotated[Principal, requires(Permission.admin)]
Auditor = Annotated[Principal, requires(Permission.audit)]


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


class NewUser(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    role: Role
    groups: list[str] = Field(default_factory=list, max_length=100)
    password: str | None = Field(default=None, min_length=8, max_length=1024)


class NewKey(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    label: str = Field(default="", max_length=200)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class CreatedKey(BaseModel):
    id: str
    user_id: str
    key: str = Field(description="Shown once; store it now.")


class GroupOut(BaseModel):
    name: str
    members: int


@router.get("/users", response_model=list[UserOut])
def users(principal: Admin, services: ServicesDep) -> list[UserOut]:
    return [UserOut.of(u) for u in services.accounts.users()]


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: NewUser, principal: Admin, services: ServicesDep) -> UserOut:
    user = services.accounts.add_user(body.id, body.role, body.groups, body.password, actor=principal.user_id)
    return UserOut.of(user)


@router.post("/users/{user_id}/disable", response_model=UserOut)
def disable_user(user_id: str, principal: Admin, services: ServicesDep) -> UserOut:
    return UserOut.of(services.accounts.set_disabled(user_id, True, actor=principal.user_id))


@router.post("/users/{user_id}/enable", response_model=UserOut)
def enable_user(user_id: str, principal: Admin, services: ServicesDep) -> UserOut:
    return UserOut.of(services.accounts.set_disabled(user_id, False, actor=principal.user_id))


@router.get("/groups", response_model=list[GroupOut])
def groups(principal: Admin, services: ServicesDep) -> list[GroupOut]:
    return [GroupOut(name=name, members=count) for name, count in services.accounts.groups()]


@router.get("/keys", response_model=list[ApiKey])
def keys(principal: Admin, services: ServicesDep) -> list[ApiKey]:
    return services.accounts.api_keys()


@router.post("/keys", response_model=CreatedKey, status_code=201)
def create_key(body: NewKey, principal: Admin, services: ServicesDep) -> CreatedKey:
    expires = datetime.now(UTC) + timedelta(days=body.expires_days) if body.expires_days else None
    record, full_key = services.accounts.create_key(body.user, body.label, actor=principal.user_id, expires_at=expires)
    return CreatedKey(id=record.id, user_id=record.user_id, key=full_key)


@router.post("/keys/{key_id}/revoke", response_model=ApiKey)
def revoke_key(key_id: str, principal: Admin, services: ServicesDep) -> ApiKey:
    return services.accounts.revoke_key(key_id, actor=principal.user_id)


@router.get("/audit", response_model=list[AuditEntry])
def audit(
    principal: Auditor, services: ServicesDep, target: Annotated[str | None, Query(max_length=600)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntry]:  # fmt: skip
    return services.accounts.audit_log(target, limit)


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
