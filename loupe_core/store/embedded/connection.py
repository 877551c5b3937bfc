"""SQLite connections for the embedded store: WAL mode, one connection per thread.

WAL lets the server read while an indexer process writes; `BEGIN IMMEDIATE` plus a busy
timeout makes concurrent writers queue instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from loupe_core.errors import BackendUnavailable

BUSY_TIMEOUT_S = 30.0


def open_connection(path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise BackendUnavailable(f"cannot open the embedded store at {path}: {exc}") from exc
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
    return conn


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction; SQLite may already have rolled back (e.g. on SQLITE_FULL)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


class ConnectionPool:
    """Hands each thread its own connection (sqlite3 objects must not be shared mid-statement)."""

    def __init__(self, path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = open_connection(self.path, self.busy_timeout_s)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed whole or rolled back whole."""
        conn = self.get()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise BackendUnavailable(f"the embedded store is locked by another writer: {exc}") from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            raise BackendUnavailable(f"the embedded store could not write ({exc}); nothing was saved") from exc
        except BaseException:
            _rollback(conn)
            raise

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def open_with_schema(path: Path, ddl: Iterable[str]) -> ConnectionPool:
    """A pool on `path` (its folder made if missing) whose tables exist: `ddl` runs in one write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pool = ConnectionPool(path)
    with pool.write() as conn:
        for statement in ddl:
            conn.execute(statement)
    return pool
