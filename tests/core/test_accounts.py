"""Accounts: hashing, keys shown once, revocation/expiry/disable, sessions, audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loupe_core.accounts.cookies import CookieSigner
from loupe_core.accounts.permissions import Permission, may
from loupe_core.accounts.store import AccountStore
from loupe_core.errors import InvalidQuery
from loupe_core.principal import Principal, Role


@pytest.fixture
def accounts(tmp_path: Path) -> AccountStore:
    store = AccountStore(tmp_path / "accounts.sqlite3")
    store.add_user("vera", Role.viewer, ["brand"], "correct horse", actor="test")
    return store


def test_passwords_are_hashed_and_checked(accounts: AccountStore, tmp_path: Path) -> None:
    assert accounts.authenticate("vera", "correct horse") is not None
    assert accounts.authenticate("vera", "wrong horse!") is None
    assert accounts.authenticate("nobody", "correct horse") is None
    assert b"correct horse" not in (tmp_path / "accounts.sqlite3").read_bytes()


def test_api_key_is_shown_once_and_stored_hashed(accounts: AccountStore, tmp_path: Path) -> None:
    record, full_key = accounts.create_key("vera", "ci", actor="admin")
    secret = full_key.split("_", 2)[2]
    assert accounts.user_for_key(full_key).id == "vera"  # type: ignore[union-attr]
    assert secret.encode() not in (tmp_path / "accounts.sqlite3").read_bytes()
    assert accounts.user_for_key(full_key[:-1] + ("A" if full_key[-1] != "A" else "B")) is None
    accounts.revoke_key(record.id, actor="admin")
    assert accounts.user_for_key(full_key) is None


def test_expired_key_and_disabled_user_are_refused(accounts: AccountStore) -> None:
    _, expired = accounts.create_key("vera", "old", actor="admin", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert accounts.user_for_key(expired) is None
    _, live = accounts.create_key("vera", "live", actor="admin")
    session = accounts.start_session("vera")
    accounts.set_disabled("vera", True, actor="admin")
    assert accounts.user_for_key(live) is None
    assert accounts.session_user(session) is None
    assert accounts.authenticate("vera", "correct horse") is None


def test_sessions_end_on_logout(accounts: AccountStore) -> None:
    session = accounts.start_session("vera")
    assert accounts.session_user(session).id == "vera"  # type: ignore[union-attr]
    accounts.end_session(session)
    assert accounts.session_user(session) is None


def test_signed_cookies_and_csrf_tokens() -> None:
    signer = CookieSigner("s3cret")
    cookie = signer.sign("session-1")
    assert signer.unsign(cookie) == "session-1"
    assert signer.unsign(cookie[:-2] + "xx") is None
    assert CookieSigner("other").unsign(cookie) is None
    token = signer.csrf_token("session-1")
    assert signer.csrf_valid("session-1", token)
    assert not signer.csrf_valid("session-2", token)
    assert not signer.csrf_valid("session-1", None)


@pytest.mark.parametrize(
    ("user_id", "groups", "password", "message"),
    [
        ("Bad Name", [], "longenough", "invalid user name"),
        ("ok", ["<script>"], "longenough", "invalid group"),
        ("ok", [], "short", "at least 8"),
        ("vera", [], "longenough", "already exists"),
    ],
)
def test_bad_account_input_is_refused(
    accounts: AccountStore, user_id: str, groups: list[str], password: str, message: str
) -> None:
    with pytest.raises(InvalidQuery, match=message):
        accounts.add_user(user_id, Role.viewer, groups, password, actor="admin")


def test_every_write_is_audited(accounts: AccountStore) -> None:
    record, _ = accounts.create_key("vera", "ci", actor="admin")
    accounts.revoke_key(record.id, actor="admin")
    accounts.set_disabled("vera", True, actor="root")
    actions = [(e.actor, e.action, e.target) for e in accounts.audit_log()]
    assert actions == [
        ("root", "user.disable", "user:vera"),
        ("admin", "key.revoke", f"key:{record.id}"),
        ("admin", "key.create", f"key:{record.id}"),
        ("test", "user.add", "user:vera"),
    ]
    assert accounts.audit_log(target="user:vera")[0].changes == {"disabled": [False, True]}


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (Role.viewer, {Permission.search, Permission.download}, {Permission.analytics, Permission.edit_own}),
        (Role.analyst, {Permission.analytics}, {Permission.librarian_reports, Permission.edit_any}),
        (Role.contributor, {Permission.upload, Permission.edit_own}, {Permission.edit_any, Permission.analytics}),
        (Role.librarian, {Permission.edit_any, Permission.librarian_reports, Permission.audit}, {Permission.admin}),
        (Role.admin, set(Permission), set()),
    ],
)
def test_role_grants(role: Role, allowed: set[Permission], denied: set[Permission]) -> None:
    principal = Principal(user_id="u", role=role)
    assert all(may(principal, p) for p in allowed)
    assert not any(may(principal, p) for p in denied)
