"""FastAPI dependencies as `Annotated` aliases, so routes declare what they need in one word."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from loupe_core.principal import Principal, Role
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from search_api.services import Services

ANONYMOUS_ADMIN = Principal(user_id="local", role=Role.admin)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_principal(request: Request) -> Principal:
    """Until accounts exist every caller is the local operator; the permissions work replaces this."""
    return ANONYMOUS_ADMIN


ServicesDep = Annotated[Services, Depends(get_services)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def get_store(services: ServicesDep) -> AssetStore:
    return services.store


def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


StoreDep = Annotated[AssetStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
