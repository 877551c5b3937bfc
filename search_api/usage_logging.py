"""Records asset page views and downloads as usage events, without delaying the answer.

The recorder queues the event and a background thread writes it, as for searches and clicks;
the usage reports and the retirement candidates read them back.
"""

from __future__ import annotations

from loupe_core.analytics.events import UsageAction
from loupe_core.principal import Principal
from search_api.services import Services


def record_use(services: Services, principal: Principal, asset_id: str, action: UsageAction, kind: str) -> None:
    services.usage.used(principal, asset_id, action, kind)
