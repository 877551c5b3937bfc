"""Account administration: the commands an administrator gives and what each one changes.

The JSON API and the admin pages both call this service, so validation, key expiry and the
audit entry (written by `AccountStore` in the same transaction as the change) are stated once.
Who may call it is the adapters' business (`search_api.deps.Admin`); `actor` is who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from loupe_core.accounts.store import AccountStore, ApiKey, AuditEntry, User
from loupe_core.principal import Principal, Role


class NewUser(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    role: Role
    groups: list[str] = Field(default_factory=list, max_length=100)
    password: str | None = Field(default=None, min_length=8, max_length=1024)
    """None: the user signs in through the SSO header or uses API keys only."""


class NewKey(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    label: str = Field(default="", max_length=200)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class CreatedKey(BaseModel):
    id: str
    user_id: str
    key: str = Field(description="Shown once; store it now.")


@dataclass(frozen=True)
class GroupMembers:
    name: str
    members: int
    """Enabled members only: a disabled user no longer sees the group's assets."""


class Administration:
    def __init__(self, accounts: AccountStore) -> None:
        self._accounts = accounts

    def users(self) -> list[User]:
        return self._accounts.users()

    def add_user(self, actor: Principal, new: NewUser) -> User:
        return self._accounts.add_user(new.id, new.role, new.groups, new.password, actor=actor.user_id)

    def set_disabled(self, actor: Principal, user_id: str, disabled: bool) -> User:
        """Disabling ends the user's sessions and keys at once: both are checked on every request."""
        return self._accounts.set_disabled(user_id, disabled, actor=actor.user_id)

    def groups(self) -> list[GroupMembers]:
        return [GroupMembers(name, count) for name, count in self._accounts.groups()]

    def keys(self) -> list[ApiKey]:
        return self._accounts.api_keys()

    def create_key(self, actor: Principal, new: NewKey) -> CreatedKey:
        """The full key is in the answer and nowhere else: only its hash is stored."""
        expires = datetime.now(UTC) + timedelta(days=new.expires_days) if new.expires_days else None
        record, full_key = self._accounts.create_key(new.user, new.label, actor=actor.user_id, expires_at=expires)
        return CreatedKey(id=record.id, user_id=record.user_id, key=full_key)

    def revoke_key(self, actor: Principal, key_id: str) -> ApiKey:
        return self._accounts.revoke_key(key_id, actor=actor.user_id)

    def audit_log(self, target: str | None, limit: int) -> list[AuditEntry]:
        """Newest first; `target` (`user:ana`, `asset:a/b.jpg`...) narrows it to one thing's history."""
        return self._accounts.audit_log(target, limit)
