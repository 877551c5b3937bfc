"""The backend-neutral query model and result types.

This module imports nothing from any backend: each store compiles a `Query` into its own
language (SQL + NumPy, or OpenSearch DSL) and answers with a `SearchResult`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from loupe_core.colour_space import NAMED_COLOURS, hex_to_rgb, parse_colour, rgb_to_hex
from loupe_core.errors import InvalidQuery
from loupe_core.principal import Principal
from loupe_core.schema import Asset, LicenseState, normalize_taxonomy_path


class SearchMode(StrEnum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"


class SortOrder(StrEnum):
    relevance = "relevance"
    newest = "newest"
    oldest = "oldest"
    title = "title"


class VectorField(StrEnum):
    image = "image_vector"
    text = "text_vector"


class FusionMethod(StrEnum):
    """How a query's ranked lists become one ranking (see `loupe_core.store.fusion`)."""

    rrf = "rrf"
    weighted_rrf = "weighted_rrf"
    scores = "scores"


DEFAULT_COLOR_DELTA_E = 20
"""Colour tolerance in ΔE*ab: "the same colour in another shade" (10 is close, 30 is another colour)."""

KEYWORD_LIST = "keyword"
"""The evidence key of the keyword list; vector lists are keyed by their field name."""


class FacetName(StrEnum):
    taxonomy = "taxonomy"
    tags = "tags"
    status = "status"
    file_type = "file_type"
    orientation = "orientation"
    owner = "owner"
    groups = "groups"
    license = "license"
    color_family = "color_family"


DEFAULT_FACETS: tuple[FacetName, ...] = (
    FacetName.taxonomy,
    FacetName.tags,
    FacetName.status,
    FacetName.file_type,
    FacetName.orientation,
    FacetName.color_family,
    FacetName.license,
)


class DuplicateClusters(BaseModel):
    """Exact and visual duplicate clusters a search folds: member id -> its cluster's suggested keeper.

    Folding happens after ranking, inside the result set the caller may see: each cluster present
    shows one hit (the keeper when it is in the set, else the best-placed member) carrying the
    ids of the other members in the set; members outside the set are never named."""

    model_config = ConfigDict(frozen=True)

    keeper_of: dict[str, str] = Field(default_factory=dict)


class Filters(BaseModel):
    """Every filter narrows the set (AND); values inside one list widen it (OR), except `tags` (ALL)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    taxonomy: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    file_type: tuple[str, ...] = ()
    orientation: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    license: tuple[LicenseState, ...] = ()
    color_family: tuple[str, ...] = ()
    color: str | None = None
    """A hex value (`#3a5f8c`) or a colour name (`navy`): assets with a dominant colour within
    `color_delta_e` of it (CIELAB ΔE*ab, `loupe_core.colour_space`)."""
    color_delta_e: int = Field(default=DEFAULT_COLOR_DELTA_E, ge=1, le=100)
    created_from: date | None = None
    created_to: date | None = None
    ids: tuple[str, ...] | None = None
    exclude_ids: tuple[str, ...] = ()
    has_text: bool | None = None
    """True: only assets with text read in the image (`ocr_text`); False: only those without; None: all."""
    indexed_after: datetime | None = None
    """Assets indexed strictly after this instant: what a saved search counts as "new since you last ran it"."""

    @field_validator("taxonomy")
    @classmethod
    def _normalize_paths(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p for p in (normalize_taxonomy_path(v) for v in values) if p)

    @field_validator("color")
    @classmethod
    def _known_colour(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            parse_colour(value)
        except InvalidQuery as exc:
            raise ValueError(str(exc)) from exc
        name = value.strip().lower()
        return name if name in NAMED_COLOURS else rgb_to_hex(hex_to_rgb(name))

    @field_validator("indexed_after")
    @classmethod
    def _utc_instant(cls, value: datetime | None) -> datetime | None:
        """UTC, like stored `indexed_at`, so both backends compare one instant (SQLite compares ISO text)."""
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

    @property
    def color_lab(self) -> int | None:
        """The colour filter's target as packed CIELAB (None: no colour filter)."""
        return None if self.color is None else parse_colour(self.color)

    @model_validator(mode="after")
    def _ordered_dates(self) -> Filters:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from is after created_to")
        return self


class Query(BaseModel):
    """One search request, after the service layer resolved text and images into vectors.

    `vectors` holds query embeddings per vector field; the store runs one filtered k-NN list
    per entry and fuses them (with the keyword list in hybrid mode) by reciprocal rank.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    text: str = Field(default="", max_length=1000)
    synonyms: tuple[str, ...] = Field(default=(), max_length=64)
    mode: SearchMode = SearchMode.hybrid
    vectors: dict[VectorField, list[float]] = Field(default_factory=dict)
    like_asset_id: str | None = None
    filters: Filters = Field(default_factory=Filters)
    facets: tuple[FacetName, ...] = DEFAULT_FACETS
    sort: SortOrder = SortOrder.relevance
    page: int = Field(default=1, ge=1, le=1000)
    size: int = Field(default=24, ge=0, le=1000)
    knn_k: int = Field(default=100, ge=1, le=10_000)
    rrf_k: int = Field(default=60, ge=1)
    fusion: FusionMethod = FusionMethod.rrf
    keyword_weight: float = Field(default=1.0, gt=0, le=100)
    """Weight of the keyword list against each vector list (1) in weighted fusions."""
    floors: dict[VectorField, float] = Field(default_factory=dict)
    """Minimum cosine per vector field: a hit found only by vector lists enters the result set only
    when it clears its field's floor in one of them. Keyword matches always enter. No entry: no floor."""
    collapse: DuplicateClusters | None = None
    """Fold duplicate clusters into one hit each (None: every member is a hit of its own)."""
    limit: int | None = Field(default=None, ge=0, le=10_000)
    """Caps a search by meaning (semantic or hybrid) to its best `limit` hits; totals and facets
    count exactly those. The by-meaning rescue uses it."""
    today: date | None = None
    expiring_days: int = Field(default=30, ge=0, le=3650)
    principal: Principal | None = None

    @field_validator("text")
    @classmethod
    def _strip_controls(cls, value: str) -> str:
        cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
        return " ".join(cleaned.split())

    @property
    def keyword_text(self) -> str:
        """What keyword matching sees: the text plus controlled-vocabulary synonyms (OR-ed in)."""
        return " ".join((self.text, *self.synonyms)) if self.synonyms else self.text

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def uses_keyword(self) -> bool:
        return self.mode in (SearchMode.keyword, SearchMode.hybrid) and bool(self.text)

    @property
    def uses_vectors(self) -> bool:
        return self.mode in (SearchMode.semantic, SearchMode.hybrid) and bool(self.vectors)

    @property
    def result_mode(self) -> SearchMode:
        """The mode a result reports: what actually ran, so keyword when no vectors were used."""
        return self.mode if self.uses_vectors else SearchMode.keyword

    @property
    def vector_k(self) -> int:
        """Neighbours per vector list: enough to fill the requested page."""
        return max(self.knn_k, self.page * self.size)


class FacetBucket(BaseModel):
    value: str
    count: int


class ListEvidence(BaseModel):
    """Where a hit stood in one ranked list: its 1-based rank and that list's own score
    (BM25 on the backend's scale for the keyword list, cosine for a vector list)."""

    rank: int
    score: float
    cleared_floor: bool = True
    """Vector lists: whether the cosine cleared the field's floor (a keyword match below it
    is still shown, the vector list just did not vouch for it)."""


class SearchHit(BaseModel):
    asset: Asset
    score: float
    highlights: dict[str, list[str]] = Field(default_factory=dict)
    evidence: dict[str, ListEvidence] = Field(default_factory=dict)
    """Per ranked list (`KEYWORD_LIST` or a vector field name) that found the hit."""
    copies: list[str] = Field(default_factory=list)
    """With `Query.collapse`: ids of this hit's duplicates folded into it (all in the result set)."""
    pinned_by: str | None = None
    """The id of the librarians' curation rule that pinned this hit here (None: ranked by the engine)."""


class SearchResult(BaseModel):
    total: int
    hits: list[SearchHit]
    facets: dict[FacetName, list[FacetBucket]] = Field(default_factory=dict)
    took_ms: float = 0.0
    mode: SearchMode = SearchMode.hybrid
    notes: list[str] = Field(default_factory=list)
    """Plain sentences for whoever searched (a feature they asked for is unavailable, a rescue)."""
    notices: list[str] = Field(default_factory=list)
    """Operational notices (a model missing, a degraded backend): for admins and librarians only."""
    keyword_matches: int | None = None
    """How many assets the keyword part matched (capped at the fusion window in hybrid mode);
    None when the query had no keyword part. Zero-result analytics and rescue read it."""
    rescued: bool = False
    floors: dict[VectorField, float] = Field(default_factory=dict)
    """The relevance floors the search applied (empty: none)."""
    total_uncollapsed: int | None = None
    """With `Query.collapse`: the result set's size before duplicates were folded (`total` after)."""
    copies: dict[str, Asset] = Field(default_factory=dict)
    """The page's folded copies by id (filled by the search service, under the caller's permissions)."""
    rules_fired: list[str] = Field(default_factory=list)
    """Ids of the curation rules that applied to this search (pins, hides, synonyms)."""
