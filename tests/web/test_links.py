"""The link builders behind facets, chips and pagination, checked on exact URLs."""

from __future__ import annotations

from starlette.datastructures import QueryParams

from loupe_core.query import FacetName, Filters
from search_api.schemas import Bucket
from web.chips import active_chips, clear_filters_url
from web.facets import facet_groups, taxonomy_tree
from web.filter_params import FACET_FILTERS
from web.pagination import paginate
from web.query_string import QueryString

TAXONOMY = FACET_FILTERS[FacetName.taxonomy]


def qs(raw: str) -> QueryString:
    return QueryString.of(QueryParams(raw))


def test_empty_values_and_the_page_are_dropped_when_a_filter_changes() -> None:
    current = qs("q=cat&mode=&tag=a&page=3")

    assert current.with_values("tag", ["a", "b"]) == "/?q=cat&tag=a&tag=b"
    assert current.with_values("tag", []) == "/?q=cat"
    assert current.with_page(1) == "/?q=cat&tag=a"
    assert current.carried() == [("tag", "a")]


def test_taxonomy_tree_nests_paths_and_keeps_orphans_as_roots() -> None:
    buckets = [Bucket(value=path, count=n) for path, n in (("Animals", 3), ("Animals/Cats", 2), ("Food/Fruit", 1))]

    roots = taxonomy_tree(buckets, [], qs(""), TAXONOMY)

    assert [(node.label, node.count) for node in roots] == [("Animals", 3), ("Food/Fruit", 1)]
    assert [(node.label, node.url) for node in roots[0].children] == [("Cats", "/?taxonomy=Animals%2FCats")]


def test_picking_a_parent_while_a_child_is_active_broadens_the_filter() -> None:
    buckets = {"taxonomy": [Bucket(value="Animals", count=2), Bucket(value="Animals/Cats", count=2)]}
    filters = Filters(taxonomy=("Animals/Cats",))

    [group] = facet_groups(buckets, filters, qs("taxonomy=Animals/Cats"))

    animals = group.options[0]
    assert (animals.active, animals.url) == (False, "/?taxonomy=Animals")
    assert (animals.children[0].active, animals.children[0].url) == (True, "/")


def test_chips_use_validated_values_and_clear_all_keeps_the_text() -> None:
    current = qs("q=cat&taxonomy=+Animals+/+Cats+&license=expired&created_from=2024-01-01")
    filters = Filters(taxonomy=(" Animals / Cats ",), license=("expired",), created_from="2024-01-01")

    chips = active_chips(filters, current)

    assert [(chip.label, chip.value) for chip in chips] == [
        ("Category", "Animals/Cats"),
        ("Licence", "Expired"),
        ("Created from", "2024-01-01"),
    ]
    assert chips[0].remove_url == "/?q=cat&license=expired&created_from=2024-01-01"
    assert clear_filters_url(current) == "/?q=cat"


def test_pagination_shows_a_window_with_gaps() -> None:
    pagination = paginate(total=100, page=6, size=10, qs=qs("q=cat"))

    assert pagination is not None
    assert [link.number for link in pagination.pages] == [1, None, 4, 5, 6, 7, 8, None, 10]
    assert [link.number for link in pagination.pages if link.current] == [6]
    assert (pagination.previous_url, pagination.next_url) == ("/?q=cat&page=5", "/?q=cat&page=7")


def test_pagination_is_absent_for_one_page_and_points_back_from_past_the_end() -> None:
    assert paginate(total=5, page=1, size=10, qs=qs("")) is None
    assert paginate(total=5, page=1, size=0, qs=qs("")) is None

    beyond = paginate(total=25, page=9, size=10, qs=qs(""))

    assert beyond is not None
    assert (beyond.previous_url, beyond.next_url) == ("/?page=3", None)
