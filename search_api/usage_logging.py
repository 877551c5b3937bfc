"""Records asset page views and downloads in the search log's usage events, without delaying the answer.

The recorder queues the event and a background thread writes it, as for searches and clicks;
the usage reports and the retirement candidates read them back.
"""

from __future__ import annotations

from loupe_core.analytics.events import UsageAction, UsageEvent
from loupe_core.principal import Principal
from search_api.services import Services


def record_use(services: Services, principal: Principal, asset_id: str, action: UsageAction, kind: str) -> None:
    services.recorder.record(UsageEvent(asset_id, action, kind, principal.user_id, tuple(sorted(principal.groups))))
