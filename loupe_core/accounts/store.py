"""Accounts persistence: users, groups, API keys and the audit log (SQLite, WAL).

Kept in its own file beside the asset store so that an OpenSearch deployment still has one
small, transactional place for identities; the asset index never holds credentials.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from loupe_core.accounts.secrets import hash_password, new_api_key, split_api_key, verify_password, verify_secret
from loupe_core.accounts.user_names import RESERVED, USERNAME
from loupe_core.errors import InvalidQuery
from loupe_core.principal import Principal, Role
from loupe_core.store.embedded.connection import ConnectionPool

GROUP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")
MIN_PASSWORD = 8

DDL = [
    """CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, groups TEXT NOT NULL, password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '')",
    """CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), hash TEXT NOT NULL, label TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, changes TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_target ON audit(target)",
    """CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL, ended_at TEXT)""",
]
SESSION_HOURS = 12


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class User:
    id: str
    role: Role
    groups: tuple[str, ...]
    disabled: bool
    created_at: str

    def principal(self) -> Principal:
        return Principal(user_id=self.id, role=self.role, groups=frozenset(self.groups))


@dataclass(frozen=True)
class ApiKey:
    id: str
    user_id: str
    label: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    changes: dict[str, Any]


class AccountStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._pool = ConnectionPool(path)
        self._verified_keys: dict[str, str] = {}
        with self._pool.write() as conn:
            for statement in DDL:
                conn.execute(statement)

    def close(self) -> None:
        self._pool.close()

    # -- users ------------------------------------------------------------------------------
    def add_user(self, user_id: str, role: Role, groups: list[str], password: str | None, actor: str) -> User:
        if not USERNAME.fullmatch(user_id):
            raise InvalidQuery(f"invalid user name {user_id!r}: lower-case letters, digits and . _ @ - only")
        if user_id in RESERVED:
            raise InvalidQuery(f"user name {user_id!r} is reserved")
        bad = [g for g in groups if not GROUP.match(g)]
        if bad:
            raise InvalidQuery(f"invalid group name(s): {', '.join(map(repr, bad))}")
        if password is not None and len(password) < MIN_PASSWORD:
            raise InvalidQuery(f"password must have at least {MIN_PASSWORD} characters")
        hashed = hash_password(password) if password is not None else None
        with self._pool.write() as conn:
            if conn.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone():
                raise InvalidQuery(f"user {user_id!r} already exists")
            conn.execute(
                "INSERT INTO users(id, role, groups, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, role.value, json.dumps(sorted(set(groups))), hashed, _now()),
            )
            conn.executemany("INSERT OR IGNORE INTO groups(name) VALUES (?)", [(g,) for g in groups])
            self._audit(
                conn, actor, "user.add", f"user:{user_id}", {"role": [None, role.value], "groups": [None, groups]}
            )
        return self.user(user_id)

    def user(self, user_id: str) -> User:
        row = (
            self._pool.get()
            .execute("SELECT id, role, groups, disabled, created_at FROM users WHERE id = ?", (user_id,))
            .fetchone()
        )
        if row is None:
            raise InvalidQuery(f"no user {user_id!r}")
        return _user(row)

    def users(self) -> list[User]:
        rows = self._pool.get().execute("SELECT id, role, groups, disabled, created_at FROM users ORDER BY id")
        return [_user(r) for r in rows]

    def groups(self) -> list[tuple[str, int]]:
        """Each group with its number of (enabled) members."""
        users = self.users()
        names = [r[0] for r in self._pool.get().execute("SELECT name FROM groups ORDER BY name")]
        return [(n, sum(1 for u in users if n in u.groups and not u.disabled)) for n in names]

    def set_disabled(self, user_id: str, disabled: bool, actor: str) -> User:
        before = self.user(user_id)
        with self._pool.write() as conn:
            conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user_id))
            self._audit(
                conn,
                actor,
                "user.disable" if disabled else "user.enable",
                f"user:{user_id}",
                {"disabled": [before.disabled, disabled]},
            )
        return self.user(user_id)

    def authenticate(self, user_id: str, password: str) -> User | None:
        """The enabled user whose password matches, else None (same answer for every failure)."""
        row = self._pool.get().execute("SELECT password_hash, disabled FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None or row[0] is None:
            verify_password(hash_password("timing-equaliser"), password)
            return None
        if not verify_password(row[0], password) or row[1]:
            return None
        return self.user(user_id)

    def active_user(self, user_id: str) -> User | None:
        try:
            user = self.user(user_id)
        except InvalidQuery:
            return None
        return None if user.disabled else user

    # -- API keys ---------------------------------------------------------------------------
    def create_key(
        self, user_id: str, label: str, actor: str, expires_at: datetime | None = None
    ) -> tuple[ApiKey, str]:
        """Returns the key record and the full secret, which is never stored and never shown again."""
        self.user(user_id)
        key_id, full_key, hashed = new_api_key()
        expires = expires_at.astimezone(UTC).isoformat(timespec="seconds") if expires_at else None
        with self._pool.write() as conn:
            conn.execute(
                "INSERT INTO api_keys(id, user_id, hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, user_id, hashed, label, _now(), expires),
            )
            self._audit(conn, actor, "key.create", f"key:{key_id}", {"user": [None, user_id], "label": [None, label]})
        return self.key(key_id), full_key

    def key(self, key_id: str) -> ApiKey:
        row = (
            self._pool.get()
            .execute(
                "SELECT id, user_id, label, created_at, expires_at, revoked_at FROM api_keys WHERE id = ?", (key_id,)
            )
            .fetchone()
        )
        if row is None:
            raise InvalidQuery(f"no API key {key_id!r}")
        return ApiKey(*row)

    def api_keys(self, user_id: str | None = None) -> list[ApiKey]:
        sql = "SELECT id, user_id, label, created_at, expires_at, revoked_at FROM api_keys"
        rows = self._pool.get().execute(
            sql + (" WHERE user_id = ?" if user_id else "") + " ORDER BY created_at", (user_id,) if user_id else ()
        )
        return [ApiKey(*r) for r in rows]

    def revoke_key(self, key_id: str, actor: str) -> ApiKey:
        self.key(key_id)
        with self._pool.write() as conn:
            conn.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (_now(), key_id))
            self._audit(conn, actor, "key.revoke", f"key:{key_id}", {"revoked": [False, True]})
        return self.key(key_id)

    def user_for_key(self, full_key: str) -> User | None:
        """The enabled owner of a valid, unexpired, unrevoked key; None for anything else.

        scrypt runs once per key and process; later requests compare a SHA-256 of the key held
        in memory, while revocation, expiry and disabling are still read from the database.
        """
        parts = split_api_key(full_key)
        if parts is None:
            return None
        row = (
            self._pool.get()
            .execute("SELECT user_id, hash, expires_at, revoked_at FROM api_keys WHERE id = ?", (parts[0],))
            .fetchone()
        )
        if row is None or row[3] is not None or (row[2] is not None and row[2] <= _now()):
            return None
        fingerprint = hashlib.sha256(full_key.encode()).hexdigest()
        if self._verified_keys.get(parts[0]) != fingerprint:
            if not verify_secret(row[1], parts[1]):
                return None
            self._verified_keys[parts[0]] = fingerprint
        return self.active_user(row[0])

    # -- web sessions (server-side, so logout and disabling a user end them at once) ----------
    def start_session(self, user_id: str) -> str:
        session_id = secrets.token_urlsafe(24)
        expires = (datetime.now(UTC) + timedelta(hours=SESSION_HOURS)).isoformat(timespec="seconds")
        with self._pool.write() as conn:
            conn.execute(
                "INSERT INTO sessions(id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (session_id, user_id, _now(), expires),
            )
        return session_id

    def session_user(self, session_id: str) -> User | None:
        row = (
            self._pool.get()
            .execute(
                "SELECT user_id FROM sessions WHERE id = ? AND ended_at IS NULL AND expires_at > ?",
                (session_id, _now()),
            )
            .fetchone()
        )
        return self.active_user(row[0]) if row else None

    def end_session(self, session_id: str) -> None:
        with self._pool.write() as conn:
            conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (_now(), session_id))

    # -- audit ------------------------------------------------------------------------------
    def record(self, actor: str, action: str, target: str, changes: dict[str, Any]) -> None:
        with self._pool.write() as conn:
            self._audit(conn, actor, action, target, changes)

    @staticmethod
    def _audit(conn: sqlite3.Connection, actor: str, action: str, target: str, changes: dict[str, Any]) -> None:
        conn.execute(
            "INSERT INTO audit(at, actor, action, target, changes) VALUES (?, ?, ?, ?, ?)",
            (_now(), actor, action, target, json.dumps(changes, default=str, ensure_ascii=False)),
        )

    def audit_log(self, target: str | None = None, limit: int = 200) -> list[AuditEntry]:
        sql = "SELECT seq, at, actor, action, target, changes FROM audit"
        params: tuple[Any, ...] = ()
        if target:
            sql += " WHERE target = ?"
            params = (target,)
        rows = self._pool.get().execute(sql + " ORDER BY seq DESC LIMIT ?", (*params, limit))
        return [AuditEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def _user(row: tuple[Any, ...]) -> User:
    return User(
        id=row[0], role=Role(row[1]), groups=tuple(json.loads(row[2])), disabled=bool(row[3]), created_at=row[4]
    )
