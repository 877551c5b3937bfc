"""Resolves the caller once per request: API key, then session cookie, then (if enabled) SSO header.

The result is cached on `request.state`, so every dependency in one request sees the same
principal. Missing credentials -> `NotAuthenticated` (401 on the API, a login redirect on the
web); a role without the permission -> `Forbidden` (403).
"""

from __future__ import annotations

from fastapi import Request

from loupe_core.accounts.cookies import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE
from loupe_core.accounts.permissions import Permission, may
from loupe_core.accounts.store import User
from loupe_core.accounts.user_names import canonical_user_name
from loupe_core.errors import Forbidden, NotAuthenticated
from loupe_core.principal import Principal, Role
from search_api.services import Services

API_KEY_HEADER = "X-API-Key"
_UNRESOLVED = object()


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
    if sso_name := _trusted_user_name(request, services):
        return services.accounts.active_user(sso_name)
    return None


def _trusted_user_name(request: Request, services: Services) -> str | None:
    """The user the SSO proxy names, when LOUPE_TRUSTED_USER_HEADER is set and the header is there."""
    header = services.settings.trusted_user_header
    value = request.headers.get(header) if header else None
    return canonical_user_name(value) if value else None


def anonymous_principal(services: Services) -> Principal | None:
    """Only when LOUPE_ANONYMOUS_ROLE is set: a read-only guest limited to LOUPE_ANONYMOUS_GROUPS."""
    role = services.settings.anonymous_role
    if role is None:
        return None
    return Principal.guest(Role(role), services.settings.anonymous_groups)


def optional_principal(request: Request, services: Services) -> Principal | None:
    cached = getattr(request.state, "principal", _UNRESOLVED)
    if cached is _UNRESOLVED:
        user = _resolve_user(request, services)
        cached = user.principal() if user else anonymous_principal(services)
        request.state.principal = cached
    return cached  # type: ignore[return-value]


def required_principal(request: Request, services: Services) -> Principal:
    principal = optional_principal(request, services)
    if principal is None:
        raise NotAuthenticated("authentication required: send an API key (Authorization: Bearer ...) or log in")
    return principal


def check_permission(principal: Principal, permission: Permission) -> Principal:
    if not may(principal, permission):
        raise Forbidden(f"your role ({principal.role.value}) may not {permission.value.replace('_', ' ')}")
    return principal


def csrf_subject(request: Request, services: Services) -> str | None:
    """What this caller's CSRF token is bound to: the session when a cookie signs them in, else the
    user an SSO proxy names; None when no credential rides along by itself (an API key, or nothing).

    Mirrors `_resolve_user`'s order, so the credential that authenticates is the one the token binds.
    An SSO proxy adds its header to every request, cross-site ones included, exactly as a browser
    sends a cookie: both need the token. Session ids never contain ':', so the two kinds never collide.
    """
    if _bearer(request):
        return None
    if sid := session_id(request, services):
        return sid
    if sso_name := _trusted_user_name(request, services):
        return f"sso:{sso_name}"
    return None


async def verify_csrf(request: Request, services: Services) -> None:
    """Writes authenticated by a session cookie or an SSO header must echo the CSRF token (header or form field).

    API-key callers are exempt: a browser never attaches their credentials by itself.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    subject = csrf_subject(request, services)
    if subject is None:
        return
    token = request.headers.get(CSRF_HEADER)
    if token is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not services.cookies.csrf_valid(subject, token):
        raise Forbidden("missing or invalid CSRF token; reload the page and try again")
