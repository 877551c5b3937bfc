"""Usage reports for analysts: views and downloads per asset, group and day, only of what the caller may see.

The log counts every use; this service narrows it to the caller. Someone who sees everything
gets the log's own numbers. Anyone else gets counts over the assets they may see (so a hidden
asset's use never shows, even in a total), and only the groups they belong to (a group's name
is no one else's business). The asset rows carry the assets themselves, for titles and links.
"""

from __future__ import annotations

from pydantic import BaseModel

from loupe_core.analytics.base import SearchLog
from loupe_core.analytics.period import ReportPeriod
from loupe_core.analytics.reports import AssetUsage, UsageReport
from loupe_core.principal import Principal
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore


class UsedAsset(BaseModel):
    usage: AssetUsage
    asset: Asset


class UsageReports:
    def __init__(self, log: SearchLog, store: AssetStore) -> None:
        self._log = log
        self._store = store

    def report(self, principal: Principal, period: ReportPeriod, limit: int) -> UsageReport:
        if principal.sees_everything:
            return self._log.usage(period.since, period.until, None, limit)
        visible = {asset.id for asset in self._store.scan(principal)}
        report = self._log.usage(period.since, period.until, visible, limit)
        report.groups = [g for g in report.groups if g.group in principal.groups]
        return report

    def with_assets(self, report: UsageReport) -> list[UsedAsset]:
        """The report's asset rows with their assets (an asset deleted since is left out)."""
        found = self._store.get_many(u.asset_id for u in report.assets)
        return [
            UsedAsset(usage=u, asset=found[u.asset_id].asset.without_vectors())
            for u in report.assets
            if u.asset_id in found
        ]
