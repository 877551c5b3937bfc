"""Metadata embedded in the files (EXIF, IPTC, XMP), messy encodings, and precedence with provenance.

One library holds a file per case and is indexed once for the module; each test reads its asset.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from indexer.pipeline import IndexReport, run_index
from indexer.text_values import MAX_TEXT_CHARS
from loupe_core.encoders.registry import Encoders
from loupe_core.schema import Asset, GeoPoint
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from tests.indexer.conftest import TEXT_MODEL
from tests.indexer.photos import encode, photo, rdf_alt, rdf_bag, with_iptc, xmp_packet

HEADLINE, KEYWORDS, BY_LINE, CREDIT, COPYRIGHT, CAPTION = (2, 105), (2, 25), (2, 80), (2, 110), (2, 116), (2, 120)
DATE_CREATED, TIME_CREATED = (2, 55), (2, 60)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b"<lolz>&lol2;</lolz>"
)


def rational(*values: float) -> tuple[IFDRational, ...]:
    return tuple(IFDRational(round(v * 100), 100) for v in values)


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R5"
    exif[ExifTags.Base.Artist] = "Ines Duarte"
    exif[ExifTags.Base.Copyright] = "© 2023 Ines Duarte".encode()  # Pillow would write a str as ASCII
    exif[ExifTags.Base.Orientation] = 6
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.LensModel] = "RF24-70mm F2.8 L IS USM"
    exif_ifd[ExifTags.Base.DateTimeOriginal] = "2023:06:01 07:15:00"
    exif_ifd[ExifTags.Base.OffsetTimeOriginal] = "+01:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = rational(38, 42, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = rational(9, 8, 24.0)
    return exif


def full_xmp() -> bytes:
    return xmp_packet(
        "<photoshop:Headline>Tram 28 at dawn</photoshop:Headline>"
        f"<dc:title>{rdf_alt('tram-28-final')}</dc:title>"
        '<dc:description><rdf:Alt><rdf:li xml:lang="pt">Elétrico</rdf:li>'
        '<rdf:li xml:lang="x-default">The yellow tram climbing to Graça.</rdf:li></rdf:Alt></dc:description>'
        f"<dc:subject>{rdf_bag('tram', 'Lisbon', 'yellow')}</dc:subject>"
        "<dc:creator><rdf:Seq><rdf:li>Ines Duarte</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:rights>{rdf_alt('© 2023 Lisbon Stock')}</dc:rights>"
        "<photoshop:Credit>Lisbon Stock / Ines Duarte</photoshop:Credit>"
        f"<xmpRights:UsageTerms>{rdf_alt('Editorial use only; no print.')}</xmpRights:UsageTerms>"
        "<photoshop:DateCreated>2023-06-01T07:15:00+01:00</photoshop:DateCreated>"
    )


def write_library(folder: Path) -> None:
    (folder / "camera.jpg").write_bytes(encode(photo((60, 40)), "JPEG", exif=camera_exif()))
    utf8_iptc = {
        HEADLINE: ["Läufer im Park".encode()],
        CAPTION: ["Ein Läufer am Morgen.".encode()],
        KEYWORDS: [b"Park", "Läufer".encode(), b"Park"],
        BY_LINE: ["Jörg Weiß".encode()],
        COPYRIGHT: ["© Agentur Nord".encode()],
        CREDIT: [b"Agentur Nord"],
        DATE_CREATED: [b"20210704"],
        TIME_CREATED: [b"183000+0200"],
    }
    (folder / "iptc-utf8.jpg").write_bytes(with_iptc(encode(photo(seed=1), "JPEG"), utf8_iptc, utf8=True))
    latin1 = {HEADLINE: ["Café au lait".encode("latin-1")], KEYWORDS: ["crème".encode("latin-1"), b"milk"]}
    (folder / "iptc-latin1.jpg").write_bytes(with_iptc(encode(photo(seed=2), "JPEG"), latin1))
    (folder / "xmp.jpg").write_bytes(encode(photo(seed=3), "JPEG", xmp=full_xmp()))
    png_info = PngImagePlugin.PngInfo()
    png_info.add_itxt("XML:com.adobe.xmp", full_xmp().decode())
    (folder / "xmp.png").write_bytes(encode(photo(seed=4), "PNG", pnginfo=png_info))
    odd = Image.Exif()
    odd[ExifTags.Base.Make] = "Müller Optik".encode()  # UTF-8 bytes in an "ASCII" tag
    odd[ExifTags.Base.Model] = "Caf\xe9 Cam".encode("latin-1")
    odd[ExifTags.Base.Artist] = b"Ann\x00\x00"
    odd[ExifTags.Base.ImageDescription] = "OLYMPUS DIGITAL CAMERA"
    (folder / "odd-bytes.jpg").write_bytes(encode(photo(seed=5), "JPEG", exif=odd))
    huge = Image.Exif()
    huge[ExifTags.Base.ImageDescription] = "long caption " * 4_900  # ~64 KB: as large as a JPEG EXIF block gets
    (folder / "huge-exif.jpg").write_bytes(encode(photo(seed=6), "JPEG", exif=huge))
    junk = encode(photo(seed=7), "JPEG")
    junk_exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff" + bytes(range(256)) * 4
    (folder / "junk-exif.jpg").write_bytes(
        junk[:2] + b"\xff\xe1" + (len(junk_exif) + 2).to_bytes(2) + junk_exif + junk[2:]
    )
    (folder / "xml-bomb.jpg").write_bytes(encode(photo(seed=8), "JPEG", xmp=BILLION_LAUGHS))
    (folder / "not-xml.webp").write_bytes(encode(photo(seed=9), "WEBP", xmp=b"<x:xmpmeta <<< not xml"))
    layered = with_iptc(
        encode(photo(seed=10), "JPEG", exif=_layered_exif(), xmp=_layered_xmp()),
        {HEADLINE: [b"IPTC headline"], KEYWORDS: [b"iptc"], CREDIT: [b"IPTC credit"], CAPTION: [b"IPTC caption"],
         DATE_CREATED: [b"20200102"]},
    )  # fmt: skip
    (folder / "layered.jpg").write_bytes(layered)
    (folder / "layered.jpg.json").write_text('{"description": "Sidecar caption", "owner": "sidecar-owner"}')
    (folder / "manifest.csv").write_text("file,title,owner\nlayered.jpg,Manifest title,manifest-owner\n")


def _layered_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Fujifilm"
    exif[ExifTags.Base.Artist] = "exif-artist"
    exif[ExifTags.Base.ImageDescription] = "EXIF caption"
    return exif


def _layered_xmp() -> bytes:
    return xmp_packet(
        f"<dc:subject>{rdf_bag('xmp-a', 'xmp-b')}</dc:subject><dc:description>{rdf_alt('XMP caption')}</dc:description>"
    )


@pytest.fixture(scope="module")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, tiny_clip_dir: Path, index_encoders: Encoders
) -> Iterator[tuple[IndexReport, AssetStore]]:
    folder = tmp_path_factory.mktemp("embedded")
    write_library(folder)
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("embedded-data"),
        clip_model=f"local-dir:{tiny_clip_dir}",
        text_model=TEXT_MODEL,
        device="cpu",
        thumbnail_px=32,
        preview_px=64,
    )
    store = open_store(settings)
    report = run_index(settings, folder, folder / "manifest.csv", quiet=True, store=store, encoders=index_encoders)
    yield report, store
    store.close()


def asset(indexed: tuple[IndexReport, AssetStore], asset_id: str) -> Asset:
    return indexed[1].get(asset_id)


def test_every_file_is_indexed_whatever_its_metadata(indexed: tuple[IndexReport, AssetStore]) -> None:
    report, store = indexed
    assert (report.failed, report.skipped, report.indexed) == ([], [], 11)
    assert store.count() == 11


def test_exif_camera_lens_gps_time_and_rights(indexed: tuple[IndexReport, AssetStore]) -> None:
    camera = asset(indexed, "camera.jpg")

    assert (camera.camera_make, camera.camera_model, camera.lens) == (
        "Canon",
        "Canon EOS R5",
        "RF24-70mm F2.8 L IS USM",
    )
    assert camera.location == GeoPoint(lat=38.71, lon=-9.14)
    assert camera.created_at == datetime(2023, 6, 1, 6, 15, tzinfo=UTC)
    assert (camera.creator, camera.copyright) == ("Ines Duarte", "© 2023 Ines Duarte")
    assert (camera.width, camera.height, camera.orientation) == (40, 60, "portrait")  # orientation 6 applied
    assert camera.provenance == {
        "camera_make": "exif", "camera_model": "exif", "copyright": "exif", "created_at": "exif", "creator": "exif",
        "lens": "exif", "location": "exif", "title": "filesystem",
    }  # fmt: skip


def test_iptc_in_utf8_with_its_charset_marker(indexed: tuple[IndexReport, AssetStore]) -> None:
    iptc = asset(indexed, "iptc-utf8.jpg")

    assert (iptc.title, iptc.description, iptc.tags) == ("Läufer im Park", "Ein Läufer am Morgen.", ["Park", "Läufer"])
    assert (iptc.creator, iptc.copyright, iptc.credit) == ("Jörg Weiß", "© Agentur Nord", "Agentur Nord")
    assert iptc.created_at == datetime(2021, 7, 4, 16, 30, tzinfo=UTC)
    assert set(iptc.provenance.values()) == {"iptc"}


def test_iptc_in_latin1_without_a_marker(indexed: tuple[IndexReport, AssetStore]) -> None:
    latin1 = asset(indexed, "iptc-latin1.jpg")

    assert (latin1.title, latin1.tags) == ("Café au lait", ["crème", "milk"])


@pytest.mark.parametrize("name", ["xmp.jpg", "xmp.png"])
def test_xmp_dublin_core_photoshop_and_rights(indexed: tuple[IndexReport, AssetStore], name: str) -> None:
    xmp = asset(indexed, name)

    assert xmp.title == "Tram 28 at dawn"  # photoshop:Headline before dc:title
    assert xmp.description == "The yellow tram climbing to Graça."  # x-default among the languages
    assert (xmp.tags, xmp.creator, xmp.copyright) == (
        ["tram", "Lisbon", "yellow"],
        "Ines Duarte",
        "© 2023 Lisbon Stock",
    )
    assert (xmp.credit, xmp.usage_terms) == ("Lisbon Stock / Ines Duarte", "Editorial use only; no print.")
    assert xmp.created_at == datetime(2023, 6, 1, 6, 15, tzinfo=UTC)
    assert set(xmp.provenance.values()) == {"xmp"}


def test_manifest_beats_sidecar_beats_xmp_beats_iptc_beats_exif(indexed: tuple[IndexReport, AssetStore]) -> None:
    layered = asset(indexed, "layered.jpg")

    assert (layered.title, layered.owner, layered.description) == (
        "Manifest title",
        "manifest-owner",
        "Sidecar caption",
    )
    assert (layered.tags, layered.credit, layered.creator) == (["xmp-a", "xmp-b"], "IPTC credit", "exif-artist")
    assert layered.created_at == datetime(2020, 1, 2, tzinfo=UTC)
    assert layered.provenance == {
        "camera_make": "exif", "created_at": "iptc", "credit": "iptc", "creator": "exif", "description": "sidecar",
        "owner": "manifest", "tags": "xmp", "title": "manifest",
    }  # fmt: skip


def test_exif_text_in_odd_encodings_is_repaired(indexed: tuple[IndexReport, AssetStore]) -> None:
    odd = asset(indexed, "odd-bytes.jpg")

    assert (odd.camera_make, odd.camera_model, odd.creator) == ("Müller Optik", "Café Cam", "Ann")
    assert odd.description == ""  # the camera's own placeholder caption is not a description


def test_a_huge_exif_caption_is_cut_not_fatal(indexed: tuple[IndexReport, AssetStore]) -> None:
    huge = asset(indexed, "huge-exif.jpg")

    assert len(huge.description) == MAX_TEXT_CHARS
    assert huge.description.startswith("long caption long caption") and huge.description.endswith("…")


@pytest.mark.parametrize("name", ["junk-exif.jpg", "xml-bomb.jpg", "not-xml.webp"])
def test_unreadable_metadata_is_ignored_not_fatal(indexed: tuple[IndexReport, AssetStore], name: str) -> None:
    unreadable = asset(indexed, name)

    assert unreadable.provenance == {"created_at": "filesystem", "title": "filesystem"}
    assert unreadable.sha256 is not None and unreadable.image_vector is not None
