"""Home stats on PostgreSQL with cached statements: each value kind, bound, answers as legacy does on SQLite.

The cached card statements bind the window, page, section and user filters and the library ids; PostgreSQL
casts every bind to its type, so a value of the wrong kind would be rounded or refused there while SQLite
would not notice. Each call here runs the sqlalchemy twin on a PostgreSQL copy of the sample and the legacy
twin on the SQLite sample, with the same values, and the answers must be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.db import stmt_cache
from shim.compare import to_jsonable

pytestmark = pytest.mark.postgresql

ANCHOR = 1768478400  # 2026-01-15 12:00:00 UTC, the sample's clock
GUEST = {"user_id": 1350028, "user": "yukiwebb88", "user_group": "guest"}


class Twins:
    """The legacy twin on SQLite and the sqlalchemy twin on PostgreSQL, asked the same thing."""

    def __init__(self, legacy: Any, sqla: Any) -> None:
        self.legacy, self.sqla = legacy, sqla

    def ask(self, method: str, **kwargs: Any) -> Any:
        expected = to_jsonable(getattr(self.legacy, method)(**kwargs))
        found = to_jsonable(getattr(self.sqla, method)(**kwargs))
        assert found == expected, f"{method}{kwargs}: PostgreSQL differs from legacy on SQLite"
        return found


@pytest.fixture
def twins(pg_sample: str, sample_db: Path, tmp_path: Path) -> Iterator[Twins]:
    built = []
    for url, mode in ((f"sqlite:///{sample_db}", "legacy"), (pg_sample, "sqlalchemy")):
        settings = config.load(None, environ={}, overrides={
            "db_url": url, "data_dir": str(tmp_path / mode), "timezone": "UTC", "backends": {"default": mode},
        })
        built.append(bootstrap.build(settings))
    stmt_cache.clear_all()
    with runtime.use(built[1]), context.call_context(now=ANCHOR, tz="UTC"):
        yield Twins(built[0].twin("home_stats", "legacy"), built[1].twin("home_stats", "sqla"))
    for rt in built:
        rt.close()


def test_one_statement_answers_every_window_and_page(twins: Twins) -> None:
    answers = [twins.ask("get_home_stats", stat_id=card, time_range=days, stats_count=count, stats_start=start)
               for card in ("top_movies", "top_users", "last_watched")
               for days, count, start in ((365, 5, 0), (7, 3, 1), (365, -1, 2))]
    assert len(answers[0]["rows"]) == 5 and len(answers[1]["rows"]) == 3
    movies = stmt_cache.stats()["plexpy.domains.home_stats._sqla_cards._media_card_stmt"]
    assert (movies.misses, movies.hits) == (2, 1)  # two shapes: with a LIMIT and without


@pytest.mark.parametrize("section_id", [2, "2", " 2 ", 2.0, "2.0", "abc", 1.5])
def test_section_filters_of_every_kind(twins: Twins, section_id: Any) -> None:
    for card in ("top_tv", "top_platforms", "last_watched"):
        twins.ask("get_home_stats", stat_id=card, time_range=365, section_id=section_id)


@pytest.mark.parametrize("user_id", [3308933, "3308933", 3308933.0, "x"])
def test_user_filters_of_every_kind(twins: Twins, user_id: Any) -> None:
    for card in ("top_movies", "top_libraries", "top_users"):
        twins.ask("get_home_stats", stat_id=card, time_range=365, user_id=user_id)


@pytest.mark.parametrize("ids", [["1", "2"], ["2.0", "1.5"], ["1.5", "2"], ["3"], []])
def test_library_ids_of_every_kind(twins: Twins, ids: list[str]) -> None:
    twins.ask("get_library_stats", library_cards=ids)


def test_a_guest_sees_their_own_libraries(twins: Twins) -> None:
    with context.call_context(session=GUEST):
        twins.ask("get_library_stats", library_cards=["1", "2", "3"])
        twins.ask("get_home_stats", stat_id="top_users", time_range=365)
