"""Relevance benchmark: judged queries over the demo library and a library of real photos, per
mode, fusion and backend: nDCG@10, P@10 and recall@50 (ir_measures), nDCG@10 per kind of query,
repeated pictures in the top 10 (copies of one photo), and how many results nonsense queries get.
Judged and measured per picture: an asset and its copies are one picture (`picture_of`). Also
prints the relevance floors each run used.

    .venv/bin/python bench/relevance.py                 # both libraries, embedded + OpenSearch
    .venv/bin/python bench/relevance.py --quick         # demo library, embedded only (< 1 min)

Queries go through the search service exactly as the API runs them (vocabulary synonyms,
calibrated floors, the by-meaning rescue when keyword search finds nothing). CLIP weights are
used when `--clip` names available ones; without them Loupe searches by keyword and MiniLM
metadata embeddings, and the table says which encoders ran.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common_duplicate_corpus import available_sources
from common_node import local_node
from common_report import print_json_line, print_table
from relevance_judgments import DEMO, KINDS, PHOTO_QUERIES, PHOTOS, VOCABULARY, Judged, photo_ids, picture_of
from relevance_metrics import measures

from indexer.demo_library import MANIFEST_COLUMNS, MANIFEST_NAME, build_demo_library
from indexer.pipeline import run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateThresholds
from loupe_core.librarian.search_folding import SearchFolding
from loupe_core.librarian.vocabulary import Vocabulary, VocabularyTerm
from loupe_core.mapping import load_index_definition
from loupe_core.query import DuplicateClusters, FusionMethod, Query, SearchMode
from loupe_core.relevance.floors import RelevanceFloors
from loupe_core.search_service import SearchService
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.opensearch import OpenSearchStore

RESULTS = 50
"""Results read per query: recall@50 needs them."""
UPSERT_CHUNK = 200


@dataclass(frozen=True)
class Config:
    name: str
    mode: SearchMode
    fusion: FusionMethod = FusionMethod.rrf
    keyword_weight: float = 1.0
    floors: bool = True
    collapse: bool = False


CONFIGS = (
    Config("keyword", SearchMode.keyword),
    Config("semantic", SearchMode.semantic),
    Config("hybrid rrf", SearchMode.hybrid),
    Config("hybrid weighted_rrf kw x2", SearchMode.hybrid, FusionMethod.weighted_rrf, 2.0),
    Config("hybrid scores", SearchMode.hybrid, FusionMethod.scores),
    Config("hybrid scores kw x2", SearchMode.hybrid, FusionMethod.scores, 2.0),
    Config("hybrid rrf, duplicates collapsed", SearchMode.hybrid, collapse=True),
    Config("hybrid rrf, no floors (before)", SearchMode.hybrid, floors=False),
)
TOP = 10


def write_photo_library(folder: Path) -> Path:
    """Every available scikit-image photo that has written metadata, plus copies of `COPIED`."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str]] = []
    for source in available_sources():
        name = source.name.removeprefix("skimage-")
        meta = PHOTOS.get(name)
        if meta is None:  # opencv-doc photos have no written metadata here
            continue
        image = source.load().convert("RGB")
        copies = {"": (image, 92), "-web": (image.resize((image.width // 2, image.height // 2)), 85)}
        copies["-email"] = (image, 30)
        for asset_id in photo_ids(name):
            suffix = asset_id.removeprefix(f"photo-{name.replace('_', '-')}")
            picture, quality = copies[suffix]
            file = f"{asset_id}.jpg"
            picture.save(folder / file, quality=quality)
            row = dict.fromkeys(MANIFEST_COLUMNS, "")
            row.update(
                id=asset_id, file=file, title=meta.title, description=meta.description, tags=meta.tags,
                taxonomy=meta.taxonomy, owner="bench", groups="library", status="approved",
            )  # fmt: skip
            rows.append(row)
    with (folder / MANIFEST_NAME).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return folder


LIBRARIES = {"demo": (build_demo_library, DEMO), "photos": (write_photo_library, PHOTO_QUERIES)}


def index_library(name: str, work: Path, settings: Settings, encoders: Encoders) -> EmbeddedStore:
    build, _ = LIBRARIES[name]
    folder = build(work / f"{name}-files")
    store = EmbeddedStore(work / f"{name}.sqlite3", load_index_definition(REPO_ROOT / "mappings", "assets"))
    report = run_index(settings, folder, folder / MANIFEST_NAME, quiet=True, store=store, encoders=encoders)
    if report.failed:
        raise RuntimeError(f"{name}: {len(report.failed)} files failed to index")
    return store


@contextmanager
def opensearch_copy(url: str, source: AssetStore, work: Path) -> Iterator[OpenSearchStore]:
    settings = Settings(backend="opensearch", opensearch_url=url, index_prefix=f"bench-{uuid.uuid4().hex[:8]}-")
    store = OpenSearchStore.from_settings(settings, load_index_definition(REPO_ROOT / "mappings", "assets"))
    assets = list(source.scan(with_vectors=True))
    for start in range(0, len(assets), UPSERT_CHUNK):
        report = store.upsert(assets[start : start + UPSERT_CHUNK])
        if report.failures:
            raise RuntimeError(f"OpenSearch refused {len(report.failures)} assets: {report.failures[0]}")
    store.refresh()
    try:
        yield store
    finally:
        for lifecycle in store.lifecycles:
            lifecycle.drop()
        store.close()


def evaluate(service: SearchService, judged: list[Judged], config: Config) -> dict[str, Any]:
    runs: dict[str, list[str]] = {}
    nonsense: list[int] = []
    repeats: list[int] = []
    for item in judged:
        query = Query(
            text=item.text, mode=config.mode, size=RESULTS, facets=(), fusion=config.fusion,
            keyword_weight=config.keyword_weight,
        )  # fmt: skip
        result = service.search(query, collapse=config.collapse)
        if item.kind == "nonsense":
            nonsense.append(result.total)
            continue
        pictures = [picture_of(hit.asset.id) for hit in result.hits]
        repeats.append(len(pictures[:TOP]) - len(set(pictures[:TOP])))
        runs[item.text] = list(dict.fromkeys(pictures))
    qrels: dict[str, dict[str, int]] = {}
    for item in judged:
        if item.kind != "nonsense":
            graded = qrels.setdefault(item.text, {})
            for asset_id, grade in item.grades.items():
                graded[picture_of(asset_id)] = max(grade, graded.get(picture_of(asset_id), 0))
    overall = measures(qrels, runs)
    per_kind = {}
    for kind in KINDS[:-1]:
        subset = {
            text: grades for text, grades in qrels.items() if any(j.text == text and j.kind == kind for j in judged)
        }
        if subset:
            per_kind[kind] = round(measures(subset, runs)["nDCG@10"], 3)
    return {
        **{name: round(value, 3) for name, value in overall.items()},
        "ndcg_by_kind": per_kind,
        "nonsense_results": nonsense,
        "repeats_at_10": round(sum(repeats) / len(repeats), 2),
    }


def duplicate_clusters(store: AssetStore, path: Path) -> Callable[[], DuplicateClusters]:
    """The library's exact and visual duplicate clusters, found as a librarian's refresh finds them."""
    db = open_librarian_db(path)
    DuplicateFinder(store, db, DuplicateThresholds()).refresh()
    return SearchFolding(db, store).clusters


def vocabulary(work: Path) -> Vocabulary:
    terms = Vocabulary(open_librarian_db(work / "librarian.sqlite3"))
    terms.upsert([VocabularyTerm(term=term, synonyms=synonyms) for term, synonyms in VOCABULARY.items()])
    return terms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="demo library, embedded backend only")
    parser.add_argument("--libraries", default="demo,photos")
    parser.add_argument("--backends", default="embedded,opensearch")
    parser.add_argument("--clip", default=Settings().clip_model, help="LOUPE_CLIP_MODEL for this run")
    parser.add_argument("--opensearch-url", help="use this cluster instead of starting a local node")
    args = parser.parse_args()
    libraries = ["demo"] if args.quick else args.libraries.split(",")
    backends = ["embedded"] if args.quick else args.backends.split(",")

    with tempfile.TemporaryDirectory(prefix="loupe-relevance-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", clip_model=args.clip, device="cpu")
        encoders = Encoders.from_settings(settings)
        used = {
            kind: encoders.problems.get(kind, "ok") for kind in ("clip", "text") if (encoders.clip(), encoders.text())
        }
        terms = vocabulary(work)
        url = args.opensearch_url
        if "opensearch" in backends and url is None:
            url = stack.enter_context(local_node(work / "opensearch"))
        rows: list[list[Any]] = []
        floors_rows: list[list[Any]] = []
        figures: dict[str, Any] = {}
        for library in libraries:
            embedded = stack.enter_context(_closing(index_library(library, work, settings, encoders)))
            stores: dict[str, AssetStore] = {"embedded": embedded}
            if "opensearch" in backends:
                stores["opensearch"] = stack.enter_context(opensearch_copy(str(url), embedded, work))
            judged = LIBRARIES[library][1]
            for backend, store in stores.items():
                floors = RelevanceFloors(work / f"floors-{library}-{backend}.json", store, encoders)
                clusters = duplicate_clusters(store, work / f"duplicates-{library}-{backend}.sqlite3")
                for config in CONFIGS:
                    service = SearchService(
                        store,
                        encoders,
                        settings.max_image_pixels,
                        synonyms=terms.synonyms_for,
                        floors=floors if config.floors else None,
                        clusters=clusters,
                    )
                    found = evaluate(service, judged, config)
                    figures.setdefault(library, {}).setdefault(backend, {})[config.name] = found
                    rows.append(
                        [library, backend, config.name, found["nDCG@10"], found["P@10"], found["R@50"],
                         *(found["ndcg_by_kind"].get(k, "–") for k in KINDS[:-1]),
                         found["repeats_at_10"], sum(found["nonsense_results"])]
                    )  # fmt: skip
                for field, calibration in floors.calibrations().items():
                    floors_rows.append([library, backend, field, calibration.model, calibration.floor,
                                        calibration.library_size, calibration.null_queries])  # fmt: skip
                    figures[library][backend].setdefault("floors", {})[field] = calibration.floor
        print_table(
            ["library", "backend", "config", "nDCG@10", "P@10", "R@50", *(f"nDCG {k}" for k in KINDS[:-1]),
             "repeats@10", "nonsense results"],
            rows,
        )  # fmt: skip
        print()
        print_table(["library", "backend", "field", "model", "floor", "assets", "null queries"], floors_rows)
        print_json_line({"bench": "relevance", "quick": args.quick, "encoders": used, "figures": figures})


@contextmanager
def _closing(store: EmbeddedStore) -> Iterator[EmbeddedStore]:
    try:
        yield store
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
