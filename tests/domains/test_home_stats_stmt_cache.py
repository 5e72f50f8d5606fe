"""Home stats statements built once per shape: other values reuse one statement and still answer as legacy does.

Each test clears the statement caches, asks the SQLAlchemy twin for a card with several values of one shape
(window, count, start, filter values of one affinity kind, library ids) and checks two things: the builder ran
once (``plexpy.db.stmt_cache.stats()``), and every answer equals the legacy twin's on the sample database —
with answers that differ between the values, so a value baked into the cached statement would be caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.db import stmt_cache
from plexpy.domains.home_stats import shaping
from shim.compare import to_jsonable

ANCHOR = 1768478400  # 2026-01-15 12:00:00 UTC, the sample's clock
CARDS = "plexpy.domains.home_stats._sqla_grouped."  # SQLite runs the grouped form
RECENT = "plexpy.domains.home_stats._sqla_recent."
SQLA = "plexpy.domains.home_stats.sqla."
GUESTS = ({"user_id": 1350028, "user": "yukiwebb88", "user_group": "guest"},
          {"user_id": 3308933, "user": "aoife", "user_group": "guest"})


class Twins:
    """Both home_stats twins on one copy of the sample; ``ask`` returns the (equal) answer of both."""

    def __init__(self, legacy: Any, sqla: Any) -> None:
        self.legacy, self.sqla = legacy, sqla

    def ask(self, method: str, **kwargs: Any) -> Any:
        expected = to_jsonable(getattr(self.legacy, method)(**kwargs))
        found = to_jsonable(getattr(self.sqla, method)(**kwargs))
        assert found == expected, f"{method}{kwargs}: the twins differ"
        return found


@pytest.fixture
def twins(sample_db: Path, tmp_path: Path) -> Iterator[Twins]:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "legacy"},
    })
    rt = bootstrap.build(settings)
    stmt_cache.clear_all()
    with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
        yield Twins(rt.twin("home_stats", "legacy"), rt.twin("home_stats", "sqla"))
    rt.close()


def built(builder: str) -> tuple[int, int]:
    """(times built, times reused) of one statement builder since the caches were cleared."""
    found = stmt_cache.stats()[builder]
    return found.misses, found.hits


def rows(answer: Any) -> list[dict[str, Any]]:
    return answer["rows"]


def test_one_card_with_other_windows_and_counts_reuses_its_statement(twins: Twins) -> None:
    wide = rows(twins.ask("get_home_stats", stat_id="top_movies", time_range=365, stats_count=10))
    narrow = rows(twins.ask("get_home_stats", stat_id="top_movies", time_range=7, stats_count=3))
    paged = rows(twins.ask("get_home_stats", stat_id="top_movies", time_range=365, stats_count=4, stats_start=2))
    assert built(CARDS + "media_card_stmt") == (1, 2)
    assert len(wide) == 10 and len(narrow) == 3
    assert sum(r["total_plays"] for r in narrow) < sum(r["total_plays"] for r in wide[:3])  # the window is bound
    assert [r["row_id"] for r in paged] == [r["row_id"] for r in wide[2:6]]  # so are limit and offset


@pytest.mark.parametrize(("card", "builder"), [
    ("top_libraries", CARDS + "top_library_stmt"),
    ("top_users", CARDS + "top_user_stmt"),
    ("top_platforms", CARDS + "platform_stmt"),
    ("last_watched", RECENT + "_last_watched_stmt"),
])
def test_every_card_reuses_its_statement_across_values(twins: Twins, card: str, builder: str) -> None:
    answers = [rows(twins.ask("get_home_stats", stat_id=card, time_range=days, stats_count=count))
               for days, count in ((730, 100), (3, 100), (730, 2))]
    assert built(builder) == (1, 2)
    assert answers[0] != answers[1]  # a narrower window answers otherwise
    assert answers[2] == answers[0][:2]


def test_most_concurrent_builds_one_statement_per_decision(twins: Twins) -> None:
    year = rows(twins.ask("get_home_stats", stat_id="most_concurrent", time_range=365))
    day = rows(twins.ask("get_home_stats", stat_id="most_concurrent", time_range=1))
    decisions = len(shaping.CONCURRENT_DECISIONS)
    assert built(RECENT + "_concurrent_stmt") == (decisions, decisions)
    assert year != day


def test_filter_values_of_one_kind_share_a_statement_and_each_kind_has_its_own(twins: Twins) -> None:
    by_section = {section: rows(twins.ask("get_home_stats", stat_id="top_users", time_range=365,
                                          section_id=section))
                  for section in (1, 2, "3")}
    assert built(CARDS + "top_user_stmt") == (1, 2)  # 1, 2 and "3" all compare as numbers
    assert by_section[1] != by_section[2]
    assert rows(twins.ask("get_home_stats", stat_id="top_users", section_id="abc")) == []  # text: a new shape
    assert rows(twins.ask("get_home_stats", stat_id="top_users", time_range=365, section_id=2.0)) == by_section[2]
    assert built(CARDS + "top_user_stmt") == (3, 2)
    mine = [rows(twins.ask("get_home_stats", stat_id="top_tv", time_range=365, user_id=guest["user_id"]))
            for guest in GUESTS]
    assert mine[0] != mine[1]
    assert built(CARDS + "media_card_stmt") == (1, 1)


def test_library_stats_binds_its_id_list(twins: Twins) -> None:
    def sections(ids: list[str]) -> list[Any]:
        return [library["section_id"] for group in twins.ask("get_library_stats", library_cards=ids).values()
                for library in group]

    assert sorted(sections(["1", "2"])) == [1, 2]
    assert sections(["3"]) == [3]
    assert sections([]) == []
    assert built(SQLA + "_library_stats_stmt") == (1, 2)
    assert sections(["2.0", "1.5"]) == [2]  # a float id is its own shape, and 1.5 names no section
    assert built(SQLA + "_library_stats_stmt") == (2, 2)


def test_the_guest_lookup_is_built_once_for_every_guest(twins: Twins) -> None:
    seen = []
    for guest in (*GUESTS, GUESTS[0]):
        with context.call_context(session=guest):
            seen.append(twins.ask("get_library_stats", library_cards=["1", "2", "3"]))
    assert built(SQLA + "_guest_stmt") == (1, 2)
    assert seen[0] == seen[2]
