"""Login and logout for the web UI: server-side sessions in a signed, HttpOnly cookie.

Sign-in is rate limited per client address, and per address and user name, counted under the
very name sign-in looks up; failures all read the same so the form does not reveal which user
names exist. `next` only ever redirects within this site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from loupe_core.accounts.cookies import SESSION_COOKIE
from loupe_core.accounts.user_names import canonical_user_name
from loupe_core.errors import TooManyRequests
from search_api.auth import session_id
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.rate_limit import client_key
from web.errors import PageRoute
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, next_url: str, error: str | None, status: int = 200) -> HTMLResponse:
    context = {"page_title": "Sign in – Loupe", "next_url": next_url, "error": error, "form": SearchForm()}
    return render(request, "pages/login.html", context, status_code=status)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, safe_next(next), None)


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    user_name = canonical_user_name(username)
    wait = services.login_limiter.retry_after(client_key(request.client.host if request.client else None), user_name)
    if wait:
        raise TooManyRequests(f"too many sign-in attempts; try again in {int(wait) + 1} s")
    user = services.accounts.authenticate(user_name, password)
    if user is None:
        return _login_page(request, safe_next(next), "Unknown user name or wrong password.", status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        services.cookies.sign(services.accounts.start_session(user.id)),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request, services: ServicesDep, principal: CurrentPrincipal) -> Response:
    sid = session_id(request, services)
    if sid:
        services.accounts.end_session(sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
