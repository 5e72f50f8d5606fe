"""The DataTables twins' inner statements are built once per shape: calls differing in values only reuse them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import or_, select
from sqlalchemy.dialects import sqlite as sqlite_dialect

from plexpy import bootstrap, config, context, runtime
from plexpy.context import Guest
from plexpy.db import stmt_cache
from plexpy.db.bound_equals import bound_equals, equals_shape
from plexpy.db.schema import exports, user_login
from plexpy.db.sqlfuncs import affinity_equals
from shim.compare import compare_results, to_jsonable

ANCHOR = 1768478400  # the sample's frozen clock
DOMAINS = ("users", "libraries", "exports", "auth", "newsletters", "notifications")
# Sample facts: users with four IPs each, guests sharing four libraries each, export filters, a user with logins.
YUKI, LOGAN = 1350028, 4366409
TAYLOR, ALEX = 3962014, 2846110  # shared libraries 1;2;7;8 and 1;2;4;5
ANA = 10781001  # the one user with logins


@pytest.fixture
def twins(sample_db: Path, tmp_path: Path) -> Iterator[dict[str, tuple[Any, Any]]]:
    """Each DataTables domain's (legacy, sqlalchemy) twins on a copy of the sample, with the caches emptied."""
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "sqlalchemy"},
    })
    rt = bootstrap.build(settings)
    stmt_cache.clear_all()
    with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
        yield {name: rt.twins[name] for name in DOMAINS}
    rt.close()


def dt(columns: tuple[str, ...], start: int = 0, length: int = 10, search: str = "") -> dict[str, str]:
    body = {
        "draw": 1, "columns": [{"data": name, "searchable": True, "orderable": True} for name in columns],
        "order": [{"column": 0, "dir": "desc"}], "start": start, "length": length, "search": {"value": search},
    }
    return {"json_data": json.dumps(body)}


USERS = ("friendly_name", "last_seen", "plays", "username")
IPS = ("last_seen", "ip_address", "platform", "play_count")
LIBS = ("section_name", "section_type", "plays", "last_accessed")
EXPORTS = ("timestamp", "title", "file_format", "media_type_title")
LOGINS = ("timestamp", "friendly_name", "ip_address", "user_agent")
NEWSLETTERS = ("timestamp", "agent_name", "notify_action", "subject_text")
NOTIFICATIONS = ("timestamp", "agent_name", "notify_action", "subject_text")

# Each case: domain, method, the inner builder, a guest per call (or None), then calls differing in values only.
CASES: dict[str, tuple[str, str, str, list[Guest | None], list[dict[str, Any]]]] = {
    "users list, another user": ("users", "get_datatables_list", "users.sqla._list_stmt", [None, None], [
        {"kwargs": {**dt(USERS), "user_id": str(YUKI)}, "grouping": 1},
        {"kwargs": {**dt(USERS), "user_id": str(LOGAN)}, "grouping": 1},
    ]),
    "users list, another page and search": ("users", "get_datatables_list", "users.sqla._list_stmt", [None] * 3, [
        {"kwargs": dt(USERS, search="a"), "grouping": 0},
        {"kwargs": dt(USERS, search="o"), "grouping": 0},
        {"kwargs": dt(USERS, start=10, search="o"), "grouping": 0},
    ]),
    "users list, another guest": ("users", "get_datatables_list", "users.sqla._list_stmt",
                                  [Guest(TAYLOR, "taylor.nash"), Guest(ALEX, "alex.marsh")], [
        {"kwargs": dt(USERS), "grouping": 1},
        {"kwargs": dt(USERS), "grouping": 1},
    ]),
    "unique IPs, another user": ("users", "get_datatables_unique_ips", "users.sqla._unique_ips_stmt", [None] * 3, [
        {"user_id": YUKI, "kwargs": dt(IPS)},
        {"user_id": str(LOGAN), "kwargs": dt(IPS)},
        {"user_id": LOGAN, "kwargs": dt(IPS, start=2, length=2)},
    ]),
    "libraries, another guest's sections": ("libraries", "get_datatables_list", "libraries.sqla._list_stmt",
                                            [Guest(TAYLOR, "taylor.nash"), Guest(ALEX, "alex.marsh")], [
        {"kwargs": dt(LIBS), "grouping": 1},
        {"kwargs": dt(LIBS), "grouping": 1},
    ]),
    "libraries, another search": ("libraries", "get_datatables_list", "libraries.sqla._list_stmt", [None] * 2, [
        {"kwargs": dt(LIBS, search="movie"), "grouping": 0},
        {"kwargs": dt(LIBS, search="show"), "grouping": 0},
    ]),
    "exports, another section item": ("exports", "get_export_datatable", "exports.sqla._table_stmt", [None] * 2, [
        {"section_id": 1, "rating_key": 1001, "kwargs": dt(EXPORTS)},
        {"section_id": "1", "rating_key": "1005", "kwargs": dt(EXPORTS)},
    ]),
    "exports, another user": ("exports", "get_export_datatable", "exports.sqla._table_stmt", [None] * 2, [
        {"user_id": 2003275, "kwargs": dt(EXPORTS)},
        {"user_id": 6111806, "kwargs": dt(EXPORTS)},
    ]),
    "logins, another user and page": ("auth", "get_datatables_user_login", "auth.sqla._login_stmt", [None] * 3, [
        {"user_id": ANA, "kwargs": dt(LOGINS)},
        {"user_id": str(ANA), "kwargs": dt(LOGINS, start=10)},
        {"user_id": YUKI, "kwargs": dt(LOGINS)},
    ]),
    "newsletter log, another page": ("newsletters", "get_newsletter_log", "newsletters.sqla._log_stmt",
                                     [None] * 2, [
        {"kwargs": dt(NEWSLETTERS, search="e")},
        {"kwargs": dt(NEWSLETTERS, start=20, search="a")},
    ]),
    "notification log, another page": ("notifications", "get_notification_log", "notifications.sqla._log_stmt",
                                       [None] * 2, [
        {"kwargs": dt(NOTIFICATIONS)},
        {"kwargs": dt(NOTIFICATIONS, start=100)},
    ]),
}


def _builder(name: str) -> stmt_cache.CacheStats:
    return stmt_cache.stats()[f"plexpy.domains.{name}"]


def _same_answers(pair: tuple[Any, Any], method: str, guest: Guest | None, call: dict[str, Any]) -> dict:
    legacy, sqla = pair
    with context.call_context(session=guest):
        expected = to_jsonable(getattr(legacy, method)(**call))
        got = to_jsonable(getattr(sqla, method)(**call))
    assert compare_results(expected, got)[0] is None, call
    return got


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_calls_differing_in_values_reuse_the_inner_statement(twins, case) -> None:
    domain, method, builder, guests, calls = case
    pages = [_same_answers(twins[domain], method, guests[0], calls[0])]
    first = _builder(builder)
    assert first.misses == 1  # the first call built its inner statement
    for guest, call in zip(guests[1:], calls[1:], strict=True):
        pages.append(_same_answers(twins[domain], method, guest, call))
    after = _builder(builder)
    assert after.misses == first.misses  # nothing built again
    assert after.hits == first.hits + len(calls) - 1
    assert any(page["data"] for page in pages)
    assert len({json.dumps(page, sort_keys=True) for page in pages}) == len(pages)  # the values mattered


def test_a_value_of_another_kind_is_another_shape_and_still_answers_alike(twins) -> None:
    calls = [{"user_id": YUKI, "kwargs": dt(IPS)}, {"user_id": "yuki", "kwargs": dt(IPS)}]  # text: matches nothing
    pages = [_same_answers(twins["users"], "get_datatables_unique_ips", None, call) for call in calls]
    assert pages[0]["data"] and not pages[1]["data"]
    assert _builder("users.sqla._unique_ips_stmt").misses == 2


def _literal_sql(clause, params: dict[str, Any] | None = None) -> str:
    stmt = select(1).where(clause)
    stmt = stmt.params(params) if params else stmt
    return str(stmt.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))


def _direct(column, value):
    """Tautulli's equality built directly: a list is an OR group, ``None`` in it ``IS NULL``."""
    if isinstance(value, list):
        return or_(*(column.is_(None) if v is None else _direct(column, v) for v in value))
    return affinity_equals(column, value)


@pytest.mark.parametrize("column", [exports.c.user_id, exports.c.rating_key, user_login.c.user_id])
@pytest.mark.parametrize("value", [42, "42", " 7 ", "1.0", "abc", 2**63 - 1, "9223372036854775808",
                                   [1, "2", None], [None], ["x", [3, None]]])
def test_a_shape_with_its_values_is_the_equality_itself(column, value) -> None:
    shape, params = equals_shape(column, value, "v")
    assert _literal_sql(bound_equals(column, shape, "v"), params) == _literal_sql(_direct(column, value))
    other_shape, _ = equals_shape(column, value, "v")
    assert hash(shape) == hash(other_shape)  # a cache key
