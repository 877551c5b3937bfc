"""Words read from an image's pixels (signs, labels, posters), for the `ocr_text` field.

The engine is RapidOCR's PP-OCRv4 (text detection, orientation, recognition), whose ONNX models
ship inside the `rapidocr-onnxruntime` wheel: nothing to install or download. It was chosen over
Tesseract by measurement (`bench/ocr.py`): Tesseract reads scans well but finds little text in
photos (word recall about 0.2 on the generated scene-text set, against 1.0 here).

Its recognition model never *predicts* a space between English words ("summerwinter"), but it
does raise the space class's probability in the gap, so the logits are decoded here: a column
whose space probability reaches `SPACE_PROBABILITY` splits words. That is why this module runs
the stages itself (detect, orient, recognise) rather than calling `RapidOCR(...)` whole; it also
lets the time budget be checked between model calls. The budget is cooperative: a call never
runs long, because the image is capped at `OCR_MAX_SIDE` before detection and a crop is one
line of text, so the overrun is at most one detector pass (well under a second on one core).
A hard kill would need a process per OCR call, which costs more than the engine itself.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from indexer.report import Reason

if TYPE_CHECKING:
    from rapidocr_onnxruntime import RapidOCR

    from loupe_core.settings import Settings

OCR_MAX_SIDE = 2000
"""Longest side lines are cut from for recognition (RapidOCR's own `max_side_len`)."""
DETECT_MAX_SIDE = 1280
"""Longest side the detector sees: its cost grows with the pixels (about 3 s at 2000 px on one busy core, a
third of that here), and text lines still stand out at this scale; they are read from the sharper image."""
MAX_LINES = 64
"""Text lines recognised per image: a page of small print is not what the field is for, and it bounds the cost."""
SPACE_PROBABILITY = 0.03
"""A recogniser column at least this likely to be a space ends a word (bench/ocr.py: word recall 0.69 -> 0.97)."""
_SCRIPTS = {"en": r"A-Za-z\u00C0-\u024F", "zh": r"\u3400-\u4DBF\u4E00-\u9FFF"}
"""Letters per `LOUPE_OCR_LANGUAGES` value: what the shipped model reads (digits are kept for every language)."""


@dataclass(frozen=True)
class OcrSpec:
    """How to read text: languages kept, the per-image time budget, the least word confidence kept."""

    languages: tuple[str, ...]
    timeout_s: float
    min_confidence: float


@dataclass(frozen=True)
class ImageText:
    """The words read, or empty text and why (a timeout or an engine error) for the index report."""

    text: str
    problem: tuple[Reason, str] | None = None


class _OutOfTime(Exception):
    """The budget ran out between two model calls."""


@cache
def ocr_engine() -> RapidOCR:
    """One engine per process, loaded on first use (about 0.3 s); one thread, as each worker has its core."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def ocr_spec(settings: Settings) -> OcrSpec | None:
    """The library's OCR settings, or None when reading text is switched off (`LOUPE_OCR=false`)."""
    if not settings.ocr:
        return None
    return OcrSpec(tuple(settings.ocr_languages), settings.ocr_timeout_s, settings.ocr_min_confidence)


def engine_problem() -> str | None:
    """Why this installation has no OCR engine, or None; the pipeline says so once, not once per image.

    Only imports the package (the workers load the models they use themselves).
    """
    try:
        importlib.import_module("rapidocr_onnxruntime")
    except ImportError as exc:
        return f"text in images is not read in this run: the OCR engine is not installed ({exc.name or exc})"
    return None


def read_text(image: Image.Image, spec: OcrSpec) -> ImageText:
    """The words in `image` (upright, any mode) above `spec.min_confidence`, in reading order.

    Never raises: an engine error or a spent budget gives empty text and the reason, so the
    image is still indexed, without text.
    """
    deadline = time.perf_counter() + spec.timeout_s
    try:
        words = _recognised_words(_bgr(image, OCR_MAX_SIDE), _bgr(image, DETECT_MAX_SIDE), deadline)
    except _OutOfTime:
        budget = f"reading it took longer than {spec.timeout_s:g} s (LOUPE_OCR_TIMEOUT_S)"
        return ImageText("", (Reason.ocr_timeout, f"indexed without text in image: {budget}"))
    except Exception as exc:  # whatever the engine raises, the asset is indexed without text
        return ImageText("", (Reason.ocr_failed, f"indexed without text in image: OCR failed ({exc!r})"))
    kept = [_in_languages(w, spec.languages) for w, confidence in words if confidence >= spec.min_confidence]
    return ImageText(" ".join(w for w in kept if w))


def _bgr(image: Image.Image, max_side: int) -> np.ndarray:
    """RGB pixels as the BGR array OpenCV-based engines expect, the longest side at most `max_side`."""
    rgb = image.convert("RGB")
    if max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.BICUBIC)
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def _check(deadline: float) -> None:
    if time.perf_counter() > deadline:
        raise _OutOfTime


def _recognised_words(bgr: np.ndarray, detect: np.ndarray, deadline: float) -> list[tuple[str, float]]:
    """Lines found on `detect` (a smaller copy of `bgr`, or the same size), read from `bgr`."""
    engine = ocr_engine()
    boxes, _ = engine.auto_text_det(detect)
    _check(deadline)
    if boxes is None:
        return []
    scale = bgr.shape[1] / detect.shape[1]
    crops = engine.get_crop_img_list(bgr, [np.asarray(box, dtype=np.float32) * scale for box in boxes[:MAX_LINES]])
    crops = engine.text_cls(crops)[0]  # turns upside-down lines the right way up
    words: list[tuple[str, float]] = []
    for crop in crops:
        _check(deadline)
        words.extend(_line_words(engine, crop))
    return words


def _line_words(engine: Any, crop: np.ndarray) -> list[tuple[str, float]]:
    """Greedy CTC decoding of one line, split into words where a space is likely; confidence per word."""
    recogniser = engine.text_rec
    characters: list[str] = recogniser.postprocess_op.character
    space = characters.index(" ")
    height, width = crop.shape[:2]
    _, model_height, model_width = recogniser.rec_image_shape
    batch = recogniser.resize_norm_img(crop, max(width / height, model_width / model_height))[np.newaxis]
    scores = recogniser.session(batch)[0][0]  # columns x classes, softmax already applied
    best = scores.argmax(axis=1)
    best[(best == 0) & (scores[:, space] >= SPACE_PROBABILITY)] = space  # 0 is CTC's blank
    words: list[tuple[str, float]] = []
    letters: list[str] = []
    confidences: list[float] = []
    previous = -1
    for column, index in enumerate(best):
        if index == previous:
            continue
        previous = int(index)
        if index == space and letters:
            words.append(("".join(letters), float(np.mean(confidences))))
            letters, confidences = [], []
        elif index not in (0, space):
            letters.append(characters[index])
            confidences.append(float(scores[column, index]))
    if letters:
        words.append(("".join(letters), float(np.mean(confidences))))
    return words


def _in_languages(word: str, languages: tuple[str, ...]) -> str:
    """The word without edge punctuation, or "" when it is noise: fewer than two letters or digits of the
    library's languages, or any letter of another script (the model reads Chinese, so texture it misreads
    often comes out as a CJK character)."""
    allowed = "0-9" + "".join(_SCRIPTS[language] for language in languages)
    core = word.strip(".,;:!?\"'()[]{}<>-_|/\\")
    if len(re.findall(f"[{allowed}]", core)) < 2 or re.search(rf"[^\W_{allowed}]", core):
        return ""
    return core
