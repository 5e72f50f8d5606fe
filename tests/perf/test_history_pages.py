"""The history table's fast pages answer exactly what the legacy path answers (generated data, many requests)."""

from __future__ import annotations

from typing import Any

import pytest
from history_variants import scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexpy.commands.bench import Workload
from plexpy.generate import generate

USER = ["session_history.user_id"]
ZONE = "America/New_York"

VARIANTS: list[dict[str, Any]] = [
    {},  # the default grouped page: newest plays first
    {"start": 25}, {"start": 4000, "length": 25}, {"start": 990, "length": 10}, {"length": 100},
    {"start": 0, "length": 1},
    {"custom_where": [["session_history.section_id", "2"]], "start": 50},
    {"custom_where": [["session_history.media_type", "movie"]]},
    {"custom_where": [["media_type_live", "live"]]},
    {"custom_where": [["session_history.section_id", ["1", "2"]]], "length": 50},
    {"search": "the"}, {"search": "other player"}, {"search": "100%"}, {"search": "O'B", "start": 5},
    {"search": "chrome", "start": 20}, {"search": "10.9.9"}, {"search": "Ça", "grouping": 0},
    {"search": "chrome", "order": ((1, "asc"),)}, {"search": "e", "order": ((0, "asc"),), "start": 40},
    {"search": "a", "custom_where": [["session_history.section_id", "2"]]},
    {"search": "zzz-nothing"}, {"search": "the", "start": 100000},
    {"order": ((7, "asc"),)}, {"grouping": 0}, {"include_activity": 1}, {"start": 10, "length": -1},
]


def _same(work: Workload, **variant: Any) -> None:
    call = scenario(**variant)
    legacy = work.invoke(call, "legacy")
    assert work.invoke(call, "sqlalchemy") == legacy, variant


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "default")
def test_history_page_equals_legacy(both_paths: Workload, variant: dict[str, Any]) -> None:
    _same(both_paths, **variant)


def test_user_pages_equal_legacy(both_paths: Workload) -> None:
    user = str(both_paths.facts.top_user_id)
    for variant in ({}, {"start": 25}, {"search": "other"}, {"grouping": 0}):
        _same(both_paths, custom_where=[[*USER, user]], **variant)


def test_the_awkward_rows_are_there(both_paths: Workload) -> None:
    """The comparisons above would prove less without plays whose segments differ in a searched column."""
    answer = both_paths.invoke(scenario(search="other player", length=1000), "legacy")
    grouped = [row for row in answer["data"] if row["group_count"] and row["group_count"] > 1]
    assert grouped and answer["recordsFiltered"] > 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 300), length=st.sampled_from([1, 10, 25, 50]),
       search=st.sampled_from(["", "", "the", "a", "player", "%", "_", "'", "chrome", "10."]),
       descending=st.booleans(), grouping=st.sampled_from([0, 1, 1]))
def test_pages_equal_legacy_for_any_request(both_paths: Workload, start: int, length: int, search: str,
                                            descending: bool, grouping: int) -> None:
    _same(both_paths, start=start, length=length, search=search, grouping=grouping,
          order=((0, "desc" if descending else "asc"),))


@pytest.fixture(scope="module")
def plain_paths(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Both paths on a generated database left as generated (the awkward rows make the total play time negative,
    which Tautulli shows as 0 whatever it is)."""
    path = tmp_path_factory.mktemp("plain") / "generated.db"
    generate(path, sessions=1500, seed=3, tz=ZONE, with_indexes=True)
    with Workload(path, paths=("legacy", "sqlalchemy"), tz=ZONE) as work:
        yield work


@pytest.mark.parametrize("search", ["the", "a", "chrome", "zzz-nothing"])
def test_a_searched_page_totals_the_same_play_time(plain_paths: Workload, search: str) -> None:
    """The searched page's scan also sums the play time of every row (no filter): Tautulli's figure."""
    call = scenario(search=search)
    legacy = plain_paths.invoke(call, "legacy")
    assert legacy["total_duration"] not in ("0", 0, None)
    assert plain_paths.invoke(call, "sqlalchemy") == legacy
