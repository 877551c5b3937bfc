"""Versioned indices behind an alias: created on first use, rebuilt with one atomic alias swap.

The code only ever addresses the alias (`<prefix><name>`); the concrete index is
`<prefix><name>-v<mapping version>-<UTC timestamp>`, so a mapping change is rolled out by
`reindex()` without a moment where searches see an empty or half-filled index. The prefix
keeps deployments (and test runs) on one cluster apart.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from opensearchpy.exceptions import TransportError

from loupe_core.errors import BackendUnavailable
from loupe_core.mapping import IndexDefinition
from loupe_core.store.opensearch.bulk_loading import bulk_loading
from loupe_core.store.opensearch.client import Cluster

REINDEX_POLL_S = 0.5
REINDEX_TIMEOUT_S = 3600.0


class IndexLifecycle:
    """Creates, rebuilds and drops the indices behind one alias."""

    def __init__(self, cluster: Cluster, prefix: str, definition: IndexDefinition) -> None:
        self.cluster = cluster
        self.prefix = prefix
        self.definition = definition

    @property
    def alias(self) -> str:
        return f"{self.prefix}{self.definition.name}"

    def new_index_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-v{self.definition.version}-{stamp}"

    def indices(self) -> list[str]:
        """Concrete indices the alias points at (normally one; none before `ensure`)."""
        found: dict[str, Any] = self.cluster.call(
            "read aliases", lambda c: c.indices.get_alias(name=self.alias, ignore=[404])
        )
        return [] if found.get("status") == 404 else sorted(found)

    def ensure(self) -> None:
        """Create the index with its alias unless the alias exists.

        Index and alias are created in one request, and the alias is the write alias: if
        two processes race, the cluster refuses the second index (an alias has at most
        one write index), and the loser simply uses the winner's.
        """
        existing = self.indices()
        if existing:
            self._check_version(existing)
            return
        body = {**self.definition.body, "aliases": {self.alias: {"is_write_index": True}}}
        name = self.new_index_name()
        try:
            with self.cluster.unavailable_as_domain_error("create index"):
                self.cluster.client.indices.create(index=name, body=body)
        except TransportError:
            if not self.indices():
                raise

    def _check_version(self, indices: list[str]) -> None:
        """Refuse an index built from another mapping version instead of failing write by write.

        A strict mapping rejects every document that carries a field it lacks; saying so once,
        with the fix, beats a stream of per-document rejections.
        """
        mappings: dict[str, Any] = self.cluster.call(
            "read mapping", lambda c: c.indices.get_mapping(index=",".join(indices))
        )
        built = {int(m["mappings"].get("_meta", {}).get("version", 0)) for m in mappings.values()}
        if built != {self.definition.version}:
            found = ", ".join(str(v) for v in sorted(built))
            raise BackendUnavailable(
                f"{self.alias} was built from mapping version {found}, this Loupe needs version "
                f"{self.definition.version}: run `loupe reindex` (no downtime)"
            )

    def reindex(self) -> str:
        """Copy every document into a fresh index built from the current mapping, then swap.

        The alias moves in ONE `update_aliases` call (remove old + add new are atomic
        together), then the old index is deleted. The old index is write-blocked for the
        copy, so a write that arrives meanwhile is refused (per document, with a reason that
        names the reindex) instead of landing in an index about to be deleted; searches go
        on. If the copy fails, the block is lifted and the old index stays in service. The copy
        runs as a bulk load (see bulk_loading), so the alias moves to a merged index whose
        replicas are already placed.
        """
        old = self.indices()
        if not old:
            self.ensure()
            return self.indices()[0]
        new = self.new_index_name()
        client = self.cluster.client
        with self.cluster.unavailable_as_domain_error("reindex"):
            self._block_writes(old, True)
            try:
                client.indices.refresh(index=self.alias)  # `_reindex` copies what searches see
                client.indices.create(index=new, body=self.definition.body)
                with bulk_loading(self.cluster, [new]):  # the copy is a full load: no refresh, no replicas
                    started = client.reindex(
                        body={"source": {"index": self.alias}, "dest": {"index": new}}, wait_for_completion=False
                    )
                    self._wait_for_task(str(started["task"]))
            except BaseException:
                client.indices.delete(index=new, ignore=[404])
                self._block_writes(old, False)
                raise
            actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": self.alias}} for index in old]
            actions.append({"add": {"index": new, "alias": self.alias, "is_write_index": True}})
            client.indices.update_aliases(body={"actions": actions})
            client.indices.delete(index=",".join(old))
        return new

    def _block_writes(self, indices: list[str], blocked: bool) -> None:
        self.cluster.client.indices.put_settings(
            index=",".join(indices), body={"index": {"blocks": {"write": blocked}}}
        )

    def _wait_for_task(self, task_id: str) -> None:
        """Poll the reindex task: a long copy must not depend on one HTTP request staying open."""
        deadline = time.monotonic() + REINDEX_TIMEOUT_S
        while True:
            status: dict[str, Any] = self.cluster.call("reindex status", lambda c: c.tasks.get(task_id=task_id))
            if status.get("completed"):
                response = status.get("response", {})
                problems = status.get("error") or response.get("failures")
                if problems:
                    raise RuntimeError(f"reindex of {self.alias} failed: {problems}")
                return
            if time.monotonic() > deadline:
                raise BackendUnavailable(f"reindex of {self.alias} still running after {REINDEX_TIMEOUT_S:g} s")
            time.sleep(REINDEX_POLL_S)

    def drop(self) -> None:
        """Delete the indices behind this alias (never a wildcard: other deployments share the cluster)."""
        indices = self.indices()
        if indices:
            with self.cluster.unavailable_as_domain_error("delete index"):
                self.cluster.client.indices.delete(index=",".join(indices))
