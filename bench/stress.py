"""Stress on loopback: searches, edits, deletions and `loupe index` all at once, on each backend.

    .venv/bin/python bench/stress.py                       # 120 s per backend, embedded and OpenSearch
    .venv/bin/python bench/stress.py --quick --backend embedded
    .venv/bin/python bench/stress.py --opensearch-url http://127.0.0.1:9201   # reuse a running node

For `--duration` seconds, against a real `loupe serve` process:
- 8 clients search in every mode as a viewer of group `team`;
- 1 librarian moves assets between `team` and another group and retires/approves them (PATCH);
- 1 client deletes photos from the library folder and puts them back;
- `loupe index --prune` re-runs over the folder and its manifest the whole time.

Checked: no response >= 500; no stale visibility (a hit the viewer may not see according to
every edit acknowledged before its search started, and no later edit that could show it);
and, after a last index run, exact counts (every file one asset) with every edit still in
place. Stops by itself; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common_node import local_node
from common_report import print_json_line, print_table
from common_server import free_port, wait_healthy

from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role

ROOT = Path(__file__).resolve().parent.parent
LOUPE = str(ROOT / ".venv" / "bin" / "loupe")
WORDS = ["harbour", "boat", "sunset", "city", "forest", "portrait", "storm clouds over a road", "qwxzv"]
MODES = ["keyword", "semantic", "hybrid"]


def write_library(folder: Path, count: int) -> list[str]:
    """`count` small JPEGs with a DAM manifest (every asset starts in group `team`); returns the ids."""
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True)
    rows = []
    for i in range(count):
        pixels = (rng.random((48, 64, 3)) * 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"p{i:04d}.jpg", quality=80)
        words = " ".join(rng.choice(WORDS[:-2], size=2, replace=False))
        rows.append({"id": f"s{i:04d}", "file": f"p{i:04d}.jpg", "title": f"{words} {i}",
                     "tags": words.replace(" ", ";"), "groups": "team", "status": "approved"})  # fmt: skip
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [row["id"] for row in rows]


@dataclass
class Edit:
    started: float
    visible: bool
    acknowledged: float = float("inf")
    """When the edit returned; infinity while it is in flight (or if it failed)."""


@dataclass
class Ledger:
    """Every visibility edit per asset, with when it was sent and when it returned."""

    edits: dict[str, list[Edit]] = field(default_factory=dict)

    def visible_at(self, asset_id: str, moment: float) -> bool:
        """What the viewer may see per the edits acknowledged before `moment` (all start visible)."""
        done = [e for e in self.edits.get(asset_id, []) if e.acknowledged < moment]
        return done[-1].visible if done else True

    def last(self, asset_id: str) -> Edit | None:
        done = [e for e in self.edits.get(asset_id, []) if e.acknowledged < float("inf")]
        return done[-1] if done else None

    def could_show(self, asset_id: str, started: float, ended: float) -> bool:
        """Visible when the search started, or made visible by an edit sent before it ended."""
        return self.visible_at(asset_id, started) or any(
            e.visible and e.started < ended for e in self.edits.get(asset_id, [])
        )


@dataclass
class Tally:
    requests: dict[str, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    index_runs: int = 0
    index_failures: list[str] = field(default_factory=list)
    deletions: int = 0

    def count(self, kind: str) -> None:
        self.requests[kind] = self.requests.get(kind, 0) + 1


async def searcher(client: httpx.AsyncClient, ledger: Ledger, tally: Tally, seed: int, deadline: float) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        params = {"q": rng.choice(WORDS), "mode": rng.choice(MODES), "size": 100}
        started = time.monotonic()
        response = await client.get("/api/search", params=params)
        ended = time.monotonic()
        tally.count(f"search {params['mode']}")
        if response.status_code >= 500:
            tally.server_errors.append(f"search {params}: {response.status_code} {response.text[:200]}")
            continue
        for hit in response.json().get("hits", []):
            asset_id = hit["asset"]["id"]
            if not ledger.could_show(asset_id, started, ended):
                timeline = [(round(e.started - started, 3), round(e.acknowledged - started, 3), e.visible)
                            for e in ledger.edits.get(asset_id, [])][-3:]  # fmt: skip
                tally.leaks.append(f"{asset_id} in {params}, search took {ended - started:.3f} s, edits {timeline}")


async def editor(client: httpx.AsyncClient, ids: list[str], ledger: Ledger, tally: Tally, deadline: float) -> None:
    rng = random.Random(1)
    while time.monotonic() < deadline:
        asset_id = rng.choice(ids)
        hide = rng.random() < 0.5
        change: dict[str, object] = (
            {"groups": ["elsewhere"]} if rng.random() < 0.5 else {"status": "retired"}
        ) if hide else {"groups": ["team"], "status": "approved"}  # fmt: skip
        change["description"] = f"edited {time.monotonic():.3f}"
        edit = Edit(time.monotonic(), not hide)
        ledger.edits.setdefault(asset_id, []).append(edit)  # in flight: a search may already see it
        response = await client.patch(f"/api/assets/{asset_id}", json=change)
        tally.count("edit")
        if response.status_code >= 500:
            tally.server_errors.append(f"edit {asset_id}: {response.status_code} {response.text[:200]}")
        if response.status_code == 200:
            edit.acknowledged = time.monotonic()


async def deleter(library: Path, files: list[str], tally: Tally, deadline: float) -> None:
    """Takes photos out of the folder and puts them back: the index runs prune and re-add them.

    These photos are not the ones being edited: a pruned asset takes its edits with it, and one
    whose file comes back is indexed afresh from its sources.
    """
    rng = random.Random(2)
    away = library.parent / "away"
    away.mkdir(exist_ok=True)
    while time.monotonic() < deadline:
        photo = library / rng.choice(files)
        shutil.move(photo, away / photo.name)
        tally.deletions += 1
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        shutil.move(away / photo.name, photo)
        await asyncio.sleep(rng.uniform(0.2, 0.6))


async def index_loop(library: Path, env: dict[str, str], tally: Tally, deadline: float) -> None:
    while time.monotonic() < deadline:
        tally.count("index run")
        done = await run_index(library, env)
        tally.index_runs += 1
        if done.returncode != 0:
            tally.index_failures.append(done.stderr[-500:])


async def run_index(library: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    process = await asyncio.create_subprocess_exec(
        LOUPE, "index", str(library), "--manifest", str(library / "manifest.csv"), "--prune",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    return subprocess.CompletedProcess([], process.returncode or 0, out.decode(), err.decode())


async def stress(base: str, keys: dict[str, str], library: Path, env: dict[str, str], ids: list[str],
                 duration: float, clients: int) -> tuple[Tally, Ledger]:  # fmt: skip
    ledger, tally = Ledger(), Tally()
    deadline = time.monotonic() + duration
    edited = ids[: len(ids) * 3 // 4]
    deleted = [f"p{int(asset_id[1:]):04d}.jpg" for asset_id in ids[len(edited) :]]
    viewer = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {keys['viewer']}"}, timeout=60)
    librarian = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {keys['librarian']}"}, timeout=60)
    async with viewer, librarian:
        await asyncio.gather(
            *(searcher(viewer, ledger, tally, seed, deadline) for seed in range(clients)),
            editor(librarian, edited, ledger, tally, deadline),
            deleter(library, deleted, tally, deadline),
            index_loop(library, env, tally, deadline),
        )
    return tally, ledger


def final_check(base: str, keys: dict[str, str], ids: list[str], ledger: Ledger) -> list[str]:
    """Every file one asset, and each edited asset still as its last acknowledged edit left it."""
    problems: list[str] = []
    admin = {"Authorization": f"Bearer {keys['librarian']}"}
    total = httpx.get(f"{base}/api/search", params={"size": 0, "mode": "keyword"}, headers=admin, timeout=60).json()
    if total["total"] != len(ids):
        problems.append(f"{total['total']} assets for {len(ids)} files")
    for asset_id, edits in ledger.edits.items():
        body = httpx.get(f"{base}/api/assets/{asset_id}", headers=admin, timeout=60).json()
        shown = body["status"] == "approved" and "team" in body["groups"]
        if shown != edits[-1].visible:
            problems.append(
                f"{asset_id}: expected visible={edits[-1].visible}, found {body['status']} {body['groups']}"
            )
    return problems


def seed_accounts(data_dir: Path) -> dict[str, str]:
    accounts = AccountStore(data_dir / "accounts.sqlite3")
    keys = {}
    for name, role, groups in (("librarian", Role.librarian, []), ("viewer", Role.viewer, ["team"])):
        accounts.add_user(name, role, groups, None, actor="bench")
        keys[name] = accounts.create_key(name, "stress", actor="bench")[1]
    accounts.close()
    return keys


def one_backend(backend: str, url: str | None, files: int, duration: float, clients: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"loupe-stress-{backend}-") as tmp:
        data_dir, library = Path(tmp) / "data", Path(tmp) / "library"
        ids = write_library(library, files)
        # No OCR: reading text costs ~0.7 s an image and is not what is stressed here.
        env = {**os.environ, "LOUPE_DATA_DIR": str(data_dir), "LOUPE_CLIP_MODEL": "", "LOUPE_BACKEND": backend,
               "LOUPE_INDEX_PREFIX": f"stress-{os.getpid()}-", "LOUPE_INDEX_WORKERS": "1",
               "LOUPE_OCR": "false"}  # fmt: skip
        if url:
            env["LOUPE_OPENSEARCH_URL"] = url
        first = asyncio.run(run_index(library, env))
        if first.returncode != 0:
            raise SystemExit(f"the first index run failed:\n{first.stderr[-2000:]}")
        keys = seed_accounts(data_dir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([LOUPE, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            wait_healthy(base, server)
            warm = {"Authorization": f"Bearer {keys['viewer']}"}  # loads the text model before the clock starts
            httpx.get(f"{base}/api/search", params={"q": "warm up", "mode": "hybrid"}, headers=warm, timeout=300)
            started = time.monotonic()
            tally, ledger = asyncio.run(stress(base, keys, library, env, ids, duration, clients))
            elapsed = time.monotonic() - started
            last = asyncio.run(run_index(library, env))
            if last.returncode != 0:
                tally.index_failures.append(last.stderr[-500:])
            if backend == "opensearch":
                httpx.post(f"{url}/_refresh", timeout=60)
            problems = final_check(base, keys, ids, ledger)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return {
        "backend": backend, "seconds": round(elapsed, 1), "requests": sum(tally.requests.values()),
        "searches": sum(v for k, v in tally.requests.items() if k.startswith("search")),
        "edits": tally.requests.get("edit", 0), "deletions": tally.deletions, "index_runs": tally.index_runs,
        "server_errors": len(tally.server_errors), "leaks": len(tally.leaks),
        "index_failures": len(tally.index_failures), "final_problems": problems,
        "examples": (tally.server_errors + tally.leaks + tally.index_failures)[:5],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["embedded", "opensearch", "both"], default="both")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of stress per backend")
    parser.add_argument("--files", type=int, default=200, help="photos in the library")
    parser.add_argument("--clients", type=int, default=8, help="concurrent searching clients")
    parser.add_argument("--opensearch-url", default=None, help="use this node instead of starting one")
    parser.add_argument("--quick", action="store_true", help="30 photos, 10 s per backend")
    args = parser.parse_args()
    if args.quick:
        args.files, args.duration = 30, 10.0
    backends = ["embedded", "opensearch"] if args.backend == "both" else [args.backend]
    results = []
    for backend in backends:
        if backend == "opensearch" and args.opensearch_url is None:
            with (
                tempfile.TemporaryDirectory(prefix="loupe-stress-node-") as node_dir,
                local_node(Path(node_dir)) as url,
            ):
                results.append(one_backend(backend, url, args.files, args.duration, args.clients))
        else:
            results.append(one_backend(backend, args.opensearch_url, args.files, args.duration, args.clients))
    print_table(
        ["backend", "seconds", "searches", "edits", "deletions", "index runs", "errors >= 500", "leaks", "final"],
        [[r["backend"], r["seconds"], r["searches"], r["edits"], r["deletions"], r["index_runs"], r["server_errors"],
          r["leaks"], "exact" if not r["final_problems"] else "; ".join(r["final_problems"][:3])] for r in results],
    )  # fmt: skip
    for result in results:
        for example in result["examples"]:  # type: ignore[attr-defined]
            print(f"  {result['backend']}: {example}")
    clean = all(not r["server_errors"] and not r["leaks"] and not r["index_failures"] and not r["final_problems"]
                for r in results)  # fmt: skip
    print_json_line({"bench": "stress", "clean": clean, "results": results})
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
