"""The pieces pages are drawn from: chart geometry, section links per role, form parsing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loupe_core.analytics.reports import DayCount
from loupe_core.errors import InvalidQuery
from loupe_core.principal import Principal, Role
from web.charts import HEIGHT, TOP, bar_chart, nice_ceiling
from web.forms import AssetEditForm, BulkEditForm, split_lines, split_terms
from web.navigation import header_links, section_tabs

START = date(2025, 3, 1)


def days(*counts: int) -> list[DayCount]:
    return [DayCount(day=START + timedelta(days=i), count=c) for i, c in enumerate(counts)]


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (50, 50), (51, 100)])
def test_axis_tops_are_round_numbers(value: int, top: int) -> None:
    assert nice_ceiling(value) == top


def test_bars_scale_to_the_axis_and_stand_on_the_baseline() -> None:
    chart = bar_chart(days(0, 5, 10, 2))

    assert [bar.count for bar in chart.bars] == [0, 5, 10, 2]
    tallest = chart.bars[2]
    assert tallest.y == TOP  # the highest count reaches the top of the axis
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
    assert chart.bars[1].height == pytest.approx(tallest.height / 2)
    assert [tick.label for tick in chart.y_ticks] == ["0", "5", "10"]
    assert [tick.label for tick in chart.x_ticks] == ["03-01", "03-03", "03-04"]
    assert (chart.total, chart.peak) == (17, DayCount(day=START + timedelta(days=2), count=10))


def test_an_empty_period_draws_an_empty_chart() -> None:
    quiet = bar_chart(days(0, 0, 0))
    nothing = bar_chart([])

    assert all(bar.height == 0 for bar in quiet.bars) and quiet.peak is None
    assert nothing.bars == () and nothing.x_ticks == () and nothing.height == HEIGHT


def test_tabs_and_current_section_follow_the_path() -> None:
    librarian = Principal("lib", Role.librarian)

    assert [(i.label, i.current) for i in header_links(librarian, "/librarian/vocabulary")] == [
        ("Discover", False),
        ("Collections", False),
        ("Saved searches", False),
        ("Upload", False),
        ("Librarian", True),
        ("Analytics", False),
        ("Audit log", False),
    ]
    assert [i.label for i in section_tabs(librarian, "/admin/audit")] == ["Audit log"]
    assert header_links(librarian, "/assets/x/similar")[0].current  # asset pages belong to Discover
    assert header_links(None, "/") == [] and section_tabs(Principal("v", Role.viewer), "/") == []


def test_form_lists_split_as_people_type_them() -> None:
    assert split_terms(" cat, sofa;\n cat ,, ") == ["cat", "sofa"]
    assert split_lines("Animals/Cats, big\n\n Food ") == ["Animals/Cats, big", "Food"]


def test_form_values_become_the_core_requests() -> None:
    changes = AssetEditForm(title=" T ", tags="a, b", taxonomy="X/Y", license_expires="").changes()
    bulk = BulkEditForm(ids=["a"], add_tags="new", set_taxonomy="", set_status="").edit()

    assert (changes.title, changes.tags, changes.taxonomy, changes.license_expires) == ("T", ["a", "b"], ["X/Y"], None)
    assert (bulk.add_tags, bulk.set_taxonomy, bulk.set_status) == (["new"], None, None)
    with pytest.raises(InvalidQuery, match="tags"):
        AssetEditForm(tags=",".join(f"t{i}" for i in range(501))).changes()
