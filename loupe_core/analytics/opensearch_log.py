"""The search log in OpenSearch (the log alias of mappings/search_log.json), and the analyst reports over it.

The same reports, with the same answers, as `EmbeddedSearchLog` (see `SearchLog`; the contract
suite runs both). Documents follow OpenSearch User Behavior Insights: a `kind=query` document
per search, its query_id as `_id` (created, never overwritten, so a re-sent search is a no-op,
like SQLite's INSERT OR IGNORE), and a `kind=event` document per click.

Click-through needs clicks joined to their searches. Instead of joining at read time (which
would mean fetching every query_id of a popular query), a click copies its search's query,
page and day when it is written, found in the same batch or by a real-time multi-get: the
recorder (one per process) drains in order, so a search is written before its clicks. Every
report is then one aggregation request. A click whose search never reached the log keeps no
search fields, so query reports ignore it, as the SQL join does, while popular assets count it.

Visibility: reports refresh the index before they read; writes neither force a refresh
(`refresh=true` would make a tiny segment per batch under load) nor wait for one
(`refresh=wait_for` would hold the recorder's single thread up to a refresh interval per
batch, capping the log at about one batch a second before the queue overflows and drops).
Writes come with every search and reports only when an analyst looks, and refreshing an
index with nothing new is nearly free, so reports see everything written before they ran
(everything accepted, after `EventRecorder.flush()`).

Exactness: the index has one shard, so terms aggregations count and rank exactly, with the
SQL order (count desc, key asc; keys compare as UTF-8 bytes in both). Distinct users and
clicked searches use `cardinality`, exact but for hash collisions below its precision
threshold (40 000 distinct values per query or asset), an estimate within a few percent above.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from loupe_core.analytics.events import ClickEvent, Event, SearchEvent, UsageEvent
from loupe_core.analytics.reports import (
    DayCount,
    PopularAsset,
    QueryStats,
    UsageCounts,
    UsageReport,
    ZeroResultQuery,
    ZeroResultReport,
    fill_days,
    normalise_query,
    usage_report,
)
from loupe_core.analytics.ubi_documents import CONTEXT_FIELDS, click_document, query_document, usage_document
from loupe_core.mapping import load_index_definition
from loupe_core.settings import Settings
from loupe_core.store.opensearch.bulk import bulk_failure_reason, bulk_results
from loupe_core.store.opensearch.client import Cluster
from loupe_core.store.opensearch.filters import Clause
from loupe_core.store.opensearch.index_tuning import tuned_search_log
from loupe_core.store.opensearch.lifecycle import IndexLifecycle

EXACT_BELOW = 40_000
"""`cardinality` precision threshold: the most OpenSearch allows."""
MAX_GROUPS = 1000
"""Groups listed per zero-result query; a bound on buckets, far above any real group count."""

SEARCHES: Clause = {"term": {"kind": "query"}}
CLICKS: Clause = {"bool": {"filter": [{"term": {"kind": "event"}}, {"term": {"action_name": "click"}}]}}
FIRST_PAGE: Clause = {"term": {"page": 1}}
EMPTY_QUERY: Clause = {"term": {"normalised_query": ""}}
BY_COUNT: list[Clause] = [{"_count": "desc"}, {"_key": "asc"}]
UNANSWERED = "doc['result_count'].value == 0 ? 1 : 0"
USAGE: Clause = {"bool": {"filter": [{"term": {"kind": "event"}}, {"terms": {"action_name": ["view", "download"]}}]}}
OBJECT = "event_attributes.object.object_id"
TERMS_PER_REQUEST = 50_000
"""Asset ids per `terms` filter: under OpenSearch's default `index.max_terms_count` (65,536)."""
USE_COUNTS: Clause = {
    "views": {"filter": {"term": {"action_name": "view"}}},
    "downloads": {"filter": {"term": {"action_name": "download"}}},
}


def within(field: str, since: date, until: date) -> Clause:
    return {"range": {field: {"gte": since.isoformat(), "lte": until.isoformat()}}}


def queries_in(since: date, until: date) -> list[Clause]:
    """First-page, non-empty searches of the period and, through the fields they copy, their clicks."""
    return [FIRST_PAGE, within("query_day", since, until), {"bool": {"must_not": [EMPTY_QUERY]}}]


class OpenSearchSearchLog:
    def __init__(self, lifecycle: IndexLifecycle) -> None:
        """`lifecycle` is the log's alias (the store creates it too; `loupe reindex` rebuilds it)."""
        self.lifecycle = lifecycle
        self._cluster = lifecycle.cluster
        self._ready_lock = threading.Lock()
        self._ready = False

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenSearchSearchLog:
        """No I/O. The log owns its client, as it is closed with the log, not with the store; the
        client is built, and retries, exactly as the store's."""
        definition = tuned_search_log(load_index_definition(settings.mappings_dir, "search_log"), settings)
        return cls(IndexLifecycle(Cluster.from_settings(settings), settings.index_prefix, definition))

    def close(self) -> None:
        self._cluster.close()

    def _ensure_index(self) -> None:
        """Create the index once; retried on the next call if the cluster was down. Writing to
        the alias before it exists would auto-create a plain index under the alias's name."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                self.lifecycle.ensure()
                self._ready = True

    # -- writes -----------------------------------------------------------------------------
    def write(self, events: Sequence[Event]) -> None:
        """Bulk-write the batch; raises `BackendUnavailable` when the cluster cannot take it and
        RuntimeError when it rejects documents, so the recorder counts the batch as failed."""
        self._ensure_index()
        searches: dict[str, dict[str, Any]] = {}
        for event in events:
            if isinstance(event, SearchEvent):
                searches.setdefault(event.query_id, query_document(event))
        clicks = [e for e in events if isinstance(e, ClickEvent)]
        context = self._search_context({c.query_id for c in clicks}, searches)
        actions = [
            *({"_op_type": "create", "_id": qid, "_source": doc} for qid, doc in searches.items()),
            *({"_op_type": "index", "_source": click_document(c, context.get(c.query_id, {}))} for c in clicks),
            *({"_op_type": "index", "_source": usage_document(e)} for e in events if isinstance(e, UsageEvent)),
        ]
        rejected: list[str] = []
        with self._cluster.unavailable_as_domain_error("write the search log"):
            for ok, result in bulk_results(self._cluster, actions, index=self.lifecycle.alias):
                if not ok and result.get("status") != 409:  # 409: the search is already logged
                    rejected.append(f"{result.get('_id')}: {bulk_failure_reason(result)}")
        if rejected:
            raise RuntimeError(f"the search log rejected {len(rejected)} of {len(actions)} documents: {rejected[0]}")

    def _search_context(self, query_ids: set[str], batch: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The search fields each click copies: from this batch, else from the stored search."""
        context = {qid: {f: batch[qid][f] for f in CONTEXT_FIELDS} for qid in query_ids & batch.keys()}
        stored = sorted(query_ids - batch.keys())
        if stored:
            found = self._cluster.call(
                "read the search log",
                lambda c: c.mget(index=self.lifecycle.alias, body={"ids": stored}, _source_includes=CONTEXT_FIELDS),
            )
            context.update({doc["_id"]: doc["_source"] for doc in found["docs"] if doc.get("found")})
        return context

    # -- reports ----------------------------------------------------------------------------
    def _search(self, body: Clause) -> dict[str, Any]:
        """Refresh, then read: see "Visibility" above."""
        self._ensure_index()
        self._cluster.call("refresh the search log", lambda c: c.indices.refresh(index=self.lifecycle.alias))
        response: dict[str, Any] = self._cluster.call(
            "read the search log", lambda c: c.search(index=self.lifecycle.alias, body=body)
        )
        return response

    def _aggregate(self, body: Clause) -> dict[str, Any]:
        aggregations: dict[str, Any] = self._search(body)["aggregations"]
        return aggregations

    def counts(self) -> tuple[int, int]:
        aggs = self._aggregate({"size": 0, "aggs": {"kinds": {"filters": {"filters": {"s": SEARCHES, "c": CLICKS}}}}})
        buckets = aggs["kinds"]["buckets"]
        return int(buckets["s"]["doc_count"]), int(buckets["c"]["doc_count"])

    def zero_results(self, since: date, until: date, limit: int = 50) -> ZeroResultReport:
        per_query = {
            "users": {"cardinality": {"field": "user_id", "precision_threshold": EXACT_BELOW}},
            "groups": {"terms": {"field": "groups", "size": MAX_GROUPS}},
            "rescued": {"filter": {"term": {"rescued": True}}},
            # The stored timestamp itself, to the microsecond and in its own offset, as SQLite keeps it.
            "last": {"top_hits": {"size": 1, "sort": [{"timestamp": "desc"}], "_source": ["timestamp"]}},
        }
        response = self._search(
            {
                "size": 0,
                "track_total_hits": True,
                "query": {"bool": {"filter": [SEARCHES, *queries_in(since, until)]}},
                "aggs": {
                    "zero": {
                        "filter": {"term": {"result_count": 0}},
                        "aggs": {
                            "queries": {
                                "terms": {"field": "normalised_query", "size": limit, "order": BY_COUNT},
                                "aggs": per_query,
                            },
                            "days": per_day(),
                        },
                    }
                },
            }
        )
        zero = response["aggregations"]["zero"]
        queries = [
            ZeroResultQuery(
                query=bucket["key"],
                searches=bucket["doc_count"],
                users=bucket["users"]["value"],
                groups={g["key"]: g["doc_count"] for g in sorted(bucket["groups"]["buckets"], key=lambda g: g["key"])},
                last_seen=datetime.fromisoformat(bucket["last"]["hits"]["hits"][0]["_source"]["timestamp"]),
                rescued_searches=bucket["rescued"]["doc_count"],
            )
            for bucket in zero["queries"]["buckets"]
        ]
        return ZeroResultReport(
            since=since,
            until=until,
            zero_result_searches=zero["doc_count"],
            searches=response["hits"]["total"]["value"],
            queries=queries,
            trend=fill_days(day_counts(zero["days"]), since, until),
        )

    def top_queries(self, since: date, until: date, limit: int = 50, no_clicks_only: bool = False) -> list[QueryStats]:
        searches: Clause = {"filter": SEARCHES, "aggs": {"zero": {"filter": {"term": {"result_count": 0}}}}}
        order: list[Clause] = [{"searches": "desc"}, {"_key": "asc"}]
        if no_clicks_only:
            # The SQL's HAVING as an order: unclicked queries with an answered search rank first,
            # so the first `limit` buckets hold every qualifying query. A pipeline bucket_selector
            # would only filter the buckets left after `limit`; the per-search flag is a script.
            searches["aggs"]["unanswered"] = {"min": {"script": {"source": UNANSWERED, "lang": "painless"}}}
            order = [{"clicks": "asc"}, {"searches>unanswered": "asc"}, *order]
        aggs = self._aggregate(
            {
                "size": 0,
                "query": {
                    "bool": {
                        "filter": queries_in(since, until),
                        "should": [SEARCHES, CLICKS],
                        "minimum_should_match": 1,
                    }
                },
                "aggs": {
                    "queries": {
                        "terms": {"field": "normalised_query", "size": limit, "order": order},
                        "aggs": {
                            "searches": searches,
                            "clicks": {
                                "filter": CLICKS,
                                "aggs": {
                                    "clicked": {
                                        "cardinality": {"field": "query_id", "precision_threshold": EXACT_BELOW}
                                    },
                                    "position": {"avg": {"field": "event_attributes.position.ordinal"}},
                                },
                            },
                        },
                    }
                },
            }
        )
        buckets = aggs["queries"]["buckets"]
        if no_clicks_only:
            buckets = [
                b for b in buckets if b["clicks"]["doc_count"] == 0 and b["searches"]["unanswered"]["value"] == 0
            ]
        return [query_stats(bucket) for bucket in buckets]

    def searches_per_day(self, since: date, until: date) -> list[DayCount]:
        aggs = self._aggregate(
            {
                "size": 0,
                "query": {"bool": {"filter": [SEARCHES, FIRST_PAGE, within("day", since, until)]}},
                "aggs": {"days": per_day()},
            }
        )
        return fill_days(day_counts(aggs["days"]), since, until)

    def popular_queries(self, prefix: str, since: date, until: date, limit: int = 20) -> list[str]:
        start = normalise_query(prefix)
        if not start:
            return []
        filters = [
            SEARCHES,
            FIRST_PAGE,
            within("day", since, until),
            {"prefix": {"normalised_query": start}},
            {"range": {"result_count": {"gt": 0}}},
        ]
        aggs = self._aggregate(
            {
                "size": 0,
                "query": {"bool": {"filter": filters}},
                "aggs": {"queries": {"terms": {"field": "normalised_query", "size": limit, "order": BY_COUNT}}},
            }
        )
        return [bucket["key"] for bucket in aggs["queries"]["buckets"]]

    def popular_assets(self, since: date, until: date, limit: int = 200) -> list[PopularAsset]:
        aggs = self._aggregate(
            {
                "size": 0,
                "query": {"bool": {"filter": [CLICKS, within("day", since, until)]}},
                "aggs": {
                    "assets": {
                        "terms": {"field": "event_attributes.object.object_id", "size": limit, "order": BY_COUNT},
                        "aggs": {"users": {"cardinality": {"field": "user_id", "precision_threshold": EXACT_BELOW}}},
                    }
                },
            }
        )
        return [
            PopularAsset(asset_id=b["key"], clicks=b["doc_count"], users=b["users"]["value"])
            for b in aggs["assets"]["buckets"]
        ]

    def usage(self, since: date, until: date, assets: Collection[str] | None = None, limit: int = 200) -> UsageReport:
        """One aggregation per chunk of `assets`: every asset lies in one chunk, so the counts per asset
        (and their top `limit`) are exact; group and day counts add up across chunks."""
        per_asset: dict[str, tuple[int, int, int]] = {}
        per_group: dict[str, UsageCounts] = {}
        per_day_counts: dict[str, UsageCounts] = {}
        chunks: list[list[str] | None] = [None]
        if assets is not None:
            ordered = sorted(assets)
            chunks = [ordered[i : i + TERMS_PER_REQUEST] for i in range(0, len(ordered), TERMS_PER_REQUEST)]
        for chunk in chunks:
            filters = [USAGE, within("day", since, until)]
            if chunk is not None:
                filters.append({"terms": {OBJECT: chunk}})
            aggs = self._aggregate(
                {
                    "size": 0,
                    "query": {"bool": {"filter": filters}},
                    "aggs": {
                        "assets": {
                            "terms": {"field": OBJECT, "size": limit, "order": BY_COUNT},
                            "aggs": {
                                **USE_COUNTS,
                                "users": {"cardinality": {"field": "user_id", "precision_threshold": EXACT_BELOW}},
                            },
                        },
                        "groups": {"terms": {"field": "groups", "size": MAX_GROUPS}, "aggs": USE_COUNTS},
                        "days": {**per_day(), "aggs": USE_COUNTS},
                    },
                }
            )
            for b in aggs["assets"]["buckets"]:
                per_asset[b["key"]] = (b["views"]["doc_count"], b["downloads"]["doc_count"], b["users"]["value"])
            for key, target in (("groups", per_group), ("days", per_day_counts)):
                for b in aggs[key]["buckets"]:
                    name = b.get("key_as_string", b["key"])
                    views, downloads = target.get(name, (0, 0))
                    target[name] = (views + b["views"]["doc_count"], downloads + b["downloads"]["doc_count"])
        return usage_report(since, until, per_asset, per_group, per_day_counts, limit)

    def used_since(self, day: date) -> set[str]:
        """Every asset with a use since `day`, paged through a composite aggregation."""
        used: set[str] = set()
        after: dict[str, Any] | None = None
        while True:
            composite: Clause = {"size": 10_000, "sources": [{"asset": {"terms": {"field": OBJECT}}}]}
            if after is not None:
                composite["after"] = after
            aggs = self._aggregate(
                {
                    "size": 0,
                    "query": {"bool": {"filter": [USAGE, {"range": {"day": {"gte": day.isoformat()}}}]}},
                    "aggs": {"assets": {"composite": composite}},
                }
            )
            used.update(b["key"]["asset"] for b in aggs["assets"]["buckets"])
            after = aggs["assets"].get("after_key")
            if not aggs["assets"]["buckets"] or after is None:
                return used


def per_day() -> Clause:
    return {"date_histogram": {"field": "day", "calendar_interval": "day", "format": "strict_date"}}


def day_counts(histogram: dict[str, Any]) -> dict[str, int]:
    return {b["key_as_string"]: int(b["doc_count"]) for b in histogram["buckets"]}


def query_stats(bucket: dict[str, Any]) -> QueryStats:
    searches = int(bucket["searches"]["doc_count"])
    clicks = bucket["clicks"]
    mean = clicks["position"]["value"]
    return QueryStats(
        query=bucket["key"],
        searches=searches,
        zero_results=bucket["searches"]["zero"]["doc_count"],
        clicks=clicks["doc_count"],
        click_through_rate=round(clicks["clicked"]["value"] / searches, 4) if searches else 0.0,
        mean_click_position=round(float(mean), 2) if mean is not None else None,
    )
