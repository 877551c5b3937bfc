"""Text in images: word recall and precision, and cost, of the OCR engines on real photos with scene text.

The set is generated: real photos (scikit-image's, and OpenCV's sample photos when Debian's
`opencv-doc` is installed; none that already hold text) with English words drawn on them the way
scene text looks (`indexer.rendered_text`: a sign or label on a plate, an outlined or shadowed
poster caption) in several fonts, 20 to 64 px high, turned by up to 6 degrees, at a random place.
Each engine reads every image; a word counts when its case-folded letters and digits equal a
drawn word's. Recall and precision are micro-averaged over the set (set overlap of words per
image, not a ranking metric). The bare photos are read too: any word there is noise.

Engines: Loupe's reader (`indexer.text_in_image`: RapidOCR's PP-OCRv4 models from the wheel,
with space-aware decoding and the confidence and script filters), stock RapidOCR (the same
models, its own decoding: it joins words), and Tesseract 5 over the whole image (Debian's
`tesseract-ocr`, page segmentation 11 "sparse text" and 3 "auto", words at confidence >= 60),
each on one thread. Cost is wall ms per image, as the indexer's workers spend it.

Prints a markdown table and one JSON line. Usage: `bench/ocr.py [--quick] [-n N] [--seed S]`.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from common_report import print_json_line, print_table
from PIL import Image
from skimage import data

from indexer.rendered_text import Lettering, letter
from indexer.text_in_image import OcrSpec, ocr_engine, read_text

QUICK_N = 8
QUICK_BARE = 4
DEFAULT_N = 60
LONG_SIDE = 900
SKIMAGE_PHOTOS = ("coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field", "cat", "camera")
OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
OPENCV_PHOTOS = (
    "fruits.jpg",
    "baboon.jpg",
    "home.jpg",
    "aloeL.jpg",
    "leuvenA.jpg",
    "squirrel_cls.jpg",
    "butterfly.jpg",
)
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Oblique.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
)
SIZES = (20, 24, 28, 36, 48, 64)
MAX_ANGLE = 6.0
WORDS = (
    "harbour",
    "market",
    "bakery",
    "station",
    "garden",
    "museum",
    "ticket",
    "coffee",
    "bridge",
    "river",
    "mountain",
    "window",
    "summer",
    "winter",
    "library",
    "theatre",
    "gallery",
    "orange",
    "silver",
    "forest",
    "castle",
    "planet",
    "rocket",
    "village",
    "festival",
    "concert",
    "lantern",
    "pharmacy",
    "closed",
    "open",
    "sale",
    "fresh",
    "bread",
    "north",
    "street",
    "avenue",
    "hotel",
    "exit",
    "parking",
    "daily",
    "menu",
    "tickets",
)
SPEC = OcrSpec(languages=("en",), timeout_s=60.0, min_confidence=0.8)
TESSERACT_MIN_CONFIDENCE = 60.0


@dataclass(frozen=True)
class Sample:
    name: str
    image: Image.Image
    words: frozenset[str]


def normalised(text: str) -> set[str]:
    """Case-folded runs of letters and digits, two or more long: what a search would match on."""
    return {w for w in re.findall(r"[^\W_]+", text.casefold()) if len(w) >= 2}


def photos() -> dict[str, Image.Image]:
    found = {name: Image.fromarray(getattr(data, name)()).convert("RGB") for name in SKIMAGE_PHOTOS}
    for name in OPENCV_PHOTOS:
        if (OPENCV_DATA / name).is_file():
            found[name] = Image.open(OPENCV_DATA / name).convert("RGB")
    for image in found.values():
        image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    return found


def readable_colours(rng: random.Random) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Ink and plate far apart in lightness, in random hues: a sign is made to be read."""
    dark = (rng.randrange(0, 90), rng.randrange(0, 90), rng.randrange(0, 90))
    light = (rng.randrange(200, 256), rng.randrange(200, 256), rng.randrange(200, 256))
    return (dark, light) if rng.random() < 0.6 else (light, dark)


def cased(word: str, rng: random.Random) -> str:
    roll = rng.random()
    return word.upper() if roll < 0.25 else word.capitalize() if roll < 0.6 else word


def generated_set(count: int, seed: int) -> tuple[list[Sample], dict[str, Image.Image]]:
    rng = random.Random(seed)
    sources = photos()
    fonts = [None, *(f for f in FONT_FILES if Path(f).is_file())]
    names = sorted(sources)
    samples: list[Sample] = []
    while len(samples) < count:
        name = names[len(samples) % len(names)]
        words = rng.sample(WORDS, rng.randint(1, 4))
        ink, plate = readable_colours(rng)
        lettering = Lettering(
            text=" ".join(cased(word, rng) for word in words),
            size=rng.choice(SIZES),
            style=rng.choice(("plate", "plate", "outline", "shadow")),
            angle=rng.uniform(-MAX_ANGLE, MAX_ANGLE),
            centre=(rng.uniform(0.2, 0.8), rng.uniform(0.15, 0.85)),
            ink=ink,
            plate=plate,
            font_path=rng.choice(fonts),
        )
        try:
            image = letter(sources[name], lettering)
        except ValueError:  # too long for this photo at this size: draw another
            continue
        samples.append(Sample(f"{len(samples):03d}-{name}", image, frozenset(normalised(lettering.text))))
    return samples, sources


def loupe_reader(image: Image.Image) -> str:
    return read_text(image, SPEC).text


def stock_rapidocr(image: Image.Image) -> str:
    bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    lines, _ = ocr_engine()(bgr)
    return " ".join(text for _, text, score in lines or [] if float(score) >= SPEC.min_confidence)


def tesseract(page_segmentation: str) -> Callable[[Image.Image], str]:
    def read(image: Image.Image) -> str:
        with_png = image_bytes(image)
        command = ["tesseract", "-", "-", "--psm", page_segmentation, "-l", "eng", "tsv"]
        done = subprocess.run(
            command, input=with_png, capture_output=True, check=True, env={"OMP_THREAD_LIMIT": "1"}, timeout=120
        )
        words = []
        for row in done.stdout.decode().splitlines()[1:]:
            cells = row.split("\t")
            if len(cells) == 12 and cells[11].strip() and float(cells[10]) >= TESSERACT_MIN_CONFIDENCE:
                words.append(cells[11])
        return " ".join(words)

    return read


def image_bytes(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def measure(
    read: Callable[[Image.Image], str], samples: list[Sample], bare: dict[str, Image.Image]
) -> dict[str, float]:
    read(samples[0].image)  # loads the models: start-up is not per-image cost
    hits = found = wanted = 0
    seconds: list[float] = []
    for sample in samples:
        started = time.perf_counter()
        words = normalised(read(sample.image))
        seconds.append(time.perf_counter() - started)
        hits += len(words & sample.words)
        found += len(words)
        wanted += len(sample.words)
    noise = sum(len(normalised(read(image))) for image in bare.values())
    return {
        "recall": round(hits / wanted, 3),
        "precision": round(hits / found, 3) if found else 0.0,
        "ms_per_image_p50": round(1000 * statistics.median(seconds), 1),
        "ms_per_image_mean": round(1000 * statistics.fmean(seconds), 1),
        "noise_words_per_bare_photo": round(noise / len(bare), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_N} images, {QUICK_BARE} bare photos, Loupe's reader and Tesseract psm 11 only",
    )
    parser.add_argument("-n", type=int, default=None, help=f"images in the set (default {DEFAULT_N})")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    count = args.n or (QUICK_N if args.quick else DEFAULT_N)
    samples, bare = generated_set(count, args.seed)
    if args.quick:
        bare = dict(list(bare.items())[:QUICK_BARE])
    engines: dict[str, Callable[[Image.Image], str]] = {"loupe (rapidocr + space-aware decoding)": loupe_reader}
    if not args.quick:
        engines["rapidocr stock decoding"] = stock_rapidocr
    if shutil.which("tesseract"):
        engines["tesseract 5 psm 11"] = tesseract("11")
        if not args.quick:
            engines["tesseract 5 psm 3"] = tesseract("3")
    results = [{"engine": name, **measure(read, samples, bare)} for name, read in engines.items()]
    headers = ["engine", "recall", "precision", "ms/image p50", "ms/image mean", "noise words/bare photo"]
    keys = ["engine", "recall", "precision", "ms_per_image_p50", "ms_per_image_mean", "noise_words_per_bare_photo"]
    print(
        f"{len(samples)} photos with drawn text ({sum(len(s.words) for s in samples)} words), {len(bare)} bare photos"
    )
    print_table(headers, [[r[k] for k in keys] for r in results])
    print_json_line(
        {
            "bench": "ocr",
            "set": {"images": len(samples), "words": sum(len(s.words) for s in samples), "bare_photos": len(bare)},
            "seed": args.seed,
            "results": results,
        }
    )


if __name__ == "__main__":
    main()
