"""Administration pages: users, groups, API keys (admins) and the audit log (admins and librarians).

Reads and writes call the administration service, as the JSON API does (validation, audit entries),
and writes redirect back, except key creation: the new key is shown once in the answer itself,
never put in a URL, and not cached.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from loupe_core.accounts.administration import CreatedKey, NewKey, NewUser
from loupe_core.principal import Role
from search_api.deps import Admin, Auditor, ServicesDep
from search_api.services import Services
from web.errors import PageRoute
from web.forms import build, split_terms
from web.notices import notice_text, redirect_with_notice
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


class UserForm(BaseModel):
    id: str = Field(max_length=64)
    role: Role
    groups: str = Field(default="", max_length=5000)
    password: str = Field(default="", max_length=1024)
    """Empty: the user signs in through the SSO header or uses API keys only."""


class KeyForm(BaseModel):
    user: str = Field(max_length=64)
    label: str = Field(default="", max_length=200)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


@router.get("/users")
def users_page(request: Request, principal: Admin, services: ServicesDep, notice: str | None = None) -> HTMLResponse:
    context = {
        "page_title": "Users – Loupe",
        "form": SearchForm(),
        "users": services.administration.users(),
        "roles": list(Role),
        "notice": notice_text(notice),
    }
    return render(request, "pages/admin_users.html", context)


@router.post("/users")
def add_user(principal: Admin, services: ServicesDep, form: Annotated[UserForm, Form()]) -> RedirectResponse:
    new = build(
        lambda: NewUser(
            id=form.id.strip().lower(), role=form.role, groups=split_terms(form.groups), password=form.password or None
        )
    )
    services.administration.add_user(principal, new)
    return redirect_with_notice("/admin/users", "user-added")


@router.post("/users/{user_id}/disable")
def disable(user_id: str, principal: Admin, services: ServicesDep) -> RedirectResponse:
    services.administration.set_disabled(principal, user_id, True)
    return redirect_with_notice("/admin/users", "user-disabled")


@router.post("/users/{user_id}/enable")
def enable(user_id: str, principal: Admin, services: ServicesDep) -> RedirectResponse:
    services.administration.set_disabled(principal, user_id, False)
    return redirect_with_notice("/admin/users", "user-enabled")


@router.get("/groups")
def groups_page(request: Request, principal: Admin, services: ServicesDep) -> HTMLResponse:
    context = {"page_title": "Groups – Loupe", "form": SearchForm(), "groups": services.administration.groups()}
    return render(request, "pages/admin_groups.html", context)


def _keys_page(request: Request, services: Services, notice: str | None, created: CreatedKey | None) -> HTMLResponse:
    context = {
        "page_title": "API keys – Loupe",
        "form": SearchForm(),
        "keys": services.administration.keys(),
        "users": services.administration.users(),
        "created": created,
        "notice": notice_text(notice),
    }
    response = render(request, "pages/admin_keys.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/keys")
def keys_page(request: Request, principal: Admin, services: ServicesDep, notice: str | None = None) -> HTMLResponse:
    return _keys_page(request, services, notice, None)


@router.post("/keys")
def new_key(
    request: Request, principal: Admin, services: ServicesDep, form: Annotated[KeyForm, Form()]
) -> HTMLResponse:
    new = build(lambda: NewKey(user=form.user, label=form.label, expires_days=form.expires_days))
    return _keys_page(request, services, None, services.administration.create_key(principal, new))


@router.post("/keys/{key_id}/revoke")
def revoke(key_id: str, principal: Admin, services: ServicesDep) -> RedirectResponse:
    services.administration.revoke_key(principal, key_id)
    return redirect_with_notice("/admin/keys", "key-revoked")


@router.get("/audit")
def audit_page(
    request: Request,
    principal: Auditor,
    services: ServicesDep,
    target: Annotated[str, Query(max_length=600)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> HTMLResponse:
    context = {
        "page_title": "Audit log – Loupe",
        "form": SearchForm(),
        "entries": services.administration.audit_log(target or None, limit),
        "target": target,
    }
    return render(request, "pages/admin_audit.html", context)
