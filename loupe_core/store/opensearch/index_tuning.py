"""The deployment's index settings (`LOUPE_INDEX_*`, `LOUPE_HNSW_*`) laid over the mapping files' bodies.

`mappings/*.json` stay the single source of fields and of the defaults (1 shard, 0 replicas,
HNSW m=16, ef_construction=128): a setting left unset keeps the file's value. What a setting
changes takes effect when an index is created, so on an existing deployment by `loupe reindex`
(no downtime).

The search log only takes the replica count: its analyst reports rank with terms aggregations,
whose counts and order are exact only on ONE shard (each shard returns its own top terms, and
a term just below one shard's cut is missed), so it never gets `LOUPE_INDEX_SHARDS`. Replicas
are whole copies and leave the aggregations exact, and they keep the log writable when a node
of a cluster is lost.
"""

from __future__ import annotations

import copy
from typing import Any

from loupe_core.mapping import IndexDefinition
from loupe_core.settings import Settings


def tuned_assets(definition: IndexDefinition, settings: Settings) -> IndexDefinition:
    """The assets index body with shards, replicas, refresh interval and HNSW build parameters."""
    body = copy.deepcopy(definition.body)
    index = body.setdefault("settings", {}).setdefault("index", {})
    _put(index, "number_of_shards", settings.index_shards)
    _put(index, "number_of_replicas", settings.index_replicas)
    _put(index, "refresh_interval", settings.index_refresh_interval)
    for field in definition.fields_of("vector"):
        parameters = body["mappings"]["properties"][field].setdefault("method", {}).setdefault("parameters", {})
        _put(parameters, "m", settings.hnsw_m)
        _put(parameters, "ef_construction", settings.hnsw_ef_construction)
    return IndexDefinition(name=definition.name, body=body)


def tuned_search_log(definition: IndexDefinition, settings: Settings) -> IndexDefinition:
    """The search log body with the replica count only (one shard, see the module docstring)."""
    body = copy.deepcopy(definition.body)
    _put(body.setdefault("settings", {}).setdefault("index", {}), "number_of_replicas", settings.index_replicas)
    return IndexDefinition(name=definition.name, body=body)


def _put(target: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        target[key] = value
