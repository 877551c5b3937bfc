"""`loupe demo` never seeds its known passwords into a data folder that holds a real library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from loupe_cli.demo_data_dir import MARK, claim_for_demo
from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role
from loupe_core.settings import Settings


def test_the_demo_refuses_a_real_library_and_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "srv-loupe")
    accounts = AccountStore(settings.accounts_db_path)
    accounts.add_user("jane", Role.librarian, [], None, actor="test")
    accounts.close()
    before = {p.name: p.read_bytes() for p in settings.data_dir.iterdir()}

    env = {**os.environ, "LOUPE_DATA_DIR": str(settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "loupe_cli.main", "demo", "--no-serve"], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip

    assert done.returncode == 2, done.stderr
    assert "already holds a Loupe library that is not the demo's (accounts.sqlite3)" in done.stderr
    assert {p.name: p.read_bytes() for p in settings.data_dir.iterdir()} == before


def test_an_empty_or_demo_folder_is_claimed(tmp_path: Path) -> None:
    fresh = Settings(data_dir=tmp_path / "fresh")
    assert claim_for_demo(fresh) is None and (fresh.data_dir / MARK).is_file()
    AccountStore(fresh.accounts_db_path).close()  # the demo's own accounts, from its first run
    assert claim_for_demo(fresh) is None  # a second run of the demo is welcome
