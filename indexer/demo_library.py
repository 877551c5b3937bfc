"""A small, realistic demo library: real photographs bundled with scikit-image plus a DAM manifest.

Only images shipped inside the scikit-image wheel are used (the others need a network
download). The metadata is written like a real library's: hierarchical taxonomy, owners and
groups, rights with one expired licence, one untagged camera upload, and a resized duplicate
(the newsletter export of Chelsea) whose poor metadata is what near-duplicate search is for.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ExifTags, Image
from skimage import data

from indexer.rendered_text import Lettering, letter

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = (
    "id", "file", "title", "description", "tags", "taxonomy", "owner", "groups",
    "status", "license_expires", "credit", "created_at",
)  # fmt: skip
DUPLICATE_SCALE = 0.6


def _sample(name: str) -> Any:
    """A scikit-image sample by name (its loaders are untyped; the demo test loads every one)."""
    return getattr(data, name)()


def _silhouette() -> Image.Image:
    return Image.fromarray(_sample("horse").astype(np.uint8) * 255)  # True is the white background


def _chelsea_web_export() -> Image.Image:
    chelsea = Image.fromarray(_sample("chelsea"))
    size = (round(chelsea.width * DUPLICATE_SCALE), round(chelsea.height * DUPLICATE_SCALE))
    return chelsea.resize(size, Image.Resampling.LANCZOS)


def _lettered(sample: str, *letterings: Lettering) -> Callable[[], Image.Image]:
    """A real photo with text drawn on it (a sign, a label, a poster), for text-in-image search."""

    def load() -> Image.Image:
        image = Image.fromarray(_sample(sample)).convert("RGB")
        for lettering in letterings:
            image = letter(image, lettering)
        return image

    return load


def _camera_upload(image: Image.Image, path: Path) -> None:
    """Saved like a phone or camera would: EXIF make, model and capture time, no other metadata."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS 80D"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:05:18 09:41:07"
    image.save(path, quality=90, exif=exif)


@dataclass(frozen=True)
class DemoAsset:
    file: str
    load: Callable[[], Image.Image]
    id: str
    title: str = ""
    description: str = ""
    tags: str = ""
    taxonomy: str = ""
    owner: str = ""
    groups: str = ""
    status: str = "approved"
    license_expires: str = ""
    credit: str = ""
    created_at: str = ""
    save: Callable[[Image.Image, Path], None] | None = None

    def row(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in MANIFEST_COLUMNS}


# fmt: off
DEMO_ASSETS: tuple[DemoAsset, ...] = (
    DemoAsset(
        "animals/chelsea-the-cat.jpg", lambda: Image.fromarray(_sample("chelsea")), "demo-chelsea",
        "Chelsea the cat, tabby portrait",
        "Close-up of Chelsea, a young tabby cat, looking to the side with her whiskers catching the light.",
        "cat; kitten; pet; tabby; whiskers", "Animals/Cats", "amara.okafor", "marketing; social",
        credit="Stefan van der Walt (CC0)", created_at="2012-06-14T16:20:00Z",
    ),
    DemoAsset(
        "exports/newsletter_header_v2.jpg", _chelsea_web_export, "demo-newsletter-header",
        "newsletter_header_v2", "Resized web export for the spring newsletter header.",
        "newsletter; web export", "Marketing/Newsletters", "ben.hughes", "marketing",
        credit="Stefan van der Walt (CC0)", created_at="2024-03-02T11:05:00Z",
    ),
    DemoAsset(
        "people/eileen-collins-portrait.jpg", lambda: Image.fromarray(_sample("astronaut")), "demo-astronaut",
        "Astronaut Eileen Collins, official portrait",
        "NASA portrait of Eileen Collins, the first woman to pilot and command a Space Shuttle, "
        "in her launch suit with the US flag and a shuttle model behind her.",
        "astronaut; portrait; NASA; woman; spaceflight", "People/Portraits; Space/Astronauts",
        "chen.li", "editorial; science", credit="NASA (public domain)", created_at="1998-09-01T12:00:00Z",
    ),
    DemoAsset(
        "food/espresso-on-wooden-table.jpg", lambda: Image.fromarray(_sample("coffee")), "demo-coffee",
        "Espresso cup on a wooden table",
        "A freshly pulled espresso in a white porcelain cup and saucer on a rough wooden café table.",
        "coffee; espresso; cup; café; breakfast", "Food/Drinks/Coffee", "amara.okafor", "marketing; brand",
        license_expires="2027-06-30", credit="Rachel Michetti for Pikolo Espresso Bar",
        created_at="2013-02-20T08:30:00Z",
    ),
    DemoAsset(
        "space/falcon9-dscovr-launch.jpg", lambda: Image.fromarray(_sample("rocket")), "demo-rocket",
        "Falcon 9 lifting off with DSCOVR",
        "SpaceX Falcon 9 launching the DSCOVR space-weather satellite from Launch Complex 40, "
        "Cape Canaveral, at dusk.",
        "rocket; launch; Falcon 9; SpaceX; satellite", "Space/Rockets", "chen.li", "editorial; science",
        credit="SpaceX (public domain)", created_at="2015-02-11T23:03:00Z",
    ),
    DemoAsset("inbox/IMG_0412.jpg", lambda: Image.fromarray(_sample("camera")), "demo-img-0412",
              owner="ben.hughes", groups="editorial", status="draft", save=_camera_upload),
    DemoAsset(
        "collections/greek-coins-pompeii.tif", lambda: Image.fromarray(_sample("coins")), "demo-coins",
        "Greek coins from Pompeii", "Bronze and silver Greek coins excavated at Pompeii, photographed on grey felt.",
        "coins; archaeology; Pompeii; museum; bronze", "Culture/Archaeology; Objects/Coins", "dana.kowalski",
        "editorial", license_expires="2022-05-31", credit="Brooklyn Museum", created_at="2009-10-05T10:00:00Z",
    ),
    DemoAsset(
        "space/moon-surface.jpg", lambda: Image.fromarray(_sample("moon")), "demo-moon",
        "Surface of the Moon", "Low-contrast view of lunar craters and maria, taken through a telescope.",
        "moon; craters; lunar; telescope", "Science/Astronomy; Space/Moon", "chen.li", "science",
        credit="scikit-image sample data", created_at="2008-11-12T22:15:00Z",
    ),
    DemoAsset(
        "science/hubble-extreme-deep-field.jpg", lambda: Image.fromarray(_sample("hubble_deep_field")), "demo-hubble",
        "Hubble eXtreme Deep Field",
        "Thousands of galaxies in the Hubble Space Telescope's farthest view of the universe.",
        "galaxies; deep field; Hubble; universe; stars", "Science/Astronomy; Space/Galaxies", "chen.li",
        "science; editorial", credit="NASA, ESA and the HUDF09 team", created_at="2012-09-25T15:00:00Z",
    ),
    DemoAsset(
        "science/ihc-colonic-glands.webp", lambda: Image.fromarray(_sample("immunohistochemistry")), "demo-ihc",
        "Immunohistochemistry stain of colonic glands",
        "FHL2 protein revealed with DAB (brown) and hematoxylin counterstain (blue) in colon tissue.",
        "microscopy; histology; stain; tissue; laboratory", "Science/Microscopy; Science/Biology/Histology",
        "dana.kowalski", "science", credit="Center for Microscopy and Molecular Imaging (CMMI)",
        created_at="2014-04-08T14:00:00Z",
    ),
    DemoAsset(
        "science/retina-fundus.jpg", lambda: Image.fromarray(_sample("retina")), "demo-retina",
        "Fundus photograph of a healthy left eye",
        "Colour fundus photograph showing the optic disc, macula and retinal blood vessels.",
        "retina; eye; fundus; ophthalmology; medical", "Science/Medicine/Ophthalmology", "dana.kowalski",
        "science", credit="Mikael Häggström (CC0)", created_at="2014-01-20T09:00:00Z",
    ),
    DemoAsset(
        "science/cell-in-saline.png", lambda: Image.fromarray(_sample("cell")), "demo-cell",
        "Cell floating in saline, phase image",
        "Quantitative phase image of a single cell, retrieved from a digital hologram.",
        "cell; hologram; phase imaging; biology", "Science/Microscopy", "dana.kowalski", "science",
        credit="Paul Müller et al. (CC0)", created_at="2015-07-30T13:00:00Z",
    ),
    DemoAsset(
        "documents/scanned-page.png", lambda: Image.fromarray(_sample("page")), "demo-page",
        "Scanned page of printed text", "Greyscale scan of a printed page with uneven lighting.",
        "scan; document; text; archive", "Documents/Scans", "ben.hughes", "editorial", status="archived",
        credit="scikit-image sample data", created_at="2010-03-03T10:00:00Z",
    ),
    DemoAsset(
        "graphics/horse-silhouette.png", _silhouette, "demo-horse", "Horse silhouette",
        "Black silhouette of a trotting horse on white, for icons and signage.",
        "horse; silhouette; icon; illustration", "Graphics/Illustrations; Animals/Horses", "amara.okafor",
        "brand; marketing", credit="Andreas Preuss via Openclipart (CC0)", created_at="2011-11-11T11:00:00Z",
    ),
    DemoAsset(
        "brand/scikit-image-logo.png", lambda: Image.fromarray(_sample("logo")), "demo-logo",
        "scikit-image logo, transparent background", "Full-colour logo with an alpha channel, for light backgrounds.",
        "logo; brand; transparent", "Brand/Logos", "amara.okafor", "brand",
        credit="scikit-image team", created_at="2016-05-01T09:00:00Z",
    ),
    DemoAsset(
        "brand/colour-wheel.png", lambda: Image.fromarray(_sample("colorwheel")), "demo-colour-wheel",
        "Colour wheel", "Hue and saturation wheel used as the palette reference in brand guidelines.",
        "colour; palette; hue; design", "Graphics/Design; Brand/Guidelines", "amara.okafor", "brand",
        credit="scikit-image sample data", created_at="2016-05-02T09:00:00Z",
    ),
    DemoAsset(
        "objects/wall-clock-motion-blur.gif", lambda: Image.fromarray(_sample("clock")), "demo-clock",
        "Wall clock with motion blur", "A wall clock photographed while panning the camera sideways.",
        "clock; time; motion blur", "Objects/Clocks", "ben.hughes", "editorial",
        credit="Stefan van der Walt (public domain)", created_at="2011-08-19T17:45:00Z",
    ),
    DemoAsset(
        "textures/brick-wall.jpg", lambda: Image.fromarray(_sample("brick")), "demo-brick",
        "Red brick wall texture", "Even, tileable brick wall for backgrounds.",
        "brick; wall; texture; background", "Textures/Architecture", "ben.hughes", "brand",
        credit="CC0Textures", created_at="2018-04-10T12:00:00Z",
    ),
    DemoAsset(
        "textures/grass.jpg", lambda: Image.fromarray(_sample("grass")), "demo-grass",
        "Grass texture", "Close-up of a lawn, useful as a natural background.",
        "grass; lawn; texture; nature; background", "Textures/Nature", "ben.hughes", "brand",
        credit="linolafett via DeviantArt (CC0)", created_at="2018-04-11T12:00:00Z",
    ),
    DemoAsset(
        "transport/motorcycle-studio.jpg", lambda: Image.fromarray(_sample("stereo_motorcycle")[0]), "demo-motorcycle",
        "Motorcycle in the studio", "A sport motorcycle photographed in a studio from its left side.",
        "motorcycle; motorbike; vehicle; studio", "Transport/Motorcycles", "chen.li", "marketing",
        credit="Middlebury College stereo dataset (Scharstein et al.)", created_at="2014-06-01T10:00:00Z",
    ),
    # Text in images: the words drawn on these appear nowhere in their metadata, so a search for one
    # of them ("bakery", "stargazing", "trade") finds the image by what is written in it.
    DemoAsset(
        "food/cafe-window-sign.jpg",
        _lettered("coffee", Lettering("Lighthouse Bakery", 40, "plate", angle=-3, centre=(0.5, 0.16),
                                      ink=(250, 246, 236), plate=(38, 70, 110))),
        "demo-cafe-sign", "Café window, morning",
        "The shop sign above an espresso on the counter, photographed for the local guide.",
        "café; shop front; espresso; local guide", "Food/Drinks/Coffee; Places/Shops", "amara.okafor",
        "marketing; brand", credit="Rachel Michetti for Pikolo Espresso Bar", created_at="2024-04-12T08:10:00Z",
    ),
    DemoAsset(
        "events/observatory-open-evening-poster.jpg",
        _lettered("rocket", Lettering("STARGAZING NIGHT", 44, "outline", angle=2, centre=(0.5, 0.12)),
                  Lettering("Friday 21 March", 30, "shadow", centre=(0.5, 0.9))),
        "demo-event-poster", "Observatory open evening, poster",
        "Poster for the spring open evening, printed A2 and sent to schools.",
        "poster; event; observatory; schools", "Marketing/Posters; Space/Events", "ben.hughes",
        "marketing; editorial", credit="Design team", created_at="2025-02-20T16:00:00Z",
    ),
    DemoAsset(
        "collections/coin-case-label.jpg",
        _lettered("coins", Lettering("Hall of Ancient Trade", 26, "plate", angle=1.5, centre=(0.5, 0.86))),
        "demo-coin-label", "Display case with its label",
        "The coin case as visitors see it, with the gallery label in front.",
        "display case; gallery label; visitors", "Culture/Archaeology; Objects/Coins", "dana.kowalski",
        "editorial", credit="Brooklyn Museum", created_at="2019-06-03T10:30:00Z",
    ),
)
# fmt: on


def build_demo_library(target: Path) -> Path:
    """Write the images under `target` and `target/manifest.csv`; returns `target`.

    Index it with `loupe index TARGET --manifest TARGET/manifest.csv`. Rebuilding writes the
    same bytes, so a re-index after a rebuild reports everything unchanged.
    """
    target.mkdir(parents=True, exist_ok=True)
    for asset in DEMO_ASSETS:
        path = target / asset.file
        path.parent.mkdir(parents=True, exist_ok=True)
        image = asset.load()
        if asset.save is not None:
            asset.save(image, path)
        else:
            image.save(path, quality=90)  # only lossy formats (JPEG, WebP) read `quality`
    manifest = target / MANIFEST_NAME
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(asset.row() for asset in DEMO_ASSETS)
    return target
