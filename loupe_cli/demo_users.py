"""The demo's accounts: one per role, with known passwords that `loupe demo` prints (demo only)."""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role

DEMO_GROUPS = ["brand", "editorial", "marketing", "science", "social"]


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: Role
    groups: tuple[str, ...]

    @property
    def password(self) -> str:
        return f"demo-{self.name}"


DEMO_USERS = (
    DemoUser("admin", Role.admin, ()),
    DemoUser("librarian", Role.librarian, ()),
    DemoUser("amara.okafor", Role.contributor, ("marketing", "social", "brand")),
    DemoUser("dana.kowalski", Role.analyst, ("brand",)),
    DemoUser("viewer", Role.viewer, ("science",)),
)


def seed_demo_users(accounts: AccountStore) -> list[DemoUser]:
    existing = {user.id for user in accounts.users()}
    for user in DEMO_USERS:
        if user.name not in existing:
            accounts.add_user(user.name, user.role, list(user.groups), user.password, actor="demo")
    return list(DEMO_USERS)
