"""Turns what a user typed or uploaded into a store `Query`: encodes text and images once.

The API and the web pages both call this service, so fallbacks (no CLIP weights -> text
vectors only; no encoders -> keyword) behave the same everywhere. What went missing is an
operational notice (`SearchResult.notices`: configuration, for admins, librarians and the
logs); a user reads a plain note only when a feature they asked for is unavailable.

Searches by meaning apply the calibrated relevance floors (`loupe_core.relevance`), so a query
that means nothing to the library finds nothing; when keyword search finds nothing, the rescue
shows at most `RESCUE_LIMIT` hits that clear the floors, or none.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Lock

from loupe_core.analytics.reports import normalise_query
from loupe_core.curated_results.placement import page_layout, pin_slots
from loupe_core.curated_results.rules import Curation
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import EncoderUnavailable
from loupe_core.images import open_image
from loupe_core.principal import Principal
from loupe_core.query import DuplicateClusters, Filters, Query, SearchHit, SearchMode, SearchResult, VectorField
from loupe_core.relevance.floors import RelevanceFloors
from loupe_core.schema import Asset, LicenseState
from loupe_core.store.base import AssetStore

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 1024
RESCUE_LIMIT = 12
"""At most this many "closest by meaning" hits when keyword search found nothing."""
MEANING_UNAVAILABLE = "Search by meaning isn't available on this server; showing keyword matches instead."
IMAGE_SEARCH_UNAVAILABLE = "Search by image isn't available on this server."
MAX_COPIES_SHOWN = 1000
"""Folded copies whose documents a page carries (one request; a page of 100 clusters of 10 fits)."""


class QueryVectorCache:
    """LRU of query-text embeddings: popular queries skip the text towers entirely."""

    def __init__(self, capacity: int = QUERY_CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._capacity = capacity
        self._lock = Lock()

    def get(self, key: tuple[str, str]) -> list[float] | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str], value: list[float]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


Synonyms = Callable[[str], tuple[str, ...]]
CurationRules = Callable[[str, Filters, date], Curation | None]
"""(normalised text, filters, day) -> what the librarians' rules matching that search do."""
UNEXPIRED = (LicenseState.none, LicenseState.valid, LicenseState.expiring)


def no_synonyms(_: str) -> tuple[str, ...]:
    return ()


class SearchService:
    def __init__(
        self,
        store: AssetStore,
        encoders: Encoders,
        max_image_pixels: int,
        synonyms: Synonyms = no_synonyms,
        hide_expired_from_viewers: bool = True,
        floors: RelevanceFloors | None = None,
        clusters: Callable[[], DuplicateClusters] | None = None,
        rules: CurationRules | None = None,
    ) -> None:
        """`floors`: None searches by meaning without relevance floors (every neighbour enters);
        `clusters`: the duplicate clusters a collapsing search folds (None: nothing folds);
        `rules`: librarians' curation rules (None: none)."""
        self.store = store
        self.rules = rules
        self.floors = floors
        self.clusters = clusters
        self.encoders = encoders
        self.max_image_pixels = max_image_pixels
        self.synonyms = synonyms
        self.hide_expired_from_viewers = hide_expired_from_viewers
        self._cache = QueryVectorCache()
        self._helper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loupe-query-encoder")

    def close(self) -> None:
        """Stop the query-encoding helper threads (a search still running finishes first)."""
        self._helper.shutdown(wait=True)

    def _prepare(self, query: Query) -> Query:
        """Rules every search obeys: expired licences hidden from non-librarians, synonyms added."""
        update: dict[str, object] = {}
        principal = query.principal
        if self.hide_expired_from_viewers and principal is not None and not principal.sees_everything:
            allowed = tuple(s for s in (query.filters.license or UNEXPIRED) if s is not LicenseState.expired)
            narrowed = {"license": allowed} if allowed else {"ids": ()}  # asked for expired only: nothing
            update["filters"] = query.filters.model_copy(update=narrowed)
        if query.text and query.mode is not SearchMode.semantic:
            update["synonyms"] = self.synonyms(query.text)
        return query.model_copy(update=update) if update else query

    def text_vectors(self, text: str) -> tuple[dict[VectorField, list[float]], list[str]]:
        """CLIP text -> image space and MiniLM -> metadata space; notices say what was missing.

        MiniLM runs on a helper thread while CLIP runs on the caller's: torch releases the GIL,
        so the query waits for the slower tower rather than for both one after the other.
        """
        vectors: dict[VectorField, list[float]] = {}
        notices: list[str] = []
        clip, encoder = self.encoders.clip(), self.encoders.text()
        metadata = (
            self._helper.submit(self._cached, "text", text, lambda: encoder.encode_texts([text])[0].tolist())
            if encoder is not None
            else None
        )
        if clip is not None:
            vectors[VectorField.image] = self._cached("clip", text, lambda: clip.encode_texts([text])[0].tolist())
        else:
            notices.append(f"image-text search unavailable: {self.encoders.problems.get('clip', 'no CLIP model')}")
        if metadata is not None:
            vectors[VectorField.text] = metadata.result()
        else:
            notices.append(f"text-embedding search unavailable: {self.encoders.problems.get('text', 'no text model')}")
        return vectors, notices

    def _by_meaning(self, query: Query, vectors: dict[VectorField, list[float]], **update: object) -> Query:
        """The query with text-derived vectors and their fields' floors."""
        floors = self.floors.floors(list(vectors)) if self.floors is not None else {}
        return query.model_copy(update={"vectors": vectors, "floors": floors, **update})

    def _cached(self, model: str, text: str, compute: Callable[[], list[float]]) -> list[float]:
        key = (model, text)
        found = self._cache.get(key)
        if found is None:
            found = compute()
            self._cache.put(key, found)
        return found

    def search(self, query: Query, collapse: bool = False) -> SearchResult:
        """`collapse`: fold exact and visual duplicate clusters into one hit each.

        Curation rules matching the text add their synonyms and take their hidden and pinned
        assets out of the ranking; pins then go back in at their positions, but only those the
        caller may see and that pass the caller's filters.
        """
        query = self._prepare(query)
        curation = (
            self.rules(normalise_query(query.text), query.filters, query.today or date.today())
            if (self.rules is not None and query.text)
            else None
        )
        filters = query.filters
        if curation is not None:
            removed = (*query.filters.exclude_ids, *sorted(curation.hides), *(a for a, _, _ in curation.pins))
            query = query.model_copy(
                update={
                    "synonyms": tuple(dict.fromkeys((*query.synonyms, *curation.synonyms))),
                    "filters": query.filters.model_copy(update={"exclude_ids": removed}),
                }
            )
        if collapse and self.clusters is not None:
            query = query.model_copy(update={"collapse": self.clusters()})
        notes: list[str] = []
        notices: list[str] = []
        if query.mode is not SearchMode.keyword and query.text and not query.vectors:
            vectors, notices = self.text_vectors(query.text)
            if vectors:
                query = self._by_meaning(query, vectors)
            elif query.mode is SearchMode.semantic:
                query = query.model_copy(update={"mode": SearchMode.keyword})
                notes.append(MEANING_UNAVAILABLE)
        result = self.store.search(query)
        ranked = query
        if result.keyword_matches == 0 and query.text and not (curation and curation.pins):
            result, ranked = self._rescue(query, result)
        if curation is not None:
            result.rules_fired = list(curation.rule_ids)
            if curation.pins:
                result = self._pin(curation, filters, ranked, result)
        result.notes = [*notes, *result.notes]
        result.notices = [*notices, *result.notices]
        result.copies = self._copies(result, query)
        return result

    def _copies(self, result: SearchResult, query: Query) -> dict[str, Asset]:
        """The documents of the page's folded copies, read under the caller's own permissions."""
        ids = tuple(copy for hit in result.hits for copy in hit.copies)[:MAX_COPIES_SHOWN]
        if not ids:
            return {}
        page = Query(filters=Filters(ids=ids), size=len(ids), facets=(), principal=query.principal, today=query.today)
        return {hit.asset.id: hit.asset for hit in self.store.search(self._prepare(page)).hits}

    def _pin(self, curation: Curation, filters: Filters, ranked: Query, result: SearchResult) -> SearchResult:
        """The page with the visible pins at their places and the ranked hits around them."""
        wanted = tuple(a for a, _, _ in curation.pins)
        if filters.ids is not None:
            allowed = set(filters.ids)
            wanted = tuple(a for a in wanted if a in allowed)
        look = Query(
            filters=filters.model_copy(update={"ids": wanted}),
            size=len(wanted),
            facets=(),
            principal=ranked.principal,
            today=ranked.today,
        )
        visible = {hit.asset.id: hit for hit in self.store.search(self._prepare(look)).hits} if wanted else {}
        pins = [
            visible[a].model_copy(update={"pinned_by": rule_id, "evidence": {}, "highlights": {}})
            for a, _, rule_id in curation.pins
            if a in visible
        ]
        if not pins:
            return result
        slots = pin_slots([p for a, p, _ in curation.pins if a in visible], result.total)
        layout = page_layout(slots, ranked.offset, ranked.size, result.total)
        organic = iter(self._ranked_window(ranked, result, layout.organic_start, layout.organic_count))
        placed = len(layout.pinned) + layout.organic_count
        result.hits = [pins[layout.pinned[i]] if i in layout.pinned else next(organic) for i in range(placed)]
        result.total += len(pins)
        if result.total_uncollapsed is not None:
            result.total_uncollapsed += len(pins)
        return result

    def _ranked_window(self, ranked: Query, first: SearchResult, start: int, count: int) -> list[SearchHit]:
        """Ranked hits start..start+count: pins before a page shift its hits back, so up to two pages are read."""
        if count == 0 or ranked.size == 0:
            return []
        found: dict[int, SearchHit] = {}
        for page in range(start // ranked.size + 1, (start + count - 1) // ranked.size + 2):
            answer = (
                first
                if page == ranked.page
                else self.store.search(ranked.model_copy(update={"page": page, "facets": ()}))
            )
            found.update({(page - 1) * ranked.size + i: hit for i, hit in enumerate(answer.hits)})
        return [found[i] for i in range(start, start + count) if i in found]

    def _rescue(self, query: Query, result: SearchResult) -> tuple[SearchResult, Query]:
        """Keyword search found nothing: the closest hits by meaning that clear the floors, capped.

        Nothing above the floors stays an empty result (logged as a zero-result search), so
        a nonsense word never fills the page with the library's least bad matches.
        """
        vectors = query.vectors if query.uses_vectors else self.text_vectors(query.text)[0]
        if not vectors:
            return result, query
        rescue = self._by_meaning(query, vectors, mode=SearchMode.semantic, limit=RESCUE_LIMIT)
        closest = self.store.search(rescue)
        closest.keyword_matches = 0
        if closest.total:
            closest.rescued = True
            closest.notes.append(f"No matches for “{query.text}”; showing the closest by meaning instead.")
        return closest, rescue

    def suggest(self, prefix: str, principal: Principal | None, size: int) -> list[tuple[str, str]]:
        """(id, title) of visible assets whose words start like the prefix, best first, titles unique.

        A keyword search under the caller's own permissions and licence rules (so a suggestion
        never names an asset the caller cannot open), without the search log and without the
        by-meaning rescue: a half-typed word is not a query.
        """
        keyword = Query(text=prefix, mode=SearchMode.keyword, size=4 * size, facets=(), principal=principal)
        query = self._prepare(keyword)
        titles: dict[str, tuple[str, str]] = {}
        for hit in self.store.search(query).hits:
            title = hit.asset.title or hit.asset.id
            titles.setdefault(title.casefold(), (hit.asset.id, title))
        return list(titles.values())[:size]

    def finds_anything(self, text: str, principal: Principal | None) -> bool:
        """Whether a keyword search for `text` finds an asset this caller may see (counted, not fetched)."""
        keyword = Query(text=text, mode=SearchMode.keyword, size=0, facets=(), principal=principal)
        return self.store.search(self._prepare(keyword)).total > 0

    def similar(self, asset_id: str, query: Query) -> SearchResult:
        """ "More like this": the asset's own vectors (404 if the caller cannot see it)."""
        asset = self.store.get(asset_id, query.principal)
        vectors = {
            field: vector
            for field, vector in ((VectorField.image, asset.image_vector), (VectorField.text, asset.text_vector))
            if vector
        }
        if not vectors:
            raise EncoderUnavailable(f"asset {asset_id!r} has no embeddings to compare")
        query = self._prepare(query)
        filters = query.filters.model_copy(update={"exclude_ids": (*query.filters.exclude_ids, asset_id)})
        mode = SearchMode.hybrid if query.text else SearchMode.semantic
        return self.store.search(query.model_copy(update={"vectors": vectors, "filters": filters, "mode": mode}))

    def by_image(self, data: bytes, query: Query) -> SearchResult:
        decoded = open_image(data, self.max_image_pixels)
        clip = self.encoders.clip()
        if clip is None:
            logger.warning("search by image refused: %s", self.encoders.problems.get("clip", "no CLIP model"))
            raise EncoderUnavailable(IMAGE_SEARCH_UNAVAILABLE)
        vector = clip.encode_images([decoded.image])[0].tolist()
        mode = SearchMode.hybrid if query.text else SearchMode.semantic
        return self.search(query.model_copy(update={"vectors": {VectorField.image: vector}, "mode": mode}))
