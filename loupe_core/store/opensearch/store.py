"""The OpenSearch backend: the same contract as the embedded store, on a real cluster.

Keyword and browse are one ranked request; semantic and hybrid send their ranked lists in
one `_msearch`, fuse them client-side with the shared reciprocal-rank fusion (so hybrid
ranking is computed exactly as in the embedded store), then fetch facets over the fused set
and the page's documents in a second request. Indices are created lazily on first use, so
building a store never needs a reachable cluster (the API can start and report 503).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from opensearchpy.helpers import scan

from loupe_core.errors import AssetNotFound, BackendUnavailable
from loupe_core.mapping import IndexDefinition, load_index_definition
from loupe_core.principal import Principal
from loupe_core.query import (
    KEYWORD_LIST,
    FacetBucket,
    FacetName,
    ListEvidence,
    Query,
    SearchHit,
    SearchMode,
    SearchResult,
    SortOrder,
)
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import Expected, Versioned, WriteFailure, WriteReport, stale_reason
from loupe_core.store.collapse import Folding, fold, fold_hits
from loupe_core.store.fusion import RankedList, fuse
from loupe_core.store.opensearch.bulk import bulk_failure_reason, bulk_results, parallel_bulk_results
from loupe_core.store.opensearch.bulk_loading import bulk_loading
from loupe_core.store.opensearch.client import RETRY_STATUSES, Cluster
from loupe_core.store.opensearch.compiler import (
    bool_query,
    facet_aggs,
    facet_request,
    fused_page_request,
    fused_set,
    list_requests,
    ranked_request,
    sort_clause,
)
from loupe_core.store.opensearch.documents import asset_source
from loupe_core.store.opensearch.filters import Clause, compile_filters, is_visible, visibility_clause
from loupe_core.store.opensearch.fulltext import highlight_clause, highlight_spec, keyword_clause
from loupe_core.store.opensearch.index_tuning import tuned_assets, tuned_search_log
from loupe_core.store.opensearch.lifecycle import IndexLifecycle
from loupe_core.store.opensearch.node_departure import answer_left_with_a_node
from loupe_core.store.opensearch.results import cosine, facet_buckets, search_hit
from loupe_core.store.opensearch.search_schema import SearchSchema

SCAN_PAGE = 1000
LOST_CONTEXT_RETRIES = 3
"""Re-reads of ranked lists whose search contexts went with a node that left mid-search."""
LOST_CONTEXT_BACKOFF_S = 0.2
"""The first pause before a re-read, doubled each time: the cluster needs a moment to route around the node."""

Facets = dict[FacetName, list[FacetBucket]]


@dataclass(frozen=True)
class BulkPolicy:
    """How big and how many bulk requests one write sends (`LOUPE_BULK_DOCUMENTS`, `LOUPE_BULK_THREADS`)."""

    documents: int = Settings.model_fields["bulk_documents"].default
    threads: int = Settings.model_fields["bulk_threads"].default


def _version(document: dict[str, Any]) -> str:
    return f"{document['_seq_no']}.{document['_primary_term']}"


def _condition(version: str | None) -> dict[str, Any] | None:
    """The bulk action options that make a write conditional on `version` (None: must not exist).

    Returns None for a string that is no version of this backend: it can never match.
    """
    if version is None:
        return {"_op_type": "create"}
    seq_no, _, primary_term = version.partition(".")
    if not (seq_no.isdigit() and primary_term.isdigit()):
        return None
    return {"if_seq_no": int(seq_no), "if_primary_term": int(primary_term)}


class OpenSearchStore:
    def __init__(
        self,
        cluster: Cluster,
        assets: IndexLifecycle,
        companions: Sequence[IndexLifecycle] = (),
        ef_search: int | None = None,
        bulk: BulkPolicy = BulkPolicy(),
    ) -> None:
        """`assets` holds what this store reads and writes; `companions` (the search log) are
        only created alongside it, for the modules that write them."""
        self._cluster = cluster
        self.schema = SearchSchema.from_definition(assets.definition, ef_search)
        self.alias = assets.alias
        self.lifecycles = (assets, *companions)
        self._assets = assets
        self._bulk = bulk
        self._ready_lock = threading.Lock()
        self._ready = False

    @classmethod
    def from_settings(cls, settings: Settings, definition: IndexDefinition) -> OpenSearchStore:
        """No I/O: indices are created on first use."""
        cluster = Cluster.from_settings(settings)
        search_log = tuned_search_log(load_index_definition(settings.mappings_dir, "search_log"), settings)
        return cls(
            cluster,
            IndexLifecycle(cluster, settings.index_prefix, tuned_assets(definition, settings)),
            [IndexLifecycle(cluster, settings.index_prefix, search_log)],
            settings.hnsw_ef_search,
            BulkPolicy(settings.bulk_documents, settings.bulk_threads),
        )

    def _ensure_indices(self) -> None:
        """Create missing indices once per store; retried on the next call if the cluster was down."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                for lifecycle in self.lifecycles:
                    lifecycle.ensure()
                self._ready = True

    # -- writes -----------------------------------------------------------------------------
    def upsert(
        self, assets: Sequence[Asset], expected: Expected | None = None, *, wait_for_search: bool = False
    ) -> WriteReport:
        """Conditional writes use the engine's own optimistic concurrency (`if_seq_no` and
        `if_primary_term`, or `create` for an asset that must not exist yet); `wait_for_search`
        is the bulk request's `refresh=wait_for`."""
        self._ensure_indices()
        report = WriteReport()
        expected = expected or {}

        def actions() -> Iterator[dict[str, Any]]:
            for asset in assets:
                try:
                    source = asset_source(asset, self.schema.vector_dimensions)
                except ValueError as exc:
                    report.failures.append(WriteFailure(asset.id, str(exc)))
                    continue
                action = {"_op_type": "index", "_index": self.alias, "_id": asset.id, "_source": source}
                if asset.id in expected:
                    condition = _condition(expected[asset.id])
                    if condition is None:
                        report.failures.append(WriteFailure(asset.id, self._stale(asset.id, expected[asset.id]), True))
                        continue
                    action.update(condition)
                yield action

        options = {"refresh": "wait_for"} if wait_for_search else {}
        pending = list(actions())
        distinct = len({action["_id"] for action in pending}) == len(pending)
        threads = self._bulk.threads if distinct else 1
        results = parallel_bulk_results(
            self._cluster, pending, threads, self._bulk.documents, raise_on_exception=False, **options
        )
        for ok, result in results:
            asset_id = str(result.get("_id"))
            if ok:
                report.written += 1
                report.versions[asset_id] = _version(result)
            elif result.get("status") == 409 and asset_id in expected:
                report.failures.append(WriteFailure(asset_id, self._stale(asset_id, expected[asset_id]), True))
            else:
                report.failures.append(WriteFailure(asset_id, bulk_failure_reason(result)))
        return report

    @contextmanager
    def bulk_loading(self) -> Iterator[None]:
        """Fill the assets index at engine speed: no refresh, no replicas, one merge at the end.

        For a whole library loaded at once (see bulk_loading); searches during the block do
        not see its writes. Settings are restored however the block ends."""
        self._ensure_indices()
        with bulk_loading(self._cluster, self._assets.indices()):
            yield

    def _stale(self, asset_id: str, expected: str | None) -> str:
        current = self.get_many([asset_id]).get(asset_id)
        return stale_reason(expected, current.version if current else None)

    def delete(self, ids: Iterable[str]) -> int:
        self._ensure_indices()
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in dict.fromkeys(ids))
        deleted = 0
        failures: list[str] = []
        with self._cluster.unavailable_as_domain_error("delete"):
            for ok, result in bulk_results(self._cluster, actions, timeout_factor=None):
                if ok:
                    deleted += result.get("result") == "deleted"
                elif result.get("status") != 404:
                    failures.append(f"{result.get('_id')}: {bulk_failure_reason(result)}")
        if failures:
            raise BackendUnavailable(f"{len(failures)} deletes failed, first: {failures[0]}")
        return deleted

    def refresh(self) -> None:
        self._ensure_indices()
        self._cluster.call("refresh", lambda c: c.indices.refresh(index=self.alias))

    def close(self) -> None:
        self._cluster.close()

    # -- point reads ------------------------------------------------------------------------
    def get(self, asset_id: str, principal: Principal | None = None) -> Asset:
        return self.get_versioned(asset_id, principal).asset

    def get_versioned(self, asset_id: str, principal: Principal | None = None) -> Versioned:
        """A real-time GET (sees writes before `refresh`, like the embedded store's get)."""
        self._ensure_indices()
        found = self._cluster.call("get", lambda c: c.get(index=self.alias, id=asset_id, ignore=[404]))
        if not found.get("found"):
            raise AssetNotFound(f"asset {asset_id!r} not found")
        asset = Asset.model_validate(found["_source"])
        if principal is not None and not is_visible(asset, principal.visibility()):
            raise AssetNotFound(f"asset {asset_id!r} not found")
        return Versioned(asset, _version(found))

    def get_many(self, ids: Iterable[str]) -> dict[str, Versioned]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        self._ensure_indices()
        response = self._cluster.call("get", lambda c: c.mget(index=self.alias, body={"ids": wanted}))
        return {
            doc["_id"]: Versioned(Asset.model_validate(doc["_source"]), _version(doc))
            for doc in response["docs"]
            if doc.get("found")
        }

    def scan(self, principal: Principal | None = None, with_vectors: bool = False) -> Iterator[Asset]:
        self._ensure_indices()
        query: Clause = {"match_all": {}}
        if principal is not None and not principal.visibility().unrestricted:
            query = visibility_clause(principal.visibility())
        source: Clause = {"excludes": []} if with_vectors else self.schema.source_without_vectors
        with self._cluster.unavailable_as_domain_error("scan"):
            for hit in scan(
                self._cluster.client,
                index=self.alias,
                query={"query": query, "_source": source},
                size=SCAN_PAGE,
            ):
                yield Asset.model_validate(hit["_source"])

    def fingerprints(self) -> dict[str, str | None]:
        self._ensure_indices()
        with self._cluster.unavailable_as_domain_error("fingerprints"):
            return {
                hit["_id"]: hit.get("_source", {}).get("sha256")
                for hit in scan(
                    self._cluster.client,
                    index=self.alias,
                    query={"query": {"match_all": {}}, "_source": ["sha256"]},
                    size=SCAN_PAGE,
                )
            }

    def count(self, principal: Principal | None = None) -> int:
        self._ensure_indices()
        query: Clause = {"match_all": {}}
        if principal is not None and not principal.visibility().unrestricted:
            query = visibility_clause(principal.visibility())
        response = self._cluster.call("count", lambda c: c.count(index=self.alias, body={"query": query}))
        return int(response["count"])

    # -- search -----------------------------------------------------------------------------
    def search(self, query: Query) -> SearchResult:
        started = time.perf_counter()
        self._ensure_indices()
        today = query.today or date.today()
        visibility = query.principal.visibility() if query.principal else None
        filters = compile_filters(query.filters, visibility, today, query.expiring_days)
        keyword = keyword_clause(query.keyword_text, self.schema) if query.uses_keyword else None
        if query.uses_vectors:
            hits, total, facets, keyword_matches, folding = self._fused(query, keyword, filters, today)
        else:
            hits, total, facets, folding = self._ranked(query, keyword, filters, today)
            keyword_matches = total + len(folding.folded) if keyword is not None else None
        return SearchResult(
            total=total,
            hits=hits,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
            mode=query.result_mode,
            keyword_matches=keyword_matches,
            floors=query.floors if query.uses_vectors else {},
            total_uncollapsed=total + len(folding.folded) if query.collapse is not None else None,
        )

    def _search(self, body: Clause) -> dict[str, Any]:
        """One search that fails whole rather than answering with a missing shard's hits left out.

        A node that leaves mid-search would otherwise give a 200 with fewer hits than its total;
        failing makes it a departure that `Cluster.call` reads again (see node_departure)."""
        response: dict[str, Any] = self._cluster.call(
            "search", lambda c: c.search(index=self.alias, body=body, allow_partial_search_results=False)
        )
        return response

    def _ranked(
        self, query: Query, keyword: Clause | None, filters: list[Clause], today: date
    ) -> tuple[list[SearchHit], int, Facets, Folding]:
        folding = self._fold_ranked(query, keyword, filters) if query.collapse is not None else Folding()
        if folding.copies:  # filters leave BM25 scores and sort keys alone: the same as removing them after
            filters = [*filters, {"bool": {"must_not": [{"terms": {"id": sorted(folding.hidden)}}]}}]
        bodies = [ranked_request(query, self.schema, keyword, filters)]
        if query.facets and keyword is not None:
            # Counted with the hits: the typo-tolerant keyword query is the costly part, and a
            # request of their own would run it again; browsing's facets are cheap and cacheable.
            bodies[0]["aggs"] = facet_aggs(query.facets, self.schema, today, query.expiring_days)
        elif query.facets:
            bodies.append(facet_request(query, self.schema, bool_query(None, filters), today))
        answers = self._msearch(bodies, cached=len(bodies) - 1)
        response = answers[0]
        if folding.slots:  # a card in its cluster's best place shows the keeper: swap the keeper's document in
            self._swap_in_shown(response["hits"]["hits"], folding, query if keyword is not None else None)
        by_score = keyword is not None and query.sort is SortOrder.relevance
        # Scores as in the embedded store: BM25 when ranked by it, 0 for sorted keyword hits, 1 for browse.
        fixed = 0.0 if keyword is not None else 1.0
        hits = [
            search_hit(
                hit,
                float(hit["_score"]) if by_score else fixed,
                self.schema.highlight_fields,
                {KEYWORD_LIST: ListEvidence(rank=query.offset + i, score=float(hit["_score"]))} if by_score else {},
                folding.copies.get(hit["_id"], []),
            )
            for i, hit in enumerate(response["hits"]["hits"], start=1)
        ]
        total = int(response["hits"]["total"]["value"])
        return hits, total, facet_buckets(_aggregations(answers), query.facets), folding

    def _fold_ranked(self, query: Query, keyword: Clause | None, filters: list[Clause]) -> Folding:
        """The clusters among a keyword or browse result: its cluster members, in the result's order."""
        assert query.collapse is not None  # noqa: S101 — narrows the type: called only when query.collapse is set
        members = sorted(query.collapse.keeper_of)[: self.schema.max_result_window]
        body: Clause = {
            "query": bool_query(keyword, [*filters, {"terms": {"id": members}}]),
            "sort": sort_clause(query.sort, keyword is not None),
            "size": len(members),
            "_source": False,
            "track_total_hits": False,
        }
        by_rank = keyword is not None and query.sort is SortOrder.relevance  # browse is a sort (newest indexed)
        return fold((hit["_id"] for hit in self._search(body)["hits"]["hits"]), query.collapse, by_rank=by_rank)

    def _swap_in_shown(self, page: list[dict[str, Any]], folding: Folding, keyword_query: Query | None) -> None:
        """Replace, on the page, each best-placed member by its cluster's shown member (keeping the
        place's score), fetched with its own highlights."""
        wanted = [folding.slots[hit["_id"]] for hit in page if hit["_id"] in folding.slots]
        if not wanted:
            return
        body: Clause = {"query": {"ids": {"values": wanted}}, "size": len(wanted)}
        body["_source"] = self.schema.source_without_vectors
        marked = highlight_clause(keyword_query.keyword_text, self.schema) if keyword_query is not None else None
        if marked is not None:
            body["highlight"] = highlight_spec(self.schema, marked)
        shown = {hit["_id"]: hit for hit in self._search(body)["hits"]["hits"]}
        for index, hit in enumerate(page):
            replacement = shown.get(folding.slots.get(hit["_id"], ""))
            if replacement is not None:
                page[index] = {**replacement, "_score": hit.get("_score")}

    def _fused(
        self, query: Query, keyword: Clause | None, filters: list[Clause], today: date
    ) -> tuple[list[SearchHit], int, Facets, int | None, Folding]:
        answers = self._msearch(list_requests(query, self.schema, keyword, filters))
        lists = [
            RankedList(
                field.value,
                [(hit["_id"], cosine(hit["_score"])) for hit in answer["hits"]["hits"]],
                query.floors.get(field),
            )
            for field, answer in zip(query.vectors, answers[: len(query.vectors)], strict=True)
        ]
        keyword_matches: int | None = None
        if keyword is not None and query.mode is SearchMode.hybrid:
            # The keyword list comes last in hybrid mode (see `list_requests`).
            matches = [(hit["_id"], float(hit["_score"])) for hit in answers[-1]["hits"]["hits"]]
            lists.append(RankedList(KEYWORD_LIST, matches))
            keyword_matches = len(matches)
        fused, folding = fold_hits(fuse(lists, query.fusion, query.rrf_k, query.keyword_weight)[: query.limit], query)
        if not fused:
            return [], 0, facet_buckets({}, query.facets), keyword_matches, folding
        page = fused[query.offset : query.offset + query.size]
        fused_ids = [h.id for h in fused]
        bodies = [fused_page_request(query, self.schema, fused_ids, [h.id for h in page], keyword, filters)]
        if query.facets:
            bodies.append(facet_request(query, self.schema, fused_set(fused_ids, filters), today))
        answers = self._msearch(bodies, cached=len(bodies) - 1)
        documents = answers[0]["hits"]["hits"]
        if query.sort is SortOrder.relevance:
            by_id = {hit["_id"]: hit for hit in documents}
            hits = [
                search_hit(by_id[h.id], h.score, self.schema.highlight_fields, h.evidence, folding.copies.get(h.id, []))
                for h in page
                if h.id in by_id
            ]
        else:
            evidence = {h.id: h.evidence for h in fused}
            hits = [
                search_hit(
                    hit, 0.0, self.schema.highlight_fields, evidence[hit["_id"]], folding.copies.get(hit["_id"], [])
                )
                for hit in documents
            ]
        return hits, len(fused), facet_buckets(_aggregations(answers), query.facets), keyword_matches, folding

    def _msearch(self, bodies: list[Clause], cached: int = 0) -> list[dict[str, Any]]:
        """All ranked lists in one round trip; a failed list, or a list missing a shard, fails the
        search (no partial fusion).

        A node that leaves between a search's query and fetch phases takes its search contexts
        with it (while a replica holds the same data): the lists are read again after a short
        pause, as a search is a read and safe to repeat. The last `cached` bodies (facets, no hits)
        ask for the shard request cache."""
        lines: list[Clause] = []
        for number, body in enumerate(bodies):
            header: Clause = {"index": self.alias, "allow_partial_search_results": False}
            if number >= len(bodies) - cached:
                header["request_cache"] = True
            lines.extend((header, body))
        for attempt in range(LOST_CONTEXT_RETRIES + 1):
            if attempt:
                time.sleep(LOST_CONTEXT_BACKOFF_S * 2 ** (attempt - 1))
            response = self._cluster.call("search", lambda c: c.msearch(body=lines))
            answers: list[dict[str, Any]] = response["responses"]
            if not any(answer_left_with_a_node(answer) for answer in answers):
                break
        for answer in answers:
            if "error" in answer:
                status = answer.get("status")
                message = f"OpenSearch at {self._cluster.url} failed a ranked list: HTTP {status} {answer['error']}"
                transient = status in RETRY_STATUSES or answer_left_with_a_node(answer)
                raise BackendUnavailable(message) if transient else RuntimeError(message)
        return answers


def _aggregations(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """The facet counts: in the last answer (the facet request's, or the hits' own), if asked for."""
    aggregations: dict[str, Any] = answers[-1].get("aggregations", {})
    return aggregations
