"""The embedded backend: exact, serverless, the default for laptops and tests.

Keyword lists come from FTS5 BM25, vector lists from exact cosine over the same SQL filter
mask, hybrid from reciprocal-rank fusion. Filter masks and facet counts come from in-memory
columns (`columns.py`); SQLite answers full-text matching, sorting and the documents.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from loupe_core.errors import AssetNotFound
from loupe_core.mapping import IndexDefinition
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
from loupe_core.store.base import Expected, Versioned, WriteFailure, WriteReport, stale_reason
from loupe_core.store.collapse import Folding, fold, fold_hits
from loupe_core.store.embedded.columns import ColumnIndex, ColumnSnapshot, Mask, query_mask
from loupe_core.store.embedded.connection import ConnectionPool
from loupe_core.store.embedded.filters import compile_filters, visibility_clause
from loupe_core.store.embedded.fulltext import (
    TypoVocabulary,
    match_expression,
    match_phrases,
)
from loupe_core.store.embedded.highlights import PageHighlighter
from loupe_core.store.embedded.keyword import RankedMatches, allowed_matches
from loupe_core.store.embedded.layout import TAXONOMY_TREE, EmbeddedLayout
from loupe_core.store.embedded.migrate import migrate
from loupe_core.store.embedded.vectors import VectorCache, VectorSnapshot
from loupe_core.store.embedded.writer import delete_asset, fts_values, load_doc, write_asset
from loupe_core.store.fusion import RankedList, fuse
from loupe_core.store.unit_vectors import normalize

FACET_LIMIT = 50
_SORT_SQL = {
    SortOrder.newest: "created_at IS NULL, created_at DESC, id ASC",
    SortOrder.oldest: "created_at IS NULL, created_at ASC, id ASC",
    SortOrder.title: '"title" ASC, id ASC',
}
_BROWSE_ORDER = "indexed_at IS NULL, indexed_at DESC, id ASC"
_LIST_FACETS = {
    FacetName.taxonomy: TAXONOMY_TREE,
    FacetName.tags: "tags",
    FacetName.groups: "groups",
    FacetName.color_family: "color_families",
}


class Placed(NamedTuple):
    """A row placed on the page: its score and what each ranked list said about it."""

    rowid: int
    score: float
    evidence: dict[str, ListEvidence]


@dataclass(frozen=True)
class SearchView:
    """What one search reads from start to end: the filter columns and vectors as of one sync."""

    columns: ColumnSnapshot
    vectors: dict[str, VectorSnapshot]


class EmbeddedStore:
    def __init__(self, path: Path, definition: IndexDefinition, busy_timeout_s: float = 30.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.layout = EmbeddedLayout(definition)
        self._pool = ConnectionPool(path, busy_timeout_s)
        self._sync_lock = threading.Lock()
        self._vectors = VectorCache({f: definition.vector_dimension(f) for f in self.layout.vector_fields})
        self._columns = ColumnIndex()
        self._matches = RankedMatches(self.layout.fts_weights)
        self._vocabulary = TypoVocabulary()
        self._highlighter = PageHighlighter(self.layout.fts_fields, definition.highlight_fields)
        self._beside = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loupe-vector-list")
        self._synced_seq = -1
        self._view = SearchView(self._columns.snapshot, self._vectors.snapshot())
        with self._pool.write() as conn:
            for statement in self.layout.ddl():
                conn.execute(statement)
            migrate(conn, self.layout)

    # -- writes -----------------------------------------------------------------------------
    def upsert(
        self, assets: Sequence[Asset], expected: Expected | None = None, *, wait_for_search: bool = False
    ) -> WriteReport:
        """The version check and the write share one IMMEDIATE transaction, so no writer slips between.

        Searches see a write once it commits, so `wait_for_search` needs nothing more.
        """
        report = WriteReport()
        with self._pool.write() as conn:
            for asset in assets:
                if expected is not None and asset.id in expected:
                    row = conn.execute("SELECT seq FROM assets WHERE id = ?", (asset.id,)).fetchone()
                    found = None if row is None else str(row[0])
                    if found != expected[asset.id]:
                        report.failures.append(WriteFailure(asset.id, stale_reason(expected[asset.id], found), True))
                        continue
                conn.execute("SAVEPOINT asset")
                try:
                    seq = write_asset(conn, self.layout, asset)
                except (ValueError, TypeError) as exc:
                    conn.execute("ROLLBACK TO asset")
                    report.failures.append(WriteFailure(asset.id, str(exc)))
                else:
                    report.written += 1
                    report.versions[asset.id] = str(seq)
                conn.execute("RELEASE asset")
        return report

    def delete(self, ids: Iterable[str]) -> int:
        with self._pool.write() as conn:
            return sum(delete_asset(conn, asset_id) for asset_id in ids)

    def refresh(self) -> None:
        """Writes commit synchronously; nothing to wait for."""

    def close(self) -> None:
        self._beside.shutdown(wait=True)
        self._pool.close()

    # -- point reads ------------------------------------------------------------------------
    def get(self, asset_id: str, principal: Principal | None = None) -> Asset:
        return self.get_versioned(asset_id, principal).asset

    def get_versioned(self, asset_id: str, principal: Principal | None = None) -> Versioned:
        where, params = ("1", [])
        if principal is not None and not principal.visibility().unrestricted:
            where, params = visibility_clause(principal.visibility())
        found = self._versioned(f"id = ? AND {where}", [asset_id, *params])
        if not found:
            raise AssetNotFound(f"asset {asset_id!r} not found")
        return found[0]

    def get_many(self, ids: Iterable[str]) -> dict[str, Versioned]:
        found = self._versioned("id IN (SELECT value FROM json_each(?))", [json.dumps(list(dict.fromkeys(ids)))])
        return {v.asset.id: v for v in found}

    def _versioned(self, where: str, params: list[Any]) -> list[Versioned]:
        vectors = self.layout.vector_fields
        select = ", ".join(f'"{v}"' for v in vectors)
        rows = self._pool.get().execute(f"SELECT seq, doc, {select} FROM assets WHERE {where}", params)  # noqa: S608 — columns from the layout, WHERE from compile_filters: placeholders only  # nosec B608
        return [Versioned(load_doc(row[1], dict(zip(vectors, row[2:], strict=True))), str(row[0])) for row in rows]

    def scan(self, principal: Principal | None = None, with_vectors: bool = False) -> Iterator[Asset]:
        where, params = ("1", [])
        if principal is not None and not principal.visibility().unrestricted:
            where, params = visibility_clause(principal.visibility())
        vectors = self.layout.vector_fields if with_vectors else []
        select = "".join(f', "{v}"' for v in vectors)
        cursor = self._pool.get().execute(f"SELECT doc{select} FROM assets WHERE {where} ORDER BY rowid", params)  # noqa: S608 — columns from the layout, WHERE from visibility_clause: placeholders only  # nosec B608
        for row in cursor:
            yield load_doc(row[0], dict(zip(vectors, row[1:], strict=True)))

    def fingerprints(self) -> dict[str, str | None]:
        return dict(self._pool.get().execute("SELECT id, sha256 FROM assets").fetchall())

    def count(self, principal: Principal | None = None) -> int:
        where, params = ("1", [])
        if principal is not None and not principal.visibility().unrestricted:
            where, params = visibility_clause(principal.visibility())
        return int(self._pool.get().execute(f"SELECT count(*) FROM assets WHERE {where}", params).fetchone()[0])  # noqa: S608 — WHERE from visibility_clause: placeholders only  # nosec B608

    # -- search -----------------------------------------------------------------------------
    def _sync(self) -> SearchView:
        """The view a search reads, caught up with writes from any process first.

        A write that returned before this call is in the view (its sequence is read first);
        the view itself never changes, so a write landing during the search cannot touch it.
        """
        conn = self._pool.get()
        row = conn.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) if row else 0
        if seq == self._synced_seq:
            return self._view
        with self._sync_lock:
            if seq == self._synced_seq:
                return self._view
            self._view = SearchView(self._columns.catch_up(conn), self._vectors.catch_up(conn))
            self._vocabulary = TypoVocabulary(r[0] for r in conn.execute("SELECT term FROM assets_fts_vocab"))
            self._synced_seq = seq
            return self._view

    def search(self, query: Query) -> SearchResult:
        started = time.perf_counter()
        view = self._sync()
        today = query.today or date.today()
        visibility = query.principal.visibility() if query.principal else None
        mask = query_mask(self._pool.get(), view.columns, query.filters, visibility, today, query.expiring_days)
        phrases = match_phrases(query.keyword_text, self._vocabulary) if query.uses_keyword else []
        expression = match_expression(phrases)

        keyword_matches: int | None = None
        if query.uses_vectors:
            ranked, total, matched, keyword_matches, folding = self._fused(query, view, mask, phrases)
        elif phrases:
            ranked, total, matched, folding = self._keyword(query, mask, phrases)
            keyword_matches = total + len(folding.folded)
        else:
            where, params = compile_filters(query.filters, visibility, today, query.expiring_days)
            ranked, total, matched, folding = self._browse(query, mask, where, params)

        hits = self._hits(ranked, expression, folding)
        facets = self._facets(query, view.columns, matched, today)
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

    def _keyword(self, query: Query, mask: Mask, phrases: list[str]) -> tuple[list[Placed], int, Mask, Folding]:
        rowids, scores = self._ranked_matches(phrases, mask)
        folding = Folding()
        if query.collapse is not None:
            folding, rowids, scores = self._fold_ranked_rows(query, rowids, scores)
        ranks = np.arange(1, len(rowids) + 1)
        matched = np.zeros(len(mask), dtype=bool)
        matched[rowids] = True
        end = query.offset + query.size
        if query.sort is SortOrder.relevance:
            ranked = [
                Placed(int(r), -float(s), {KEYWORD_LIST: ListEvidence(rank=int(k), score=-float(s))})
                for r, s, k in zip(
                    rowids[query.offset : end], scores[query.offset : end], ranks[query.offset : end], strict=True
                )
            ]
        else:
            rows = (
                self._pool.get()
                .execute(
                    "SELECT rowid FROM assets WHERE rowid IN (SELECT value FROM json_each(?)) "  # noqa: S608 — ORDER BY from the _SORT_SQL whitelist; values are bound  # nosec B608
                    f"ORDER BY {_SORT_SQL[query.sort]} LIMIT ? OFFSET ?",
                    [json.dumps(rowids.tolist()), query.size, query.offset],
                )
                .fetchall()
            )
            ranked = [Placed(int(r[0]), 0.0, {}) for r in rows]
        return ranked, len(rowids), matched, folding

    def _fold_rows(
        self, query: Query, rowids: npt.NDArray[np.int64], ranked: bool
    ) -> tuple[Folding, npt.NDArray[np.bool_]]:
        """Fold the clusters among `rowids` (the result set; in result order when `ranked`, else the
        query's sort decides which member is best placed). Returns the folding and what to keep."""
        assert query.collapse is not None  # noqa: S101 — narrows the type: callers fold only when query.collapse is set
        members = self._rowids_of(list(query.collapse.keeper_of))
        present = rowids[np.isin(rowids, np.fromiter(members, dtype=np.int64, count=len(members)))]
        if not len(present):
            return Folding(), np.ones(len(rowids), dtype=bool)
        if not ranked:
            order = _SORT_SQL.get(query.sort, _BROWSE_ORDER)
            present = np.asarray(
                [
                    r[0]
                    for r in self._pool.get().execute(
                        f"SELECT rowid FROM assets WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY {order}",  # noqa: S608 — ORDER BY from the _SORT_SQL whitelist; values are bound  # nosec B608
                        [json.dumps(present.tolist())],
                    )
                ],
                dtype=np.int64,
            )
        folding = fold((members[int(r)] for r in present), query.collapse, by_rank=ranked)
        hidden = [rowid for rowid, asset_id in members.items() if asset_id in folding.hidden]
        return folding, ~np.isin(rowids, np.asarray(hidden, dtype=np.int64))

    def _fold_ranked_rows(
        self, query: Query, rowids: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]
    ) -> tuple[Folding, npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Keyword matches with their clusters folded; in relevance order a card takes the row (and
        the score) of its cluster's best-placed member."""
        folding, keep = self._fold_rows(query, rowids, ranked=query.sort is SortOrder.relevance)
        rowids, scores = rowids[keep], scores[keep]
        if folding.slots:
            rowid_of = {
                asset_id: rowid
                for rowid, asset_id in self._rowids_of([*folding.slots, *folding.slots.values()]).items()
            }
            rowids = rowids.copy()
            for slot, shown in folding.slots.items():
                rowids[rowids == rowid_of[slot]] = rowid_of[shown]
        return folding, rowids, scores

    def _rowids_of(self, ids: list[str]) -> dict[int, str]:
        rows = self._pool.get().execute(
            "SELECT rowid, id FROM assets WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
        )
        return {int(r[0]): r[1] for r in rows}

    def _ranked_matches(self, phrases: list[str], mask: Mask) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Keyword matches the mask allows, best first, with FTS5 bm25 scores (lower is better)."""
        rowids, scores = self._matches.get(self._pool.get(), phrases, self._synced_seq)
        return allowed_matches(rowids, scores, mask)

    def _browse(
        self, query: Query, mask: Mask, where: str, params: list[Any]
    ) -> tuple[list[Placed], int, Mask, Folding]:
        conn = self._pool.get()
        folding = Folding()
        if query.collapse is not None:
            folding, keep = self._fold_rows(query, np.flatnonzero(mask), ranked=False)
            if folding.copies:
                mask = mask.copy()
                mask[np.flatnonzero(mask)[~keep]] = False
                where = f"({where}) AND id NOT IN (SELECT value FROM json_each(?))"  # noqa: S608 — WHERE from compile_filters: placeholders only  # nosec B608
                params = [*params, json.dumps(sorted(folding.folded))]
        total = int(conn.execute(f"SELECT count(*) FROM assets WHERE {where}", params).fetchone()[0])  # noqa: S608 — WHERE from compile_filters: placeholders only  # nosec B608
        order = _SORT_SQL.get(query.sort, _BROWSE_ORDER)
        rows = conn.execute(
            f"SELECT rowid FROM assets WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608 — WHERE from compile_filters, ORDER BY from the _SORT_SQL whitelist  # nosec B608
            [*params, query.size, query.offset],
        ).fetchall()
        return [Placed(int(r[0]), 1.0, {}) for r in rows], total, mask, folding

    def _fused(
        self, query: Query, view: SearchView, mask: Mask, phrases: list[str]
    ) -> tuple[list[Placed], int, Mask, int | None, Folding]:
        """Semantic and hybrid: one ranked list per vector (and keyword), cut at floors and fused."""
        conn = self._pool.get()
        window = query.vector_k
        fields = list(query.vectors)
        (column, vector), *rest = [
            (view.vectors[field.value], normalize(vector)) for field, vector in query.vectors.items()
        ]
        # Each list is a memory-bound scan of its own matrix on one BLAS thread: the others run
        # beside the first instead of after it (two 100k lists: ~33 ms one after the other, ~19 side by side).
        others = [self._beside.submit(c.top_k, v, window, mask) for c, v in rest]
        found = [column.top_k(vector, window, mask), *(f.result() for f in others)]
        keyword: list[tuple[int, float]] = []
        keyword_matches: int | None = None
        if phrases and query.mode is SearchMode.hybrid:
            rowids, scores = self._ranked_matches(phrases, mask)
            keyword = [(int(r), -float(s)) for r, s in zip(rowids[:window], scores[:window], strict=True)]
            keyword_matches = len(keyword)
        ids = self._ids_of(sorted({rowid for ranked in (*found, keyword) for rowid, _ in ranked}))
        rowid_of = {asset_id: rowid for rowid, asset_id in ids.items()}
        # A row deleted since the view was taken has no id any more: it simply leaves the lists.
        lists = [
            RankedList(field.value, [(ids[r], score) for r, score in neighbours if r in ids], query.floors.get(field))
            for field, neighbours in zip(fields, found, strict=True)
        ]
        if keyword:
            lists.append(RankedList(KEYWORD_LIST, [(ids[r], score) for r, score in keyword if r in ids]))
        fused, folding = fold_hits(fuse(lists, query.fusion, query.rrf_k, query.keyword_weight)[: query.limit], query)
        result_rowids = sorted(rowid_of[hit.id] for hit in fused)
        matched = np.zeros(len(mask), dtype=bool)
        matched[result_rowids] = True
        if query.sort is not SortOrder.relevance:
            rows = conn.execute(
                "SELECT rowid FROM assets WHERE rowid IN (SELECT value FROM json_each(?)) "  # noqa: S608 — ORDER BY from the _SORT_SQL whitelist; values are bound  # nosec B608
                f"ORDER BY {_SORT_SQL[query.sort]}",
                [json.dumps(result_rowids)],
            ).fetchall()
            evidence = {rowid_of[hit.id]: hit.evidence for hit in fused}
            ordered = [Placed(int(r[0]), 0.0, evidence[int(r[0])]) for r in rows]
        else:
            ordered = [Placed(rowid_of[hit.id], hit.score, hit.evidence) for hit in fused]
        return ordered[query.offset : query.offset + query.size], len(fused), matched, keyword_matches, folding

    def _ids_of(self, rowids: list[int]) -> dict[int, str]:
        if not rowids:
            return {}
        rows = self._pool.get().execute(
            "SELECT rowid, id FROM assets WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(rowids)]
        )
        return {int(r[0]): r[1] for r in rows}

    def _hits(self, ranked: list[Placed], expression: str | None, folding: Folding) -> list[SearchHit]:
        if not ranked:
            return []
        conn = self._pool.get()
        rowids = json.dumps([placed.rowid for placed in ranked])
        docs = {
            int(rowid): load_doc(doc)
            for rowid, doc in conn.execute(
                "SELECT rowid, doc FROM assets WHERE rowid IN (SELECT value FROM json_each(?))", [rowids]
            )
        }
        highlights = (
            self._highlighter.highlights({r: fts_values(self.layout, a) for r, a in docs.items()}, expression)
            if expression
            else {}
        )
        return [
            SearchHit(
                asset=docs[placed.rowid],
                score=placed.score,
                highlights=highlights.get(placed.rowid, {}),
                evidence=placed.evidence,
                copies=folding.copies.get(docs[placed.rowid].id, []),
            )
            for placed in ranked
            if placed.rowid in docs
        ]

    def _facets(
        self, query: Query, columns: ColumnSnapshot, matched: Mask, today: date
    ) -> dict[FacetName, list[FacetBucket]]:
        facets: dict[FacetName, list[FacetBucket]] = {}
        for facet in query.facets:
            if facet in _LIST_FACETS:
                rows = columns.list_counts(_LIST_FACETS[facet], matched)
            elif facet is FacetName.license:
                rows = columns.license_counts(matched, today, query.expiring_days)
            else:
                rows = columns.scalar_counts(facet.value, matched)
            buckets = sorted(((str(v), int(c)) for v, c in rows if c), key=lambda b: (-b[1], b[0]))
            facets[facet] = [FacetBucket(value=v, count=c) for v, c in buckets[:FACET_LIMIT]]
        return facets
