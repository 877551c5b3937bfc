"""Ingest throughput against the image encoder's own: is the pipeline keeping the encoder busy?

Generates N realistic images (640-4000 px, JPEG and PNG, gradients + noise + shapes so file
sizes are real), builds open_clip ViT-B-32 with random weights (the cost of trained weights,
no download) as a `local-dir:` model, then measures on the same images:

- encoder alone: `encode_images` over the pre-decoded encoder inputs, in the pipeline's batches,
  with the torch threads `loupe index` gives it (the cores its workers leave), and with all cores
  (one thread per core), which is faster alone but leaves no core to decode on;
- end to end: `run_index` on the folder into a fresh store, with models loaded by a warm-up run
  (startup is reported separately, worker start-up is not: each run starts its pool).
- end to end with text in images read (`LOUPE_OCR=true`): the same run, OCR's ms per image (worker
  time, summed over processes) and the throughput ratio with it on and off. The generated images hold
  no text, so this is mostly the detector's cost, which every image pays; recognition adds per line.

- renditions: mean bytes and SSIM of the previews and thumbnails the last run wrote, against the
  original downscaled to the same size (`ingest_renditions`), and the same for candidate
  encodings (WebP effort and quality, JPEG) on the first `--quality-sample` files.

The pipeline and both encoder figures alternate `--repeat` times (a busy neighbour then slows them
alike) and medians are compared; the last run's time per stage is printed, and the worker's stages
once more from a pass over the files one at a time in this process (close to their CPU cost).
CPU ms per image (all threads and worker processes) are reported too: on a CPU-bound machine
`cpu_ratio` (the 1-thread encoder's CPU over the pipeline's) is what the ratio to the encoder on
all cores tends to when that encoder scales with the cores, and unlike the wall-clock ratios it
hardly moves when other processes share the machine (their spinning torch threads make the
all-cores encoder the figure a neighbour distorts most).

Prints markdown tables and one JSON line. Usage: `bench/ingest.py [--quick] [-n N] [--clip local-dir:/path]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common_models import TEXT_MODEL, random_clip_dir
from common_report import print_json_line, print_table
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from loupe_core.settings import Settings

if TYPE_CHECKING:
    from indexer.derive import DeriveSpec
    from indexer.report import IndexReport
    from loupe_core.encoders.registry import Encoders

QUICK_N = 48
DEFAULT_N = 200
ASPECTS = (4 / 3, 3 / 2, 16 / 9, 1.0, 3 / 4, 2 / 3)


def synthetic_image(rng: random.Random, long_side: int) -> tuple[Image.Image, str]:
    """A photo-like picture: a smooth two-colour gradient, shapes, blur and sensor noise; or flat PNG graphics."""
    aspect = rng.choice(ASPECTS)
    size = (long_side, round(long_side / aspect)) if aspect >= 1 else (round(long_side * aspect), long_side)
    colours = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(2)]
    base = Image.linear_gradient("L").resize((64, 64)).rotate(rng.randrange(360))
    image = Image.composite(Image.new("RGB", (64, 64), colours[0]), Image.new("RGB", (64, 64), colours[1]), base)
    image = image.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(4, 12)):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(size[0] // 10, size[0] // 3), rng.randrange(size[1] // 10, size[1] // 3)
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=fill)
    if rng.random() < 0.25:
        return image, "png"  # graphics: flat colours, no noise, as PNGs in a DAM usually are
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(1, 4)))
    noise = Image.effect_noise(size, rng.uniform(6, 14)).convert("RGB")
    return ImageChops.add(image, noise, 1.0, -128), "jpg"


def generate(folder: Path, count: int, sides: tuple[int, int], seed: int) -> int:
    """Write `count` images; returns their total size in bytes."""
    rng = random.Random(seed)
    total = 0
    for i in range(count):
        image, suffix = synthetic_image(rng, rng.randint(*sides))
        path = folder / f"img_{i:05d}.{suffix}"
        image.save(path, quality=rng.randint(82, 92)) if suffix == "jpg" else image.save(path, compress_level=6)
        total += path.stat().st_size
    return total


def torch_threads() -> int:
    import torch  # loaded by now (the encoders are); not at the top, see `run`

    return int(torch.get_num_threads())


Sample = tuple[float, float]
"""Images per second, CPU ms per image."""


def encoder_alone(encoders: Encoders, images: list[Image.Image], batch: int) -> Sample:
    """The image encoder by itself on the pipeline's inputs and batches, with the torch threads set now."""
    clip = encoders.clip()
    assert clip is not None, encoders.problems
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(images), batch):
        clip.encode_images(images[start : start + batch])
    return len(images) / (time.perf_counter() - started), 1000 * (time.process_time() - cpu) / len(images)


def encoder_samples(encoders: Encoders, images: list[Image.Image], settings: Settings) -> tuple[Sample, Sample]:
    """The encoder alone with the pipeline's torch threads, then with one per core; leaves the pipeline's set."""
    import torch  # loaded by now (the encoders are); not at the top, see `run`

    alone = encoder_alone(encoders, images, settings.encode_batch_size)
    torch.set_num_threads(os.cpu_count() or 1)  # process-wide: set back for the next pipeline run
    all_cores = encoder_alone(encoders, images, settings.encode_batch_size)
    torch.set_num_threads(settings.encoder_threads or 1)
    return alone, all_cores


def medians(samples: list[Sample]) -> Sample:
    rate, cpu = (statistics.median(values) for values in zip(*samples, strict=True))
    return rate, cpu


class DescendantPeaks:
    """Samples the peak RSS (VmHWM) of every descendant process; getrusage cannot see the fork server's workers.

    The figure reported is the largest single process: summing would count shared pages once per worker.
    """

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DescendantPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for pid in _descendants(os.getpid()):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0)
                self.peaks[pid] = max(self.peaks.get(pid, 0), kb)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, children):
        found += [child, *_descendants(child)]
    return found


def prepare(args: argparse.Namespace, work: Path) -> tuple[Settings, Encoders, int, float]:
    """Generate the library, load the models and warm them up: (settings, encoders, library bytes, startup s)."""
    from indexer.pipeline import indexing_settings, run_index
    from loupe_core.encoders.registry import Encoders

    library = work / "library"
    library.mkdir()
    started = time.perf_counter()
    total_bytes = generate(library, args.n, (args.min_side, args.max_side), args.seed)
    print(f"generated {args.n} images ({total_bytes / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    if args.clip is None:  # built (once, then cached) in another process: not in this one's peak RSS
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as builder:
            clip_spec = f"local-dir:{builder.submit(random_clip_dir).result()}"
    else:
        clip_spec = args.clip
    settings = indexing_settings(  # what `loupe index` runs with: the cores shared out
        Settings(
            data_dir=work / "data",
            clip_model=clip_spec,
            text_model=args.text_model,
            device="cpu",
            index_workers=args.workers,
            encoder_threads=args.threads,
            ocr=False,  # the pipeline-vs-encoder figures as before; OCR is measured on top, below
        )
    )
    encoders = Encoders.from_settings(settings)
    warm_up = Path(tempfile.mkdtemp(dir=work))
    generate(warm_up, 2, (64, 128), args.seed + 1)
    started = time.perf_counter()
    run_index(settings.model_copy(update={"data_dir": work / "warm-up"}), warm_up, None, quiet=True, encoders=encoders)
    return settings, encoders, total_bytes, time.perf_counter() - started


def derive_pass(library: Path, spec: DeriveSpec) -> tuple[list[Image.Image], dict[str, float]]:
    """Every file derived one at a time in this process, as a worker would: the encoder inputs, and ms per image
    per worker stage (wall time of a lone process, close to CPU; `worker_cpu` is the CPU itself)."""
    from indexer.worker import FileTask, NewContent, process_file

    results = [process_file(FileTask(path, spec)) for path in sorted(library.iterdir())]
    images = [r.encoder_input.image() for r in results if isinstance(r, NewContent) and r.encoder_input is not None]
    stages: dict[str, float] = {}
    for result in results:
        for stage, seconds in result.timings.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    return images, {stage: round(1000 * seconds / len(results), 1) for stage, seconds in stages.items()}


@dataclass(frozen=True)
class PipelineRun:
    """One `run_index` over the library: images/s, CPU ms per image (main process, workers), report, peak RSS."""

    rate: float
    main_cpu_ms: float
    worker_cpu_ms: float
    report: IndexReport
    peaks: dict[int, int]

    @property
    def sample(self) -> Sample:
        return self.rate, self.main_cpu_ms + self.worker_cpu_ms


def pipeline_run(settings: Settings, library: Path, encoders: Encoders, count: int) -> PipelineRun:
    """`run_index` into a fresh store, as `loupe index` runs it (the models already loaded)."""
    from indexer.pipeline import run_index
    from loupe_core.store.factory import open_store

    store = open_store(settings)
    with DescendantPeaks() as sampled:
        started, cpu = time.perf_counter(), time.process_time()
        report = run_index(settings, library, None, quiet=True, store=store, encoders=encoders)
        main_cpu = time.process_time() - cpu
        rate = count / (time.perf_counter() - started)
    store.close()
    assert report.indexed == count and not report.failed, report.summary()
    worker_cpu = report.stage_seconds["worker_cpu"]
    return PipelineRun(rate, 1000 * main_cpu / count, 1000 * worker_cpu / count, report, sampled.peaks)


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    # Imported here, not at the top: every indexer worker process imports the main module again,
    # and these pull in torch (seconds per worker, counted in the pipeline's time).
    from ingest_renditions import candidate_encodings, written_quality

    from indexer.derive_settings import derive_spec
    from indexer.pipeline import worker_count

    settings, encoders, total_bytes, startup_s = prepare(args, work)
    library = work / "library"
    clip = encoders.clip()
    assert clip is not None, encoders.problems
    spec = derive_spec(settings.model_copy(update={"data_dir": work / "scratch"}), clip.input_size)
    images, derive_ms = derive_pass(library, spec)
    encoder, all_cores = (list(samples) for samples in zip(encoder_samples(encoders, images, settings), strict=True))
    runs: list[PipelineRun] = []
    with_ocr: list[tuple[float, float]] = []
    for attempt in range(args.repeat):  # alternated, so a busy neighbour slows every figure alike
        fresh = settings.model_copy(update={"data_dir": work / f"data-{attempt}"})
        runs.append(pipeline_run(fresh, library, encoders, args.n))
        for samples, new in zip((encoder, all_cores), encoder_samples(encoders, images, settings), strict=True):
            samples.append(new)
        ocr_report, ocr_rate = index_with_ocr(settings, work / f"data-ocr-{attempt}", library, encoders, args.n)
        with_ocr.append((ocr_rate, 1000 * ocr_report.stage_seconds.get("ocr", 0.0) / args.n))
    written = derive_spec(fresh, clip.input_size)  # where the last run wrote its renditions
    quality = written_quality(library, written)
    candidates = candidate_encodings(library, written, min(args.n, args.quality_sample))
    encoder_rate, encoder_cpu = medians(encoder)
    all_cores_rate, all_cores_cpu = medians(all_cores)
    pipeline_rate, pipeline_cpu = medians([r.sample for r in runs])
    report = runs[-1].report
    ocr_rate, ocr_ms = medians(with_ocr)
    return {
        "bench": "ingest",
        "images": args.n,
        "megabytes": round(total_bytes / 1e6, 1),
        "workers": worker_count(settings),
        "torch_threads": torch_threads(),
        "cores": os.cpu_count() or 1,
        "batch": settings.encode_batch_size,
        "text_model": args.text_model or "none",
        "encoder_img_s": round(encoder_rate, 2),
        "encoder_all_cores_img_s": round(all_cores_rate, 2),
        "pipeline_img_s": round(pipeline_rate, 2),
        "ratio": round(pipeline_rate / encoder_rate, 3),
        "ratio_to_all_cores": round(pipeline_rate / all_cores_rate, 3),
        "encoder_samples": [round(rate, 2) for rate, _ in encoder],
        "encoder_all_cores_samples": [round(rate, 2) for rate, _ in all_cores],
        "pipeline_samples": [round(r.rate, 2) for r in runs],
        "encoder_cpu_ms_per_image": round(encoder_cpu, 1),
        "encoder_all_cores_cpu_ms_per_image": round(all_cores_cpu, 1),
        "pipeline_cpu_ms_per_image": round(pipeline_cpu, 1),
        "pipeline_main_cpu_ms_per_image": round(statistics.median(r.main_cpu_ms for r in runs), 1),
        "pipeline_worker_cpu_ms_per_image": round(statistics.median(r.worker_cpu_ms for r in runs), 1),
        "cpu_ratio": round(encoder_cpu / pipeline_cpu, 3),
        "startup_s": round(startup_s, 2),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(max((kb for r in runs for kb in r.peaks.values()), default=0) / 1024, 1),
        **quality,
        "pipeline_ocr_img_s": round(ocr_rate, 2),
        "ocr_throughput_ratio": round(ocr_rate / pipeline_rate, 3),
        "ocr_ms_per_image": round(ocr_ms, 1),
        "derive_ms_per_image": derive_ms,
        "rendition_candidates": candidates,
        "stage_s": {stage: round(seconds, 2) for stage, seconds in report.stage_seconds.items()},
        "stage_s_with_ocr": {stage: round(seconds, 2) for stage, seconds in ocr_report.stage_seconds.items()},
    }


def index_with_ocr(
    settings: Settings, data_dir: Path, library: Path, encoders: Encoders, count: int
) -> tuple[IndexReport, float]:
    """The same run with text in images read (`LOUPE_OCR=true`, the default): its report and images/s."""
    from indexer.pipeline import run_index
    from indexer.report import Reason
    from loupe_core.store.factory import open_store

    fresh = settings.model_copy(update={"data_dir": data_dir, "ocr": True})
    store = open_store(fresh)
    started = time.perf_counter()
    report = run_index(fresh, library, None, quiet=True, store=store, encoders=encoders)
    rate = count / (time.perf_counter() - started)
    store.close()
    unread = [n for n in report.notices if n.reason in (Reason.ocr_timeout, Reason.ocr_failed)]
    assert report.indexed == count and not report.failed and not unread, (report.summary(), unread[:3])
    return report, rate


def render(figures: dict[str, Any]) -> None:
    count = figures["images"]
    print(f"\nIngest vs the image encoder alone ({count} images, {figures['megabytes']} MB)\n")
    threads, cores = figures["torch_threads"], figures["cores"]
    headers = ["", f"encoder alone, {threads} thread(s)", f"encoder alone, {cores} cores", "ingest end to end"]
    headline = [
        ["images/s", *(figures[k] for k in ("encoder_img_s", "encoder_all_cores_img_s", "pipeline_img_s"))],
        ["CPU ms / image", *(figures[f"{k}_cpu_ms_per_image"] for k in ("encoder", "encoder_all_cores", "pipeline"))],
    ]
    # `cpu_ratio` estimates the ratio to the encoder on all cores (see the docstring), hence its column.
    ratios = [[figures["ratio"], figures["ratio_to_all_cores"]], ["", figures["cpu_ratio"]]]
    headers += ["ingest / encoder (1 thread)", "ingest / encoder (all cores)"]
    print_table(headers, [row + extra for row, extra in zip(headline, ratios, strict=True)])
    print()
    print_table(["figure", "value"], [[k, v] for k, v in figures.items() if not isinstance(v, dict | list)])
    print("\nWorker stages, each file derived alone in the bench process (ms per image)\n")
    print_table(["stage", "ms / image"], list(figures["derive_ms_per_image"].items()))
    print("\nRendition encodings (SSIM against the original downscaled to the same size; encode CPU only)\n")
    columns = ["rendition", "encoding", "loupe", "mean_bytes", "mean_ssim", "min_ssim", "encode_ms"]
    print_table(columns, [[row[c] for c in columns] for row in figures["rendition_candidates"]])
    for title, key in (
        ("last run (worker stages summed over processes, main-process stages wall time)", "stage_s"),
        ("last run with text in images read (LOUPE_OCR=true)", "stage_s_with_ocr"),
    ):
        print(f"\nTime per stage, {title}\n")
        rows = [[stage, f"{s:.2f}", f"{1000 * s / count:.1f}"] for stage, s in figures[key].items()]
        print_table(["stage", "seconds", "ms / image"], rows)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_N} images (default {DEFAULT_N})")
    parser.add_argument("-n", type=int, help="number of images (overrides --quick)")
    parser.add_argument("--clip", help="CLIP spec to use instead of a random ViT-B-32 (e.g. local-dir:/tiny)")
    parser.add_argument("--text-model", default=TEXT_MODEL, help="'' to leave text embeddings out")
    parser.add_argument("--workers", type=int, help="worker processes (default: Loupe's own choice)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: one per core)")
    parser.add_argument("--min-side", type=int, default=640)
    parser.add_argument("--max-side", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, help="pipeline runs, each then the encoder alone (2 quick, else 3)")
    parser.add_argument("--quality-sample", type=int, default=24, help="files the candidate encodings are tried on")
    args = parser.parse_args()
    args.n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    args.repeat = args.repeat or (2 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="loupe-bench-ingest-") as work:
        figures = run(args, Path(work))
    render(figures)
    print_json_line(figures)


if __name__ == "__main__":
    main()
