"""An asset's metadata as labelled groups (descriptive, rights, technical, other, provenance).

The asset model grows as the indexer learns new fields, so this walks the model's own field
list: known fields go to their group in a fixed order, any field this table has not heard of
still shows under "Other" (as text), and empty values are left out. Fields that are storage
details (server paths, vectors, rendition names) never show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from loupe_core.schema import Asset
from web.filter_params import LICENSE_LABELS

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")
HIDDEN = frozenset(
    {"id", "path", "thumbnail", "preview", "image_vector", "text_vector", "provenance", "edits", "conflicts"}
)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    """How the template shows `value`: text, code, bytes, tags, taxonomy, colours or list."""
    value: Any


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


FieldSpec = tuple[str, str, str]
GROUPS: tuple[tuple[str, tuple[FieldSpec, ...]], ...] = (
    (
        "Description",
        (
            ("title", "Title", "text"),
            ("description", "Description", "text"),
            ("tags", "Tags", "tags"),
            ("taxonomy", "Category", "taxonomy"),
            ("creator", "Creator", "text"),
            ("location", "Location", "text"),
            ("colors", "Colours", "colours"),
            ("color_families", "Colour families", "families"),
        ),
    ),
    (
        "Rights",
        (
            ("status", "Status", "text"),
            ("owner", "Owner", "text"),
            ("groups", "Groups", "list"),
            ("credit", "Credit", "text"),
            ("copyright", "Copyright", "text"),
            ("usage_terms", "Usage terms", "text"),
            ("licence", "Licence", "text"),
        ),
    ),
    (
        "Technical",
        (
            ("file_type", "File type", "text"),
            ("filename", "File name", "text"),
            ("dimensions", "Dimensions", "text"),
            ("megapixels", "Megapixels", "text"),
            ("aspect_ratio", "Aspect ratio", "text"),
            ("orientation", "Orientation", "text"),
            ("bytes", "Size", "bytes"),
            ("camera_make", "Camera make", "text"),
            ("camera_model", "Camera model", "text"),
            ("lens", "Lens", "text"),
            ("created_at", "Created", "text"),
            ("indexed_at", "Indexed", "text"),
            ("sha256", "SHA-256", "code"),
            ("phash", "Perceptual hash", "code"),
            ("dhash", "Difference hash", "code"),
        ),
    ),
)


def _dimensions(asset: Asset, today: date) -> str | None:
    return f"{asset.width} × {asset.height} px" if asset.width and asset.height else None


def _licence(asset: Asset, today: date) -> str:
    """The state as of today, with the date it turns on (the state itself is never stored)."""
    label = LICENSE_LABELS[asset.license_state(today)]
    return f"{label} (until {asset.license_expires.isoformat()})" if asset.license_expires else label


DERIVED: dict[str, Callable[[Asset, date], str | None]] = {"dimensions": _dimensions, "licence": _licence}
"""Rows computed from several fields; the fields they read count as shown."""
KNOWN = frozenset({"width", "height", "license_expires", *(name for _, specs in GROUPS for name, _, _ in specs)})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _display(value: Any) -> Any:
    """Scalars become text; lists stay lists (of text) for the template to lay out."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return [str(_display(item)) for item in value]
    if hasattr(value, "model_dump"):
        return ", ".join(f"{k} {v}" for k, v in value.model_dump().items())
    return value if isinstance(value, int | str) else str(value)


def _rows(asset: Asset, specs: Iterable[FieldSpec], today: date) -> tuple[Row, ...]:
    rows = []
    for name, label, kind in specs:
        value = DERIVED[name](asset, today) if name in DERIVED else getattr(asset, name, None)
        if _empty(value):
            continue
        shown = _display(value)
        if kind == "colours":
            shown = [(colour, bool(HEX_COLOUR.match(colour))) for colour in shown]
        rows.append(Row(label, kind, shown))
    return tuple(rows)


def _provenance_rows(asset: Asset) -> tuple[Row, ...]:
    """Each field's source; a person's edit names who and when, and an open conflict what the source says now."""
    rows = []
    for field, source in sorted(asset.provenance.items()):
        text = str(source)
        if (edit := asset.edits.get(field)) is not None:
            text = f"edited by {edit.by} on {edit.at.date().isoformat()}"
        if (conflict := asset.conflicts.get(field)) is not None:
            now_says = stored_value_text(conflict.source_value)
            text += f"; {conflict.source or 'a source'} now says “{now_says}” (see Conflicts)"
        rows.append(Row(field.replace("_", " ").capitalize(), "text", text))
    return tuple(rows)


def stored_value_text(value: Any) -> str:
    """A stored (JSON) field value as a person reads it: lists joined, nothing as an em dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value if isinstance(value, str) else json.dumps(value)


def metadata_sections(asset: Asset, today: date) -> list[Section]:
    """Groups in display order; a group with nothing to show is left out."""
    others = [
        (name, name.replace("_", " ").capitalize(), "text")
        for name in type(asset).model_fields
        if name not in KNOWN and name not in HIDDEN
    ]
    sections = [Section(title, _rows(asset, specs, today)) for title, specs in (*GROUPS, ("Other", tuple(others)))]
    sections.append(Section("Where the metadata came from", _provenance_rows(asset)))
    return [section for section in sections if section.rows]
