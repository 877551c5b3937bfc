"""Query and image encoding latency: what a semantic search pays before the index is asked.

    .venv/bin/python bench/encoders.py                  # ViT-B-32 (random weights) + MiniLM
    .venv/bin/python bench/encoders.py --quick          # tiny CLIP, few repeats (the smoke test)

Per-query text latency (one query at a time, as the API encodes): CLIP's text tower with the
full 77-token context, with the context trimmed to the real tokens (what Loupe does), and
trimmed + int8; all-MiniLM-L6-v2 in fp32 and int8; a query-cache hit. Image throughput in
batches of 16 at fp32 and int8, and bf16 where the CPU has native bf16 (avx512_bf16 / AMX).
Each variant's embeddings are compared with fp32's: a variant is "ok" only at cosine >= 0.99.
Prints a table, then ONE JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from common_models import TEXT_MODEL, random_clip_dir
from common_report import latency_summary, print_json_line, print_table
from PIL import Image

from loupe_core.encoders.clip import encode_text_trimmed
from loupe_core.encoders.precision import quantize_int8
from loupe_core.search_service import QueryVectorCache

MIN_COSINE = 0.99
QUERIES = [
    "golden retriever on a beach",
    "city skyline at night",
    "red apple",
    "a quiet misty forest with a river at dawn",
    "team meeting in a bright office",
    "espresso",
    "wind turbines on a hill",
    "child flying a kite in the park",
]
TINY_CLIP = {
    "model_cfg": {
        "embed_dim": 512,
        "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "patch_size": 16, "head_width": 32},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 1},
    },
    "preprocess_cfg": {"mean": [0.48, 0.46, 0.41], "std": [0.27, 0.26, 0.28]},
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny CLIP, 3 repeats: checks the script, not speed")
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per query text")
    parser.add_argument("--clip-dir", type=Path, help="a real open_clip local-dir: int8 fidelity on trained weights")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.quick:
        args.repeats = 3
    return args


def tiny_clip_dir(folder: Path) -> Path:
    from open_clip.model import CLIP

    (folder / "open_clip_config.json").write_text(json.dumps(TINY_CLIP), encoding="utf-8")
    torch.manual_seed(0)
    torch.save(CLIP(**TINY_CLIP["model_cfg"]).state_dict(), folder / "open_clip_pytorch_model.bin")
    return folder


def native_bf16() -> bool:
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def bf16_images(model: Any, images: torch.Tensor) -> torch.Tensor:
    with torch.autocast("cpu", dtype=torch.bfloat16):
        return model.encode_image(images).float()


def per_query(encode: Callable[[str], Any], repeats: int) -> dict[str, float]:
    for text in QUERIES[:2]:
        encode(text)
    samples: list[float] = []
    for _ in range(repeats):
        for text in QUERIES:
            started = time.perf_counter()
            encode(text)
            samples.append(time.perf_counter() - started)
    return latency_summary(samples)


def cosine(a: torch.Tensor | np.ndarray, b: torch.Tensor | np.ndarray) -> float:
    """The worst (lowest) row-wise cosine between two batches of embeddings."""
    a, b = (torch.as_tensor(np.asarray(x, dtype=np.float32)) for x in (a, b))
    return round(float(torch.nn.functional.cosine_similarity(a, b, dim=-1).min()), 5)


def clip_figures(folder: Path, repeats: int) -> dict[str, Any]:
    import open_clip

    model, _, preprocess = open_clip.create_model_and_transforms(f"local-dir:{folder}")
    model.eval()
    tokenizer = open_clip.get_tokenizer(f"local-dir:{folder}")
    int8 = quantize_int8(model)
    tokens = tokenizer(QUERIES)
    figures: dict[str, Any] = {}
    with torch.inference_mode():
        reference = model.encode_text(tokens)
        variants = {
            "clip_text_full_fp32": lambda t: model.encode_text(tokenizer([t])),
            "clip_text_trimmed_fp32": lambda t: encode_text_trimmed(model, tokenizer([t])),
            "clip_text_trimmed_int8": lambda t: encode_text_trimmed(int8, tokenizer([t])),
        }
        batch_of = {
            "clip_text_full_fp32": reference,
            "clip_text_trimmed_fp32": encode_text_trimmed(model, tokens),
            "clip_text_trimmed_int8": encode_text_trimmed(int8, tokens),
        }
        for name, encode in variants.items():
            figures[name] = {**per_query(encode, repeats), "min_cosine": cosine(batch_of[name], reference)}
        images = torch.stack([preprocess(Image.new("RGB", (640, 480), (i * 30, 90, 200 - i * 20))) for i in range(16)])
        images += torch.randn_like(images) * 0.5  # flat colours would understate quantisation error
        image_reference = model.encode_image(images)
        image_variants: dict[str, Callable[[], torch.Tensor]] = {
            "clip_image_fp32": lambda: model.encode_image(images),
            "clip_image_int8": lambda: int8.encode_image(images),
        }
        if native_bf16():
            image_variants["clip_image_bf16"] = lambda: bf16_images(model, images)
        for name, encode in image_variants.items():
            encode()
            started = time.perf_counter()
            runs = max(1, repeats // 10)
            for _ in range(runs):
                output = encode()
            seconds = (time.perf_counter() - started) / runs
            figures[name] = {
                "images_per_s": round(len(images) / seconds, 1),
                "min_cosine": cosine(output, image_reference),
            }
    if not native_bf16():
        figures["clip_image_bf16"] = {"skipped": "no avx512_bf16/amx_bf16 in /proc/cpuinfo: bf16 is emulated"}
    return figures


def minilm_figures(repeats: int) -> dict[str, Any]:
    from sentence_transformers import SentenceTransformer

    from loupe_core.encoders.text import resolve_text_model_dir

    fp32 = SentenceTransformer(str(resolve_text_model_dir(TEXT_MODEL)), device="cpu", local_files_only=True)
    int8 = SentenceTransformer(str(resolve_text_model_dir(TEXT_MODEL)), device="cpu", local_files_only=True)
    int8 = quantize_int8(int8)

    def encoder(model: Any) -> Callable[[str], Any]:
        return lambda text: model.encode([text], normalize_embeddings=True, show_progress_bar=False)

    reference = fp32.encode(QUERIES, normalize_embeddings=True, show_progress_bar=False)
    figures: dict[str, Any] = {}
    for name, model in (("minilm_fp32", fp32), ("minilm_int8", int8)):
        output = model.encode(QUERIES, normalize_embeddings=True, show_progress_bar=False)
        figures[name] = {**per_query(encoder(model), repeats), "min_cosine": cosine(output, reference)}
    return figures


def cache_hit_figures(repeats: int) -> dict[str, Any]:
    cache = QueryVectorCache()
    for text in QUERIES:
        cache.put(("clip", text), [0.0] * 512)
    return {"query_cache_hit": per_query(lambda text: cache.get(("clip", text)), repeats)}


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    figures: dict[str, Any] = {
        "bench": "encoders",
        "torch_threads": torch.get_num_threads(),
        "native_bf16": native_bf16(),
    }
    with tempfile.TemporaryDirectory(prefix="loupe-bench-clip-") as tmp:
        folder = args.clip_dir or (tiny_clip_dir(Path(tmp)) if args.quick else random_clip_dir())
        figures["clip_model"] = str(args.clip_dir or ("tiny (random)" if args.quick else "ViT-B-32 (random weights)"))
        figures["variants"] = {
            **clip_figures(folder, args.repeats),
            **minilm_figures(args.repeats),
            **cache_hit_figures(args.repeats),
        }
    for variant in figures["variants"].values():
        if "min_cosine" in variant:
            variant["ok"] = variant["min_cosine"] >= MIN_COSINE
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    figures["loadavg_1m"] = [round(x, 2) for x in os.getloadavg()]
    rows = [
        [
            name,
            f.get("p50_ms", ""),
            f.get("p95_ms", ""),
            f.get("images_per_s", ""),
            f.get("min_cosine", f.get("skipped", "")),
            f.get("ok", ""),
        ]
        for name, f in figures["variants"].items()
    ]
    print(f"\nEncoders ({figures['clip_model']}), torch threads={figures['torch_threads']}\n")
    print_table(["variant", "p50 ms", "p95 ms", "images/s", "min cosine vs fp32", "ok (>= 0.99)"], rows)
    print()
    print_json_line(figures)


if __name__ == "__main__":
    main()
