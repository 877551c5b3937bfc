"""`loupe users ...` and `loupe keys ...`: account administration from the shell.

Passwords come from a prompt or stdin, never from argv (argv is visible to other users in
`ps`); API keys are printed exactly once, when created.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.table import Table

from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role
from loupe_core.settings import Settings

CLI_ACTOR = "cli"


def add_account_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = subparsers.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--groups", default="", help="comma-separated groups")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--no-password", action="store_true", help="API keys only, no web sign-in")
    add.set_defaults(handler=_add_user)
    users.add_parser("list", help="list users").set_defaults(handler=_list_users)
    for action in ("disable", "enable"):
        parser = users.add_parser(action, help=f"{action} a user")
        parser.add_argument("name")
        parser.set_defaults(handler=_toggle_user, disabled=action == "disable")

    keys = subparsers.add_parser("keys", help="manage API keys").add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="create an API key (shown once)")
    create.add_argument("user")
    create.add_argument("--label", default="")
    create.add_argument("--expires-days", type=int, help="expire after N days")
    create.set_defaults(handler=_create_key)
    keys.add_parser("list", help="list API keys").set_defaults(handler=_list_keys)
    revoke = keys.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=_revoke_key)


def _accounts(settings: Settings) -> AccountStore:
    return AccountStore(settings.accounts_db_path)


def _read_password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise SystemExit("loupe: passwords do not match")
    return first


def _add_user(settings: Settings, args: argparse.Namespace) -> int:
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    user = _accounts(settings).add_user(args.name, Role(args.role), groups, _read_password(args), actor=CLI_ACTOR)
    print(f"added {user.id} ({user.role.value}; groups: {', '.join(user.groups) or '-'})")
    return 0


def _list_users(settings: Settings, args: argparse.Namespace) -> int:
    table = Table("user", "role", "groups", "status", "created")
    for user in _accounts(settings).users():
        table.add_row(
            user.id, user.role.value, ", ".join(user.groups), "disabled" if user.disabled else "active", user.created_at
        )
    Console().print(table)
    return 0


def _toggle_user(settings: Settings, args: argparse.Namespace) -> int:
    user = _accounts(settings).set_disabled(args.name, args.disabled, actor=CLI_ACTOR)
    print(f"{user.id} is now {'disabled' if user.disabled else 'active'}")
    return 0


def _create_key(settings: Settings, args: argparse.Namespace) -> int:
    expires = datetime.now(UTC) + timedelta(days=args.expires_days) if args.expires_days else None
    record, full_key = _accounts(settings).create_key(args.user, args.label, actor=CLI_ACTOR, expires_at=expires)
    print(f"key {record.id} for {record.user_id}; store it now, it is not shown again:", file=sys.stderr)
    print(full_key)
    return 0


def _list_keys(settings: Settings, args: argparse.Namespace) -> int:
    table = Table("key id", "user", "label", "created", "expires", "revoked")
    for key in _accounts(settings).api_keys():
        table.add_row(key.id, key.user_id, key.label, key.created_at, key.expires_at or "-", key.revoked_at or "-")
    Console().print(table)
    return 0


def _revoke_key(settings: Settings, args: argparse.Namespace) -> int:
    key = _accounts(settings).revoke_key(args.key_id, actor=CLI_ACTOR)
    print(f"revoked {key.id} ({key.user_id})")
    return 0
