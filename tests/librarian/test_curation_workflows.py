"""A librarian's work is never lost: edits, conflicts, merges and versions, through the API, on both backends.

Each test indexes a small folder with a DAM manifest exactly as `loupe index` does, serves it
with the app, has people edit it, then runs the index again (the nightly sync) and checks
what survived. Nothing here calls `refresh()` between a person's write and a read.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from indexer.pipeline import IndexReport, run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import BackendUnavailable
from loupe_core.librarian.editing import BulkEdit
from loupe_core.principal import Principal, Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore, Expected, Versioned, WriteReport
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.backends import BACKENDS, backend_settings, close_backend, open_backend
from tests.indexer.photos import write_photo

ROWS = [
    {"id": "p1", "file": "p1.jpg", "title": "IMG_0001", "tags": "", "status": "draft", "groups": "science"},
    {"id": "p2", "file": "p2.jpg", "title": "Harbour at dusk", "tags": "harbour;boats", "groups": "science"},
    {"id": "p3", "file": "p3.jpg", "title": "Harbour at dusk, copy", "tags": "harbour;sunset", "groups": "science"},
]


@dataclass
class World:
    """One served library on one backend, with the manifest a DAM exports each night."""

    client: TestClient
    keys: dict[Role, str]
    settings: Settings
    store: AssetStore
    encoders: Encoders
    library: Path

    @property
    def manifest(self) -> Path:
        return self.library / "export.csv"

    def write_manifest(self, rows: list[dict[str, str]]) -> None:
        with self.manifest.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=["id", "file", "title", "tags", "status", "groups"])
            writer.writeheader()
            writer.writerows(rows)

    def change_manifest(self, asset_id: str, **values: str) -> None:
        self.write_manifest([{**row, **values} if row["id"] == asset_id else row for row in ROWS])

    def index(self, store: AssetStore | None = None, **options: Any) -> IndexReport:
        report = run_index(
            self.settings, self.library, self.manifest, quiet=True, store=store or self.store,
            encoders=self.encoders, **options,
        )  # fmt: skip
        assert report.failed == [], report.failed
        self.store.refresh()  # the indexer's bulk writes, unlike people's edits, do not wait for search
        return report

    def as_role(self, role: Role) -> dict[str, str]:
        return bearer(self.keys[role])

    def asset(self, asset_id: str, role: Role = Role.librarian) -> dict[str, Any]:
        response = self.client.get(f"/api/assets/{asset_id}", headers=self.as_role(role))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def patch(self, asset_id: str, changes: dict[str, Any], **headers: str) -> Any:
        return self.client.patch(
            f"/api/assets/{asset_id}", json=changes, headers={**self.as_role(Role.librarian), **headers}
        )


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path, encoders: Encoders, tiny_clip_dir: Path) -> Iterator[World]:
    settings = backend_settings(request.param, tmp_path / "data", request).model_copy(
        update={"clip_model": f"local-dir:{tiny_clip_dir}", "device": "cpu", "thumbnail_px": 32}
    )
    store = open_backend(request.param, tmp_path / "data", request, settings)
    library = tmp_path / "library"
    for seed, row in enumerate(ROWS):
        write_photo(library / row["file"], seed=seed)
    app = create_app(settings, store=store, encoders=encoders)
    with TestClient(app) as client:
        keys = seed_role_users(app.state.services.accounts)
        world = World(client, keys, settings, store, encoders, library)
        world.write_manifest(ROWS)
        assert world.index().indexed == len(ROWS)
        yield world
    close_backend(store)


def search_ids(world: World, role: Role, **params: Any) -> list[str]:
    body = world.client.get("/api/search", params={"mode": "keyword", **params}, headers=world.as_role(role)).json()
    return [hit["asset"]["id"] for hit in body["hits"]]


def audit_actions(world: World, asset_id: str) -> list[str]:
    entries = world.client.get(
        "/api/admin/audit", params={"target": f"asset:{asset_id}"}, headers=world.as_role(Role.admin)
    ).json()
    return [entry["action"] for entry in entries]


def test_an_edit_survives_any_number_of_index_runs(world: World) -> None:
    edited = {"title": "Pilot boat leaving the harbour", "tags": ["boat", "pilot"], "status": "approved"}
    assert world.patch("p1", edited).status_code == 200

    for options in ({}, {"prune": True}, {}):
        report = world.index(**options)
        assert (report.indexed, report.unchanged, report.conflicts) == (0, len(ROWS), 0)
        asset = world.asset("p1")
        assert {k: asset[k] for k in edited} == edited
        assert {k: asset["provenance"][k] for k in edited} == dict.fromkeys(edited, "edited")
        assert asset["edits"]["title"]["by"] == "librarian"
        assert asset["provenance"]["groups"] == "manifest"  # untouched fields keep their source
    assert search_ids(world, Role.viewer, q="pilot") == ["p1"]  # the text index holds the edit too


def test_a_source_that_changes_an_edited_field_raises_a_conflict_until_someone_decides(world: World) -> None:
    assert world.patch("p1", {"title": "Pilot boat", "tags": ["boat"]}).status_code == 200
    world.change_manifest("p1", title="Pilot boat (from the DAM)", tags="vessel")

    report = world.index()
    assert (report.indexed, report.conflicts) == (1, 2)
    assert (world.asset("p1")["title"], world.asset("p1")["tags"]) == ("Pilot boat", ["boat"])
    assert world.index().conflicts == 0  # known conflicts are not news again
    listed = world.client.get("/api/librarian/conflicts", headers=world.as_role(Role.librarian)).json()
    assert sorted((c["asset_id"], c["field"], c["edited_value"], c["source_value"], c["source"]) for c in listed) == [
        ("p1", "tags", ["boat"], ["vessel"], "manifest"),
        ("p1", "title", "Pilot boat", "Pilot boat (from the DAM)", "manifest"),
    ]
    viewer = world.client.get("/api/librarian/conflicts", headers=world.as_role(Role.viewer))
    assert viewer.status_code == 403

    resolve = "/api/librarian/conflicts/resolve"
    taken = world.client.post(
        resolve, json={"asset_id": "p1", "field": "title", "resolution": "take_source"},
        headers=world.as_role(Role.librarian),
    )  # fmt: skip
    assert taken.status_code == 200, taken.text
    kept = world.client.post(
        resolve, json={"asset_id": "p1", "field": "tags", "resolution": "keep_edit"},
        headers=world.as_role(Role.librarian),
    )  # fmt: skip
    assert kept.status_code == 200, kept.text
    again = world.client.post(
        resolve, json={"asset_id": "p1", "field": "tags", "resolution": "keep_edit"},
        headers=world.as_role(Role.librarian),
    )  # fmt: skip
    assert again.status_code == 400 and again.json()["error"] == "invalid_query"

    asset = world.asset("p1")
    assert (asset["title"], asset["provenance"]["title"], "title" in asset["edits"]) == (
        "Pilot boat (from the DAM)", "manifest", False,
    )  # fmt: skip
    assert (asset["tags"], asset["provenance"]["tags"], asset["conflicts"]) == (["boat"], "edited", {})
    assert {"conflict.take_source", "conflict.keep_edit"} <= set(audit_actions(world, "p1"))
    report = world.index()
    assert (report.indexed, report.unchanged, report.conflicts) == (0, len(ROWS), 0)
    assert world.client.get("/api/librarian/conflicts", headers=world.as_role(Role.librarian)).json() == []


def test_merged_copies_stay_retired_and_hidden_and_decisions_stay_made(world: World) -> None:
    librarian = world.as_role(Role.librarian)
    merge = {"keeper": "p2", "others": ["p3"], "merge_metadata": True}
    assert world.client.post("/api/librarian/duplicates/merge", json=merge, headers=librarian).status_code == 200
    term = [{"term": "sunset", "kind": "tag", "synonyms": ["dusk"], "prompt": "a sunset"}]
    assert world.client.put("/api/librarian/vocabulary", json=term, headers=librarian).status_code == 200
    accepted = world.client.post(
        "/api/assets/p1/suggestions", json={"term": "sunset", "decision": "accepted"}, headers=librarian
    )
    assert accepted.status_code == 200, accepted.text
    pair = {"a": "p1", "b": "p2"}
    assert world.client.post("/api/librarian/duplicates/not-duplicate", json=pair, headers=librarian).status_code == 204

    for options in ({}, {"prune": True}):
        world.index(**options)
        assert world.asset("p3")["status"] == "retired"
        assert world.client.get("/api/assets/p3", headers=world.as_role(Role.viewer)).status_code == 404
        assert sorted(search_ids(world, Role.viewer, q="harbour")) == ["p2"]
        assert world.asset("p2")["tags"] == ["harbour", "boats", "sunset"]
        assert world.asset("p1")["tags"] == ["sunset"]
        assert world.client.get("/api/librarian/vocabulary", headers=librarian).json()[0]["term"] == "sunset"
    decided = world.client.app.state.services.librarian_db.get()  # type: ignore[attr-defined]
    assert decided.execute("SELECT a, b FROM not_duplicates").fetchall() == [("p1", "p2")]


def test_a_stale_if_match_is_refused_with_both_values(world: World) -> None:
    first = world.client.get("/api/assets/p1", headers=world.as_role(Role.librarian))
    seen = first.headers["ETag"]
    saved = world.patch("p1", {"title": "Pilot boat"}, **{"If-Match": seen})
    assert saved.status_code == 200 and saved.headers["ETag"] != seen

    stale = world.patch("p1", {"title": "Tug boat", "credit": "Loupe"}, **{"If-Match": seen})
    assert stale.status_code == 412
    body = stale.json()
    assert body["error"] == "version_conflict"
    assert body["fields"] == {
        "title": {"yours": "Tug boat", "current": "Pilot boat"},
        "credit": {"yours": "Loupe", "current": None},
    }
    assert f'"{body["current_version"]}"' == saved.headers["ETag"] == stale.headers["ETag"]
    assert world.asset("p1")["title"] == "Pilot boat"
    assert world.patch("p1", {"title": "Tug boat"}, **{"If-Match": "not-a-version"}).status_code == 412
    assert world.patch("p1", {"title": "Tug boat"}, **{"If-Match": saved.headers["ETag"]}).status_code == 200


def test_concurrent_bulk_edits_lose_no_field(world: World) -> None:
    editor = world.client.app.state.services.editor  # type: ignore[attr-defined]
    librarian = Principal("librarian", Role.librarian)
    ids = [row["id"] for row in ROWS]
    errors: list[BaseException] = []

    def tagger(prefix: str) -> None:
        try:
            for i in range(6):
                report = editor.bulk(librarian, BulkEdit(ids=ids, add_tags=[f"{prefix}{i}"]))
                assert sorted(report.updated) == ids, report
        except BaseException as exc:  # reported below: a thread's assertion would vanish otherwise
            errors.append(exc)

    threads = [threading.Thread(target=tagger, args=(prefix,)) for prefix in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    wanted = {f"{prefix}{i}" for prefix in "abc" for i in range(6)}
    for asset_id in ids:
        assert wanted <= set(world.asset(asset_id)["tags"]), asset_id


def test_bulk_edit_reports_stale_assets_and_applies_the_rest(world: World) -> None:
    seen = world.client.get("/api/assets/p1", headers=world.as_role(Role.librarian)).headers["ETag"].strip('"')
    assert world.patch("p1", {"title": "Moved on"}).status_code == 200
    edit = {"ids": ["p1", "p2"], "set_status": "archived", "versions": {"p1": seen}}
    report = world.client.post("/api/librarian/bulk", json=edit, headers=world.as_role(Role.librarian)).json()
    assert (report["updated"], [c["id"] for c in report["conflicts"]]) == (["p2"], ["p1"])
    assert report["conflicts"][0]["fields"] == {"status": {"yours": "archived", "current": "draft"}}
    assert (world.asset("p1")["status"], world.asset("p2")["status"]) == ("draft", "archived")


class EditingDuringIndexing:
    """The real store, but a person saves p1 right after the indexer read it: the indexer's write is stale."""

    def __init__(self, store: AssetStore, world: World) -> None:
        self._store = store
        self._world = world
        self.raced = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def get_many(self, ids: Any) -> dict[str, Versioned]:
        found: dict[str, Versioned] = self._store.get_many(ids)
        if "p1" in found and not self.raced:
            self.raced = True
            assert self._world.patch("p1", {"description": "Saved while indexing"}).status_code == 200
        return found


def test_an_edit_saved_while_the_indexer_writes_is_kept(world: World) -> None:
    world.change_manifest("p1", title="New DAM title")
    racing = EditingDuringIndexing(world.store, world)
    report = world.index(store=racing)  # type: ignore[arg-type]
    assert racing.raced and report.indexed == 1
    asset = world.asset("p1")
    assert (asset["title"], asset["description"]) == ("New DAM title", "Saved while indexing")


class CrashAfterWrites:
    """The real store until `allowed` more writes have gone through; then every write fails."""

    def __init__(self, store: AssetStore, allowed: int) -> None:
        self._store = store
        self.allowed = allowed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def upsert(self, assets: list[Asset], expected: Expected | None = None, **options: Any) -> WriteReport:
        if self.allowed <= 0:
            raise BackendUnavailable("the node went away mid-merge")
        self.allowed -= 1
        report: WriteReport = self._store.upsert(assets, expected, **options)
        return report


@pytest.mark.parametrize("writes_before_crash", [0, 1, 2])
def test_a_merge_cut_short_is_finished_when_the_app_starts_again(world: World, writes_before_crash: int) -> None:
    crashing = CrashAfterWrites(world.store, writes_before_crash)
    merge = {"keeper": "p1", "others": ["p2", "p3"], "merge_metadata": True}
    with TestClient(create_app(world.settings, store=crashing, encoders=world.encoders)) as doomed:  # type: ignore[arg-type]
        response = doomed.post("/api/librarian/duplicates/merge", json=merge, headers=world.as_role(Role.librarian))
    assert response.status_code == 503
    statuses = [world.store.get(i).status.value for i in ("p2", "p3")]
    assert statuses.count("retired") == max(0, writes_before_crash - 1)  # half merged, for now

    with TestClient(create_app(world.settings, store=world.store, encoders=world.encoders)):
        pass  # starting the app finishes what the crash left pending
    assert [world.store.get(i).status.value for i in ("p2", "p3")] == ["retired", "retired"]
    assert world.store.get("p1").tags == ["harbour", "boats", "sunset"]
    assert audit_actions(world, "p3").count("asset.retire") == 1
    librarian_db = world.client.app.state.services.librarian_db  # type: ignore[attr-defined]
    assert librarian_db.get().execute("SELECT count(*) FROM merge_intents").fetchone()[0] == 0


@pytest.mark.opensearch
def test_loupe_reindex_carries_every_decision(world: World) -> None:
    if world.settings.backend != "opensearch":
        pytest.skip("the embedded store has no index to rebuild (it migrates in place)")
    assert world.patch("p1", {"title": "Pilot boat", "groups": []}).status_code == 200
    world.change_manifest("p1", title="Renamed in the DAM")
    world.index()
    merge = {"keeper": "p2", "others": ["p3"], "merge_metadata": False}
    merged = world.client.post("/api/librarian/duplicates/merge", json=merge, headers=world.as_role(Role.librarian))
    assert merged.status_code == 200
    before = {i: world.asset(i) for i in ("p1", "p2", "p3")}

    for lifecycle in world.store.lifecycles:  # type: ignore[attr-defined]
        lifecycle.reindex()  # what `loupe reindex` runs
    world.store.refresh()

    after = {i: world.asset(i) for i in ("p1", "p2", "p3")}
    for asset_id, asset in after.items():
        for key in ("title", "groups", "status", "provenance", "edits", "conflicts"):
            assert asset[key] == before[asset_id][key], (asset_id, key)
    assert world.client.get("/api/assets/p3", headers=world.as_role(Role.viewer)).status_code == 404
    assert world.index().conflicts == 0
    etag = world.client.get("/api/assets/p1", headers=world.as_role(Role.librarian)).headers["ETag"]
    assert world.patch("p1", {"credit": "Harbour office"}, **{"If-Match": etag}).status_code == 200
