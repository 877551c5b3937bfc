"""The engines under test, behind one `run(case) -> ranked ids` call so timing code is shared.

Loupe's own backends are driven through the real `AssetStore.search` with a real `Query`, so
the benchmark measures exactly what the API serves. LanceDB, the peer embedded engine, gets
the same work spelled its own way: its FTS index for keywords, its vector search for k-NN,
the SAME filters as a `where` SQL prefilter, its RRF reranker for fusion, and facets counted
from the columns it returns (LanceDB has no aggregations, so that is what an application does).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from common_library import TODAY, SyntheticLibrary

from loupe_core.principal import Principal
from loupe_core.query import DEFAULT_FACETS, Filters, Query, SearchMode, VectorField
from loupe_core.schema import Asset, taxonomy_ancestors
from loupe_core.store.base import AssetStore
from loupe_core.store.opensearch import OpenSearchStore

KNN_K = 100
PAGE_SIZE = 24
FACET_LIMIT = 50
LANCE_FTS_BOOSTS = {"title": 8.0, "tags_text": 4.0, "description": 2.0, "filename": 1.0}


@dataclass(frozen=True)
class QueryCase:
    """One benchmark query, with everything any engine needs to run it."""

    kind: str
    text: str = ""
    image: np.ndarray | None = None
    text_vector: np.ndarray | None = None
    principal: Principal | None = None
    taxonomy: tuple[str, ...] = ()
    file_type: tuple[str, ...] = ()
    facets: bool = False
    selectivity: float | None = None
    exact_top10: tuple[str, ...] = field(default=())

    def loupe_query(self) -> Query:
        vectors: dict[VectorField, list[float]] = {}
        if self.image is not None:
            vectors[VectorField.image] = self.image.tolist()
        if self.text_vector is not None:
            vectors[VectorField.text] = self.text_vector.tolist()
        mode = SearchMode.keyword
        if vectors:
            mode = SearchMode.hybrid if self.text else SearchMode.semantic
        return Query(
            text=self.text,
            mode=mode,
            vectors=vectors,
            filters=Filters(taxonomy=self.taxonomy, file_type=self.file_type),
            facets=DEFAULT_FACETS if self.facets else (),
            size=PAGE_SIZE,
            knn_k=KNN_K,
            today=TODAY,
            principal=self.principal,
        )


class Engine(Protocol):
    name: str

    def load(self, chunk: Sequence[Asset]) -> None: ...

    def finish_load(self) -> None: ...

    def prepare(self, case: QueryCase) -> Any:
        """Per-query objects built outside the timed section (a `Query`, an SQL string)."""
        ...

    def run(self, prepared: Any) -> list[str]: ...

    def count(self) -> int:
        """Assets loaded; a reused work folder that already holds the library is not reloaded."""
        ...

    def size_bytes(self) -> int: ...

    def close(self) -> None: ...


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class LoupeEngine:
    """Embedded or OpenSearch store, loaded and queried through the public store contract."""

    def __init__(self, name: str, store: AssetStore, size_of: Any) -> None:
        self.name = name
        self.store = store
        self._size_of = size_of

    def load(self, chunk: Sequence[Asset]) -> None:
        report = self.store.upsert(chunk)
        if report.failures:
            raise RuntimeError(f"{self.name}: {len(report.failures)} writes failed, first {report.failures[0]}")

    def finish_load(self) -> None:
        self.store.refresh()

    def prepare(self, case: QueryCase) -> Query:
        return case.loupe_query()

    def run(self, prepared: Query) -> list[str]:
        return [hit.asset.id for hit in self.store.search(prepared).hits]

    def count(self) -> int:
        return self.store.count()

    def size_bytes(self) -> int:
        return int(self._size_of())

    def close(self) -> None:
        self.store.close()


class OpenSearchEngine(LoupeEngine):
    """The OpenSearch store, loaded the way a whole library is in production: `store.bulk_loading()`
    (no refresh or replicas while loading, one force-merge at the end)."""

    def __init__(
        self, store: OpenSearchStore, url: str, index_prefix: str, drop_on_close: bool, name: str = "opensearch"
    ) -> None:
        from opensearchpy import OpenSearch

        super().__init__(name, store, self._index_bytes)
        self._admin = OpenSearch(hosts=[url], timeout=900)
        self._pattern = f"{index_prefix}*"
        self._lifecycles = store.lifecycles if drop_on_close else ()
        self._loading = ExitStack()
        self._in_load = False
        self._opensearch = store

    def load(self, chunk: Sequence[Asset]) -> None:
        if not self._in_load:  # the first chunk opens the bulk load
            self._loading.enter_context(self._opensearch.bulk_loading())
            self._in_load = True
        super().load(chunk)

    def close(self) -> None:
        self._loading.close()
        for lifecycle in self._lifecycles:
            lifecycle.drop()
        super().close()

    def finish_load(self) -> None:
        self._loading.close()
        self._in_load = False

    def _index_bytes(self) -> int:
        rows = self._admin.cat.indices(index=self._pattern, format="json", bytes="b")
        return sum(int(row["store.size"]) for row in rows)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_sql_text(v) for v in values) + "]"


def lance_where(case: QueryCase) -> str | None:
    """The case's filters and the caller's visibility as LanceDB (DataFusion) SQL."""
    clauses: list[str] = []
    if case.taxonomy:
        clauses.append(f"array_has_any(taxonomy_tree, {_sql_list(case.taxonomy)})")
    if case.file_type:
        clauses.append(f"file_type IN ({', '.join(_sql_text(v) for v in case.file_type)})")
    if case.principal is not None:
        visibility = case.principal.visibility()
        if not visibility.unrestricted:
            allowed = [f"owner = {_sql_text(visibility.owner or '')}"]
            if visibility.groups:
                shared = f"array_has_any(groups, {_sql_list(sorted(visibility.groups))})"
                if visibility.owner_only_statuses:
                    owner_only = ", ".join(_sql_text(s) for s in sorted(visibility.owner_only_statuses))
                    shared = f"({shared} AND status NOT IN ({owner_only}))"
                allowed.append(shared)
            hidden = ", ".join(_sql_text(s) for s in sorted(visibility.hidden_statuses))
            clauses.append(f"({' OR '.join(allowed)}) AND status NOT IN ({hidden})")
    return " AND ".join(clauses) if clauses else None


def lance_batch(chunk: Sequence[Asset]) -> pa.Table:
    tree = [list(dict.fromkeys(a for p in asset.taxonomy for a in taxonomy_ancestors(p))) for asset in chunk]
    image = np.asarray([a.image_vector for a in chunk], dtype=np.float32)
    text = np.asarray([a.text_vector for a in chunk], dtype=np.float32)
    return pa.table(
        {
            "id": [a.id for a in chunk],
            "title": [a.title for a in chunk],
            "description": [a.description for a in chunk],
            "tags": [a.tags for a in chunk],
            "tags_text": ["; ".join(a.tags) for a in chunk],
            "filename": [a.filename for a in chunk],
            "taxonomy_tree": tree,
            "owner": [a.owner for a in chunk],
            "groups": pa.array([a.groups for a in chunk], type=pa.list_(pa.string())),
            "status": [a.status.value for a in chunk],
            "file_type": [a.file_type for a in chunk],
            "orientation": [a.orientation for a in chunk],
            "license_expires": pa.array([a.license_expires for a in chunk], type=pa.date32()),
            "created_at": pa.array([a.created_at for a in chunk], type=pa.timestamp("us", tz="UTC")),
            "image_vector": pa.FixedSizeListArray.from_arrays(pa.array(image.ravel()), image.shape[1]),
            "text_vector": pa.FixedSizeListArray.from_arrays(pa.array(text.ravel()), text.shape[1]),
        }
    )


_FACET_COLUMNS = ["taxonomy_tree", "tags", "status", "file_type", "orientation", "license_expires"]


def arrow_facets(table: pa.Table) -> dict[str, list[tuple[str, int]]]:
    """Facet buckets as Loupe counts them (top 50 by count, then value), from returned columns."""
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in ("taxonomy_tree", "tags", "status", "file_type", "orientation"):
        column = table[name]
        values = pc.list_flatten(column) if pa.types.is_list(column.type) else column
        counts = pc.value_counts(pc.drop_null(values)).to_pylist()
        buckets = sorted(((c["values"], c["counts"]) for c in counts), key=lambda b: (-b[1], b[0]))
        facets[name] = buckets[:FACET_LIMIT]
    expires = table["license_expires"]
    today, soon = pa.scalar(TODAY), pa.scalar(TODAY + timedelta(days=30))
    expiring = pc.and_(pc.greater_equal(expires, today), pc.less_equal(expires, soon))
    facets["license"] = [
        ("none", expires.null_count),
        ("expired", pc.sum(pc.less(expires, today)).as_py() or 0),
        ("expiring", pc.sum(expiring).as_py() or 0),
        ("valid", pc.sum(pc.greater(expires, soon)).as_py() or 0),
    ]
    return facets


@dataclass
class LancePrepared:
    case: QueryCase
    where: str | None


class LanceEngine:
    """LanceDB with FTS, scalar (bitmap / label-list) and optionally vector indices."""

    name = "lancedb"

    def __init__(self, folder: Path, vector_index: str, fresh: bool) -> None:
        import lancedb

        if fresh and folder.exists():
            shutil.rmtree(folder)
        self.folder = folder
        self.vector_index = vector_index
        self._db = lancedb.connect(str(folder))
        self._table: Any = self._db.open_table("assets") if not fresh else None
        from lancedb.rerankers import RRFReranker

        self._reranker = RRFReranker(K=60)

    def load(self, chunk: Sequence[Asset]) -> None:
        batch = lance_batch(chunk)
        if self._table is None:
            self._table = self._db.create_table("assets", batch)
        else:
            self._table.add(batch)

    def finish_load(self) -> None:
        from lancedb.index import FTS, Bitmap, HnswSq, LabelList

        table = self._table
        table.optimize()
        for column in LANCE_FTS_BOOSTS:
            table.create_index(column, config=FTS(with_position=False), replace=True)
        for column in ("status", "owner", "file_type"):
            table.create_index(column, config=Bitmap(), replace=True)
        for column in ("groups", "taxonomy_tree"):
            table.create_index(column, config=LabelList(), replace=True)
        if self.vector_index == "hnsw":
            partitions = max(1, table.count_rows() // 50_000)
            for column in ("image_vector", "text_vector"):
                config = HnswSq(distance_type="cosine", num_partitions=partitions, m=16, ef_construction=128)
                table.create_index(column, config=config, replace=True)

    def prepare(self, case: QueryCase) -> LancePrepared:
        return LancePrepared(case, lance_where(case))

    def _vector(self, column: str, vector: np.ndarray, where: str | None, columns: list[str]) -> pa.Table:
        query = self._table.search(vector, vector_column_name=column).distance_type("cosine")
        if self.vector_index == "hnsw":
            query = query.ef(KNN_K)
        if where:
            query = query.where(where, prefilter=True)
        return query.limit(KNN_K).select(["id", "_distance", *columns]).with_row_id(True).to_arrow()

    def _fts(self, text: str, where: str | None, limit: int, columns: list[str]) -> pa.Table:
        from lancedb.query import MultiMatchQuery

        match = MultiMatchQuery(text, list(LANCE_FTS_BOOSTS), boosts=list(LANCE_FTS_BOOSTS.values()))
        query = self._table.search(match, query_type="fts")
        if where:
            query = query.where(where, prefilter=True)
        return query.limit(limit).select(["id", "_score", *columns]).with_row_id(True).to_arrow()

    def run(self, prepared: LancePrepared) -> list[str]:
        case, where = prepared.case, prepared.where
        columns = _FACET_COLUMNS if case.facets else []
        lists: list[pa.Table] = []
        if case.image is not None:
            lists.append(self._vector("image_vector", case.image, where, columns))
        if case.text_vector is not None:
            lists.append(self._vector("text_vector", case.text_vector, where, columns))
        if lists and case.text:
            lists.append(self._fts(case.text, where, KNN_K, columns).drop_columns(["_score"]))
            lists = [t.drop_columns(["_distance"]) if "_distance" in t.column_names else t for t in lists]
        if not lists:
            # Keyword: with facets every match is needed (counts cover the whole matched set).
            limit = self._table.count_rows() if case.facets else PAGE_SIZE
            matched = self._fts(case.text, where, limit, columns)
            if case.facets:
                arrow_facets(matched)
            return matched["id"].to_pylist()[:PAGE_SIZE]
        fused = lists[0] if len(lists) == 1 else self._reranker.rerank_multivector(lists, deduplicate=True)
        if case.facets:
            arrow_facets(fused)
        return fused["id"].to_pylist()[:PAGE_SIZE]

    def count(self) -> int:
        return int(self._table.count_rows()) if self._table is not None else 0

    def size_bytes(self) -> int:
        return folder_bytes(self.folder)

    def close(self) -> None:
        self._table = None


def exact_recall(found: Sequence[str], exact: Sequence[str]) -> float:
    """recall@10 against the brute-force answer; an empty visible set counts as perfect."""
    if not exact:
        return 1.0
    return len(set(found[: len(exact)]) & set(exact)) / len(exact)


def library_answers(library: SyntheticLibrary, case: QueryCase) -> tuple[str, ...]:
    assert case.image is not None
    mask = np.ones(library.n, dtype=bool) if case.principal is None else library.visible_mask(case.principal)
    return tuple(library.exact_top(case.image, mask, 10))
