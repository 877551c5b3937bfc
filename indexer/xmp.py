"""XMP, the RDF/XML packet Adobe tools and most DAMs write: Dublin Core, Photoshop and rights properties.

Parsed with defusedxml because the packet is untrusted XML (entity expansion, external
entities). A property may be an attribute of `rdf:Description` or a child element holding a
plain value, an `rdf:Alt` (language alternatives: `x-default` wins), or an `rdf:Bag`/`rdf:Seq`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from PIL import Image

from indexer.text_values import clean_terms, clean_text, decode_text

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_PACKET_BYTES = 4 * 1024 * 1024
"""Real packets are a few KB (Photoshop pads to ~10 KB); anything far larger is not worth parsing."""
_SINGLE = {
    "title": (f"{{{PHOTOSHOP}}}Headline", f"{{{DC}}}title"),
    "description": (f"{{{DC}}}description",),
    "copyright": (f"{{{DC}}}rights",),
    "credit": (f"{{{PHOTOSHOP}}}Credit",),
    "usage_terms": (f"{{{XMP_RIGHTS}}}UsageTerms",),
}


def xmp_packet(image: Image.Image) -> bytes | None:
    """The raw packet where Pillow keeps it: `xmp` (JPEG, WebP, TIFF) or the PNG iTXt key."""
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return raw if isinstance(raw, bytes) and raw.strip() else None


def _values(element: Element) -> list[str]:
    """The texts of a property element: its `rdf:li` items (x-default first) or its own text."""
    items = element.findall(f"./{{{RDF}}}*/{{{RDF}}}li")
    if not items:
        return [element.text] if element.text and element.text.strip() else []
    items.sort(key=lambda li: li.get(XML_LANG) != "x-default")  # stable: keeps the order otherwise
    return [li.text for li in items if li.text and li.text.strip()]


def _properties(root: Element) -> dict[str, list[str]]:
    """Every property of every `rdf:Description`, in document order, by `{namespace}name`."""
    found: dict[str, list[str]] = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        for name, value in description.attrib.items():
            if not name.startswith(f"{{{RDF}}}"):
                found.setdefault(name, []).append(value)
        for child in description:
            found.setdefault(child.tag, []).extend(_values(child))
    return found


def read_xmp(image: Image.Image) -> dict[str, Any]:
    """Loupe fields from XMP; a missing, oversized or malformed packet gives nothing."""
    packet = xmp_packet(image)
    if packet is None or len(packet) > MAX_PACKET_BYTES:
        return {}
    start = packet.find(b"<")
    try:
        root = ElementTree.fromstring(decode_text(packet[start:].rstrip(b"\x00 \r\n\t")))
    except Exception:  # defusedxml raises ParseError and its own *Forbidden types
        return {}
    properties = _properties(root)
    found: dict[str, Any] = {}
    for name, keys in _SINGLE.items():
        for key in keys:
            values = properties.get(key, [])
            if values and (text := clean_text(values[0])) is not None:
                found[name] = text
                break
    if (tags := clean_terms(properties.get(f"{{{DC}}}subject", []))) is not None:
        found["tags"] = tags
    if (creators := clean_terms(properties.get(f"{{{DC}}}creator", []))) is not None:
        found["creator"] = "; ".join(creators)
    if (created := _date(properties.get(f"{{{PHOTOSHOP}}}DateCreated", []))) is not None:
        found["created_at"] = created
    return found


def _date(values: list[str]) -> datetime | None:
    """ISO 8601 as XMP writes it (`2021-07-04`, `2021-07-04T18:30:00+02:00`); naive times are read as UTC."""
    if not values:
        return None
    try:
        moment = datetime.fromisoformat(values[0].strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
