"""FastAPI dependencies as `Annotated` aliases, so routes declare what they need in one word."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from loupe_core.accounts.permissions import Permission
from loupe_core.principal import Principal
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from search_api.auth import check_permission, optional_principal, required_principal, verify_csrf
from search_api.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_principal(request: Request, services: ServicesDep) -> Principal:
    """The authenticated caller (401 otherwise); writes from a browser session must carry CSRF."""
    await verify_csrf(request, services)
    return required_principal(request, services)


def get_optional_principal(request: Request, services: ServicesDep) -> Principal | None:
    return optional_principal(request, services)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


def requires(permission: Permission) -> Any:
    """`principal: Annotated[Principal, requires(Permission.analytics)]` -> 401/403 as appropriate."""

    def dependency(principal: CurrentPrincipal) -> Principal:
        return check_permission(principal, permission)

    return Depends(dependency)


# The callers a route accepts, shared by the API's routers and the pages, so a role's reach is declared once.
Admin = Annotated[Principal, requires(Permission.admin)]
Auditor = Annotated[Principal, requires(Permission.audit)]
Analyst = Annotated[Principal, requires(Permission.analytics)]
Librarian = Annotated[Principal, requires(Permission.librarian_reports)]
Editor = Annotated[Principal, requires(Permission.edit_own)]


def get_store(services: ServicesDep) -> AssetStore:
    return services.store


def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


StoreDep = Annotated[AssetStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
