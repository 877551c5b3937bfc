"""Seeds one user per role into an app's account store and returns their API keys."""

from __future__ import annotations

from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role

ROLE_GROUPS: dict[Role, list[str]] = {
    Role.admin: [],
    Role.librarian: [],
    Role.contributor: ["marketing"],
    Role.analyst: ["brand"],
    Role.viewer: ["science"],
}
PASSWORD = "test-password-1"


def seed_role_users(accounts: AccountStore, with_passwords: bool = False) -> dict[Role, str]:
    """Users named after their role (`admin`, `viewer`...); returns role -> API key.

    Passwords (argon2, deliberately slow) only when a test signs in through the login form.
    """
    keys: dict[Role, str] = {}
    for role, groups in ROLE_GROUPS.items():
        if role.value not in {u.id for u in accounts.users()}:
            accounts.add_user(role.value, role, groups, PASSWORD if with_passwords else None, actor="test")
        keys[role] = accounts.create_key(role.value, "tests", actor="test")[1]
    return keys


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
