"""The floors a search by meaning applies: calibrated per model and library, stored, overridable.

Calibrations live in one JSON file in the data folder, keyed by vector field, each naming the
model it was measured with. A field is (re)calibrated on the first search by meaning that finds
no calibration for the loaded model, or one measured on a library less than half or more than
twice today's size. Settings (`LOUPE_IMAGE_FLOOR`, `LOUPE_TEXT_FLOOR`) override it outright.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from loupe_core.encoders.registry import Encoders
from loupe_core.query import VectorField
from loupe_core.relevance.calibration import LIBRARY_SAMPLE, Calibration, TextEncoder, calibrate
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore

logger = logging.getLogger(__name__)

RECALIBRATE_FACTOR = 2
SIZE_CHECK_S = 60.0
"""How often the library's size is compared with the calibration's (a count per search would
cost OpenSearch a round trip)."""


class RelevanceFloors:
    def __init__(
        self, path: Path, store: AssetStore, encoders: Encoders, overrides: Mapping[VectorField, float] | None = None
    ) -> None:
        self.path = path
        self._store = store
        self._encoders = encoders
        self._overrides = dict(overrides or {})
        self._lock = threading.Lock()
        self._calibrations = self._read()
        self._size_checked: dict[VectorField, float] = {}

    def _read(self) -> dict[str, Calibration]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            logger.warning("relevance floors at %s unreadable (%s); calibrating again", self.path, exc)
            return {}
        return {name: Calibration.model_validate(body) for name, body in raw.items()}

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {name: c.model_dump(mode="json") for name, c in self._calibrations.items()}
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(body, indent=2), encoding="utf-8")
        scratch.replace(self.path)

    def calibrations(self) -> dict[str, Calibration]:
        """What is stored now (for the health endpoint, the benchmark and the README)."""
        return dict(self._calibrations)

    def floors(self, fields: list[VectorField]) -> dict[VectorField, float]:
        """The floor of each field a query searches; a field that cannot be calibrated gets none."""
        found: dict[VectorField, float] = {}
        for field in fields:
            if field in self._overrides:
                found[field] = self._overrides[field]
                continue
            calibration = self._current(field)
            if calibration is not None:
                found[field] = calibration.floor
        return found

    def _model(self, field: VectorField) -> tuple[str, TextEncoder | None]:
        if field is VectorField.image:
            clip = self._encoders.clip()
            return self._encoders.clip_spec, clip.encode_texts if clip else None
        text = self._encoders.text()
        return self._encoders.text_spec, text.encode_texts if text else None

    def _current(self, field: VectorField) -> Calibration | None:
        model, encode = self._model(field)
        known = self._calibrations.get(field.value)
        fresh = time.monotonic() - self._size_checked.get(field, -SIZE_CHECK_S) < SIZE_CHECK_S
        if known is not None and known.model == model and fresh:
            return known
        size = self._store.count()
        self._size_checked[field] = time.monotonic()
        if known is not None and known.model == model and _close(known.library_size, size):
            return known
        if encode is None or size == 0:
            return known if known is not None and known.model == model else None
        with self._lock:
            known = self._calibrations.get(field.value)
            if known is not None and known.model == model and _close(known.library_size, size):
                return known
            vectors = [
                getattr(asset, field.value)
                for asset in itertools.islice(self._store.scan(with_vectors=True), LIBRARY_SAMPLE)
                if getattr(asset, field.value)
            ]
            if not vectors:
                return None
            calibration = calibrate(field.value, model, encode, vectors, size)
            self._calibrations[field.value] = calibration
            self._write()
        logger.info(
            "relevance floor for %s (%s): %.4f from %d null queries over %d assets",
            field.value,
            model,
            calibration.floor,
            calibration.null_queries,
            len(vectors),
        )
        return calibration


def _close(calibrated: int, now: int) -> bool:
    return calibrated > 0 and calibrated / RECALIBRATE_FACTOR <= now <= calibrated * RECALIBRATE_FACTOR


def relevance_floors(settings: Settings, store: AssetStore, encoders: Encoders) -> RelevanceFloors:
    """The floors the settings ask for: calibrated in the data folder, a set value overriding."""
    overrides = {VectorField.image: settings.image_floor, VectorField.text: settings.text_floor}
    return RelevanceFloors(
        settings.relevance_floors_path,
        store,
        encoders,
        {field: floor for field, floor in overrides.items() if floor is not None},
    )
