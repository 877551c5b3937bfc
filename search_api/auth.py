"""Resolves the caller once per request: API key, then session cookie, then (if enabled) SSO header.

The result is cached on `request.state`, so every dependency in one request sees the same
principal. Missing credentials -> `NotAuthenticated` (401 on the API, a login redirect on the
web); a role without the permission -> `Forbidden` (403).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from loupe_core.accounts.cookies import SESSION_COOKIE
from loupe_core.accounts.permissions import Permission, may
from loupe_core.accounts.store import User
from loupe_core.errors import LoupeError
from loupe_core.principal import Principal
from search_api.services import Services

API_KEY_HEADER = "X-API-Key"
_UNRESOLVED = object()


class NotAuthenticated(LoupeError):
    """No valid credentials came with the request."""


class Forbidden(LoupeError):
    """The caller is known but their role does not allow this."""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    return request.headers.get(API_KEY_HEADER)


def session_id(request: Request, services: Services) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return services.cookies.unsign(cookie) if cookie else None


def _resolve_user(request: Request, services: Services) -> User | None:
    key = _bearer(request)
    if key:
        return services.accounts.user_for_key(key)
    sid = session_id(request, services)
    if sid:
        return services.accounts.session_user(sid)
    header = services.settings.trusted_user_header
    if header and request.headers.get(header):
        return services.accounts.active_user(request.headers[header].strip().lower())
    return None


def optional_principal(request: Request, services: Services) -> Principal | None:
    cached = getattr(request.state, "principal", _UNRESOLVED)
    if cached is _UNRESOLVED:
        user = _resolve_user(request, services)
        cached = user.principal() if user else None
        request.state.principal = cached
    return cached  # type: ignore[return-value]


def required_principal(request: Request, services: Services) -> Principal:
    principal = optional_principal(request, services)
    if principal is None:
        raise NotAuthenticated("authentication required: send an API key (Authorization: Bearer ...) or log in")
    return principal


def permission_check(permission: Permission) -> Callable[[Principal], Principal]:
    def check(principal: Principal) -> Principal:
        if not may(principal, permission):
            raise Forbidden(f"your role ({principal.role.value}) may not {permission.value.replace('_', ' ')}")
        return principal

    return check
