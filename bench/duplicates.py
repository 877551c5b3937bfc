"""Duplicate detection: Loupe's exact and visual queues against imagededup and plain imagehash, in one run.

    .venv/bin/python bench/duplicates.py            # every available source photo
    .venv/bin/python bench/duplicates.py --quick    # 16 source photos

One corpus (bench/common_duplicate_corpus.py: real photos, fifteen kinds of copy, real second
takes, distinct photos as singletons) is written once; then every method runs on that same folder:

- Loupe: `run_index` (its ingest path, no models, so no vectors, and OCR off: text in images
  costs ~0.7 s per image and plays no part in duplicates) writes sha256, pHash, dHash and
  the local features into a fresh embedded store; `DuplicateFinder.refresh` then fills the exact
  and visual queues (sha256 groups; pHash within its distance, or pHash and dHash both within
  the agreeing distance) at several thresholds, and once with the default settings the near
  queue too (descriptor-vote candidates, geometric verification: no model), read back as
  `duplicate_clusters` returns them to a librarian. All of it is Loupe's own code, unchanged.
  Scored on the pairs the queues hold, like every peer, plus one row for the clusters a
  librarian is shown (every two members of one cluster count as a found pair). CLIP as the
  candidate source is NOT measured: it needs trained CLIP weights, which are not available
  offline, and random weights would measure noise (tests/librarian/test_clip_candidates_verified.py
  checks that path with planted vectors instead).
- imagededup: PHash, DHash, WHash and AHash at their default distance (10), around it and at 16;
  its CNN method only if its MobileNet weights load (they are downloaded on first use).
- imagehash: `phash` of each file, every pair compared, at common Hamming thresholds.

Scores are pairwise against the ground truth (two files are duplicates when they come from the
same source photo, or are the two takes of one scene): precision, recall, F1, false pairs that
touch a singleton, and recall per kind of copy (original vs copy; first vs second take).
Times are wall seconds from files to pairs; Loupe and imagededup each get `--workers` worker
processes, plain imagehash runs in the main process. Loupe's time is its whole ingest without OCR (which
also writes previews, thumbnails and colours, needed anyway for search) plus the queue
refresh; the refresh alone is reported too, as that is all the queues cost in a library that
is indexed anyway; per 1,000 assets, the refresh (candidates + verification) is set beside
imagededup's matching, and the features' share of the ingest beside its hashing.
Prints markdown tables, then ONE JSON line with every figure.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
from common_duplicate_corpus import ORIGINAL, VARIANTS, Corpus, build_corpus
from common_report import print_json_line, print_table
from PIL import Image

from loupe_core.settings import Settings

QUICK_SOURCES = 16
DUPLICATED_SHARE = 2 / 3
IMAGEDEDUP_THRESHOLDS = (4, 6, 8, 10, 12, 16)  # 10 is imagededup's default max_distance_threshold
IMAGEHASH_THRESHOLDS = (4, 8, 10)
LOUPE_DEFAULT = (
    int(Settings.model_fields["duplicate_phash_distance"].default),
    int(Settings.model_fields["duplicate_agreeing_distance"].default),
)
LOUPE_CONFIGS = ((8, 0), (10, 0), (12, 0), LOUPE_DEFAULT)
"""(pHash distance, agreeing distance): pHash alone at three distances, then the default rule."""
CNN_MIN_SIMILARITY = 0.9  # imagededup's default min_similarity_threshold
LOUPE_BOTH = "loupe exact+visual"
LOUPE_CLUSTERS = "loupe clusters (exact+visual)"
LOUPE_NEAR = "loupe near (geometric)"
LOUPE_ALL = "loupe all queues"
LOUPE_ALL_CLUSTERS = "loupe clusters (all queues)"
NEAR_NOT_MEASURED = (
    "needs trained CLIP weights (none offline; random weights would measure noise); the geometric filter "
    "on CLIP candidates is exercised with planted vectors in tests/librarian/test_clip_candidates_verified.py"
)

Pair = tuple[str, str]


@dataclass
class Detection:
    """The pairs one method (at one threshold) reported, and what it cost."""

    name: str
    threshold: str
    pairs: set[Pair]
    hash_s: float
    match_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def time_s(self) -> float:
        return self.hash_s + self.match_s


def ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def pairs_from_lists(duplicates: dict[str, Iterable[Any]]) -> set[Pair]:
    """imagededup's {file: [duplicate, ...]} (names, or (name, score) with scores) as unordered pairs."""
    found: set[Pair] = set()
    for name, others in duplicates.items():
        for other in others:
            found.add(ordered(name, other[0] if isinstance(other, tuple) else other))
    return found


def measure_loupe(corpus: Corpus, work: Path, workers: int) -> tuple[list[Detection], dict[str, Any]]:
    """Loupe's ingest, then its queue refresh once per threshold pair (each into a fresh librarian DB).

    Returns the detections and the ingest's own figures (time per stage, from its report).
    """
    from indexer.pipeline import run_index
    from loupe_core.feature_files import FeatureFiles
    from loupe_core.librarian.clusters import duplicate_clusters
    from loupe_core.librarian.db import open_librarian_db
    from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateQueue, DuplicateThresholds
    from loupe_core.store.factory import open_store

    settings = Settings(
        data_dir=work,
        backend="embedded",
        clip_model="",
        text_model="",
        ocr=False,
        device="cpu",
        index_workers=workers,
    )
    store = open_store(settings)
    try:
        started = time.perf_counter()
        report = run_index(settings, corpus.folder, None, quiet=True, store=store)
        ingest_s = time.perf_counter() - started
        assert report.indexed == len(corpus.files) and not report.failed, report.summary()
        names = {asset.id: Path(asset.path or "").name for asset in store.scan()}
        detections: list[Detection] = []
        for distance, agreeing in LOUPE_CONFIGS:
            db = open_librarian_db(work / f"librarian-d{distance}-a{agreeing}.sqlite3")
            started = time.perf_counter()
            thresholds = DuplicateThresholds(phash_distance=distance, agreeing_distance=agreeing, geometric=None)
            DuplicateFinder(store, db, thresholds).refresh()
            clusters = [
                c
                for queue in (DuplicateQueue.exact, DuplicateQueue.visual)
                for c in duplicate_clusters(store, db, queue, None)
            ]
            refresh_s = time.perf_counter() - started
            exact, visual = (
                {ordered(names[pair.a], names[pair.b]) for c in clusters if c.queue is queue for pair in c.pairs}
                for queue in (DuplicateQueue.exact, DuplicateQueue.visual)
            )
            grouped = {
                ordered(names[a.id], names[b.id]) for c in clusters for a, b in itertools.combinations(c.members, 2)
            }
            db.close()
            label = f"pHash d≤{distance}" + (f" or both d≤{agreeing}" if agreeing else "")
            label += " (default)" if (distance, agreeing) == LOUPE_DEFAULT else ""
            extra = {"refresh_s": round(refresh_s, 4)}
            detections.append(Detection(LOUPE_BOTH, label, exact | visual, ingest_s, refresh_s, extra))
            if (distance, agreeing) == LOUPE_DEFAULT:
                detections.append(Detection("loupe exact", "sha256", exact, ingest_s, refresh_s, extra))
                detections.append(Detection("loupe visual", label, visual, ingest_s, refresh_s, extra))
                detections.append(Detection(LOUPE_CLUSTERS, label, grouped, ingest_s, refresh_s, extra))
        db = open_librarian_db(work / "librarian-all.sqlite3")
        started = time.perf_counter()
        DuplicateFinder(
            store, db, DuplicateThresholds.from_settings(settings), FeatureFiles(settings.features_dir)
        ).refresh()
        refresh_s = time.perf_counter() - started
        queues = {
            queue: duplicate_clusters(store, db, queue, None)
            for queue in (DuplicateQueue.exact, DuplicateQueue.visual, DuplicateQueue.near)
        }
        db.close()
        found = {q: {ordered(names[p.a], names[p.b]) for c in cs for p in c.pairs} for q, cs in queues.items()}
        grouped = {
            ordered(names[a.id], names[b.id])
            for cs in queues.values()
            for c in cs
            for a, b in itertools.combinations(c.members, 2)
        }
        per_1000 = round(refresh_s / len(corpus.files) * 1000, 3)
        extra = {"refresh_s": round(refresh_s, 4), "refresh_s_per_1000": per_1000}
        label = "default settings, no model"
        all_pairs = set().union(*found.values())
        detections.append(Detection(LOUPE_NEAR, label, found[DuplicateQueue.near], ingest_s, refresh_s, extra))
        detections.append(Detection(LOUPE_ALL, label, all_pairs, ingest_s, refresh_s, extra))
        detections.append(Detection(LOUPE_ALL_CLUSTERS, label, grouped, ingest_s, refresh_s, extra))
        stages = {stage: round(seconds, 3) for stage, seconds in report.stage_seconds.items()}
        features_bytes = [f.stat().st_size for f in settings.features_dir.iterdir()]
        return detections, {
            "time_s": round(ingest_s, 3),
            "stage_s": stages,
            "features_s_per_1000": round(stages.get("features", 0.0) / len(corpus.files) * 1000, 3),
            "features_bytes_mean": round(sum(features_bytes) / max(1, len(features_bytes))),
            "features_bytes_max": max(features_bytes, default=0),
        }
    finally:
        store.close()


def measure_imagededup_hashes(corpus: Corpus, workers: int) -> list[Detection]:
    from imagededup.methods import AHash, DHash, PHash, WHash

    detections: list[Detection] = []
    for method in (PHash, DHash, WHash, AHash):
        hasher = method(verbose=False)
        started = time.perf_counter()
        encodings = hasher.encode_images(image_dir=corpus.folder, num_enc_workers=workers)
        hash_s = time.perf_counter() - started
        for threshold in IMAGEDEDUP_THRESHOLDS:
            started = time.perf_counter()
            found = hasher.find_duplicates(
                encoding_map=encodings, max_distance_threshold=threshold, num_dist_workers=workers
            )
            match_s = time.perf_counter() - started
            label = f"d≤{threshold}" + (" (default)" if threshold == 10 else "")
            detections.append(
                Detection(f"imagededup {method.__name__}", label, pairs_from_lists(found), hash_s, match_s)
            )
    return detections


def measure_imagededup_cnn(corpus: Corpus, workers: int) -> Detection | str:
    """The CNN method, or why it did not run (it downloads MobileNetV3 weights on first use)."""
    from imagededup.methods import CNN

    started = time.perf_counter()
    try:
        cnn = CNN(verbose=False)
    except Exception as exc:  # any failure to get the weights is a reason to report, not a crash
        return f"not run: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    encodings = cnn.encode_images(image_dir=corpus.folder, num_enc_workers=workers)
    hash_s = time.perf_counter() - started
    started = time.perf_counter()
    found = cnn.find_duplicates(encoding_map=encodings, min_similarity_threshold=CNN_MIN_SIMILARITY)
    match_s = time.perf_counter() - started
    label = f"cos≥{CNN_MIN_SIMILARITY} (default)"
    return Detection("imagededup CNN", label, pairs_from_lists(found), hash_s, match_s)


def measure_imagehash(corpus: Corpus) -> list[Detection]:
    """`imagehash.phash` per file, then every pair's Hamming distance at once in NumPy (no index: n is small)."""
    names = sorted(file.name for file in corpus.files)
    started = time.perf_counter()
    hashes = []
    for name in names:
        with Image.open(corpus.folder / name) as image:
            hashes.append(imagehash.phash(image).hash.flatten())
    hash_s = time.perf_counter() - started
    detections: list[Detection] = []
    for threshold in IMAGEHASH_THRESHOLDS:
        started = time.perf_counter()
        bits = np.asarray(hashes, dtype=np.uint8)
        distances = (bits[:, None, :] != bits[None, :, :]).sum(axis=2)
        rows, cols = np.nonzero(np.triu(distances <= threshold, k=1))
        found = {ordered(names[i], names[j]) for i, j in zip(rows.tolist(), cols.tolist(), strict=True)}
        match_s = time.perf_counter() - started
        detections.append(Detection("imagehash phash", f"d≤{threshold}", found, hash_s, match_s))
    return detections


def score(
    detection: Detection, truth: set[Pair], by_variant: dict[str, list[Pair]], singletons: set[str], files: int
) -> dict[str, Any]:
    """Pairwise precision/recall/F1 against every same-source pair, false pairs touching a singleton,
    recall of each kind of copy, and the matching time per 1,000 assets."""
    hits = len(detection.pairs & truth)
    precision = hits / len(detection.pairs) if detection.pairs else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    variant_recall = {
        variant: round(sum(p in detection.pairs for p in wanted) / len(wanted), 3) if wanted else None
        for variant, wanted in by_variant.items()
    }
    return {
        "method": detection.name,
        "threshold": detection.threshold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "found_pairs": len(detection.pairs),
        "false_pairs": len(detection.pairs) - hits,
        "singleton_false_pairs": sum(1 for a, b in detection.pairs if a in singletons or b in singletons),
        "time_s": round(detection.time_s, 3),
        "hash_s": round(detection.hash_s, 3),
        "match_s": round(detection.match_s, 4),
        "match_s_per_1000": round(detection.match_s / files * 1000, 3),
        "variant_recall": variant_recall,
        **detection.extra,
    }


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    folder = work / "corpus"
    folder.mkdir()
    corpus = build_corpus(folder, args.sources, DUPLICATED_SHARE, args.seed)
    truth, by_variant = corpus.duplicate_pairs(), corpus.variant_pairs()
    print(f"corpus: {len(corpus.files)} files from {corpus.origins}", file=sys.stderr, flush=True)
    detections, ingest = measure_loupe(corpus, work / "loupe", args.workers)
    detections += measure_imagededup_hashes(corpus, args.workers)
    cnn = measure_imagededup_cnn(corpus, args.workers)
    detections += [cnn] if isinstance(cnn, Detection) else []
    detections += measure_imagehash(corpus)
    singletons = corpus.singletons()
    results = [score(d, truth, by_variant, singletons, len(corpus.files)) for d in detections]
    loupe = next(r for r in results if r["method"] == LOUPE_ALL)
    best = max((r for r in results if r["method"].startswith("imagededup")), key=lambda r: (r["f1"], -r["time_s"]))
    for result in results:
        result["f1_vs_best"] = round(result["f1"] / best["f1"], 3) if best["f1"] else None
        result["time_vs_best"] = round(result["time_s"] / best["time_s"], 3)
    files = len(corpus.files)
    duplicated = sum(1 for f in corpus.files if f.variant == ORIGINAL)
    return {
        "bench": "duplicates",
        "corpus": {
            "files": files,
            "sources": corpus.origins,
            "duplicated_sources": duplicated,
            "distinct_sources": sum(corpus.origins.values()) - duplicated,
            "second_take_pairs": len(by_variant["second_take"]),
            "variants": list(VARIANTS),
            "duplicate_pairs": len(truth),
            "negative_pairs": files * (files - 1) // 2 - len(truth),
        },
        "workers": args.workers,
        "results": results,
        "not_run": {
            "loupe near (CLIP)": f"not measured: {NEAR_NOT_MEASURED}",
            **({} if isinstance(cnn, Detection) else {"imagededup CNN": cnn}),
        },
        "loupe_ingest": ingest,
        "loupe_default": {"phash_distance": LOUPE_DEFAULT[0], "agreeing_distance": LOUPE_DEFAULT[1]},
        "best_imagededup": f"{best['method']} {best['threshold']}",
        "loupe_vs_best_imagededup": {
            "f1_delta": round(loupe["f1"] - best["f1"], 4),
            "f1_ratio": loupe["f1_vs_best"],
            "time_ratio_end_to_end": loupe["time_vs_best"],
            "time_ratio_refresh_only": round(loupe["refresh_s"] / best["time_s"], 4),
        },
    }


def render(figures: dict[str, Any]) -> None:
    corpus = figures["corpus"]
    print(
        f"\nDuplicate detection: {corpus['files']} files ({corpus['duplicated_sources']} photos with "
        f"{len(corpus['variants']) - 1} copies each, {corpus['distinct_sources']} distinct, "
        f"{corpus['second_take_pairs']} second-take pairs), "
        f"{corpus['duplicate_pairs']} duplicate and {corpus['negative_pairs']} negative pairs; "
        f"source photos {corpus['sources']}; {figures['workers']} worker process(es) per method\n"
    )
    rows = [
        [
            r["method"],
            r["threshold"],
            f"{r['precision']:.3f}",
            f"{r['recall']:.3f}",
            f"{r['f1']:.3f}",
            r["false_pairs"],
            r["singleton_false_pairs"],
            f"{r['match_s_per_1000']:.2f}",
            f"{r['time_s']:.2f}",
            _cell(r["f1_vs_best"], 3),
            _cell(r["time_vs_best"], 2),
        ]
        for r in figures["results"]
    ]
    headers = [
        "method", "threshold", "precision", "recall", "F1", "false pairs", "singleton false", "match s / 1000",
        "time s", "F1 / best", "time / best",
    ]  # fmt: skip
    print_table(headers, rows)
    print(f"\nbest = {figures['best_imagededup']}, the imagededup configuration with the highest F1 here.")
    ingest, loupe = figures["loupe_ingest"], next(r for r in figures["results"] if r["method"] == LOUPE_ALL)
    print(
        f"Loupe's time = its whole ingest ({ingest['time_s']:.2f} s, of which renditions "
        f"{ingest['stage_s'].get('renditions', 0):.2f} s, local features {ingest['stage_s'].get('features', 0):.2f} s "
        f"= {ingest['features_s_per_1000']:.1f} s per 1,000 assets) + the refresh of all queues "
        f"({loupe['refresh_s']:.3f} s = {loupe['refresh_s_per_1000']:.1f} s per 1,000 assets: candidates and "
        f"geometric verification). Local features: {ingest['features_bytes_mean'] / 1000:.1f} kB per asset "
        f"on average, {ingest['features_bytes_max'] / 1000:.1f} kB at most."
    )
    for name, reason in figures["not_run"].items():
        print(f"{name}: {reason}")
    print("\nRecall per kind of copy (original vs copy; second_take: first vs second take)\n")
    rows = [
        [r["method"], r["threshold"], *(_cell(r["variant_recall"][v], 2) for v in VARIANTS)] for r in figures["results"]
    ]
    print_table(["method", "threshold", *VARIANTS], rows)
    print()


def _cell(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def quiet_imagededup() -> None:
    """imagededup gives each of its loggers a DEBUG level and a stderr handler of its own, and warns on
    every `find_duplicates(encoding_map=...)` that an argument it defaults itself has no effect."""
    import imagededup.methods  # noqa: F401  (creates the loggers)

    warnings.filterwarnings("ignore", message="Parameter num_enc_workers has no effect", category=RuntimeWarning)

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("imagededup"):
            logging.getLogger(name).setLevel(logging.WARNING)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SOURCES} source photos (default: all)")
    parser.add_argument("--sources", type=int, help="source photos to use (overrides --quick)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes for every method")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.sources = args.sources or (QUICK_SOURCES if args.quick else None)
    quiet_imagededup()
    with tempfile.TemporaryDirectory(prefix="loupe-bench-duplicates-") as work:
        figures = run(args, Path(work))
    render(figures)
    print_json_line(figures)


if __name__ == "__main__":
    main()
