"""Turns a view or a download into usage events on the event recorder (queued, written in the background).

One place for what a use is, shared by the asset routes (page views, originals, previews) and the
collection ZIP (one download event per asset delivered, once the whole archive was sent).
"""

from __future__ import annotations

from collections.abc import Iterable

from loupe_core.analytics.events import UsageAction, UsageEvent
from loupe_core.analytics.recorder import EventRecorder
from loupe_core.principal import Principal


class UsageRecorder:
    def __init__(self, recorder: EventRecorder) -> None:
        self._recorder = recorder

    def used(self, principal: Principal, asset_id: str, action: UsageAction, kind: str) -> None:
        groups = tuple(sorted(principal.groups))
        self._recorder.record(UsageEvent(asset_id, action, kind, principal.user_id, groups))

    def downloaded(self, principal: Principal, asset_ids: Iterable[str], kind: str) -> None:
        for asset_id in asset_ids:
            self.used(principal, asset_id, "download", kind)
