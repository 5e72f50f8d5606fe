"""Guests never see another user's rows, on both paths: a sweep over every read that takes the guest context.

Tautulli keeps a guest (``session.get_session_user_id()``) to their own rows in the history table, the users
table and user names, the login log, stream details and every graph. Each read runs as a guest and as the
admin; the guest's rows must all be theirs, and each graph as a guest must equal the admin's graph for that user
(Tautulli swaps the guest's id into the graph's user condition). The sweep is per path (legacy, SQLAlchemy).
"""

from __future__ import annotations

import inspect
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.datafactory import DataFactory
from plexpy.graphs import Graphs
from plexpy.users import Users

ANCHOR = 1768478400
GUEST_ID = 3722597  # meiwolfe65: 343 plays in the sample, not an admin
GUEST = {"user_id": GUEST_ID, "user": "meiwolfe65", "user_group": "guest"}
GRAPHS = sorted(name for name, _ in inspect.getmembers(Graphs, inspect.isfunction) if name.startswith("get_"))
SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample" / "calls.jsonl"
#: Top-10-user graphs name the guest by their own user name (Tautulli's masking), the admin by friendly name.
NAMED_BY_SESSION = {"get_stream_type_by_top_10_users", "get_total_plays_by_top_10_users"}


def _all_rows(target: str) -> dict[str, Any]:
    """The DataTables request a recorded call of ``target`` sent, asking for every row."""
    with SAMPLE.open(encoding="utf-8") as lines:
        record = next(r for r in map(json.loads, lines) if r["target"].endswith(target) and
                      isinstance((r.get("kwargs") or {}).get("kwargs"), dict))
    request = json.loads(record["kwargs"]["kwargs"]["json_data"])
    request.update(start=0, length=10_000, search={"value": "", "regex": False})
    return {"json_data": json.dumps(request)}


@pytest.fixture(params=["legacy", "sqlalchemy"])
def path(request: pytest.FixtureRequest, sample_db: Path, tmp_path: Path) -> Iterator[Path]:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": request.param}})
    rt = bootstrap.build(settings)
    with runtime.use(rt):
        yield sample_db
    rt.close()


def _as(session: dict[str, Any] | None, call: Any) -> Any:
    with context.call_context(now=ANCHOR, tz="UTC", session=session):
        return call()


def _other_users_row(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT min(id) FROM session_history WHERE user_id != ?", (GUEST_ID,)).fetchone()[0])
    finally:
        conn.close()


def test_row_reads_show_a_guest_only_their_own_rows(path: Path) -> None:
    request = _all_rows("DataFactory.get_datatables_history")
    history = _as(GUEST, lambda: DataFactory().get_datatables_history(kwargs=dict(request)))
    admin = _as(None, lambda: DataFactory().get_datatables_history(kwargs=dict(request)))
    assert history["data"] and {r["user_id"] for r in history["data"]} == {GUEST_ID}
    assert len({r["user_id"] for r in admin["data"]}) > 1  # the admin sees everyone: the filter is the guest's
    users = _as(GUEST, lambda: Users().get_datatables_list(kwargs=_all_rows("Users.get_datatables_list")))
    assert {r["user_id"] for r in users["data"]} == {GUEST_ID}
    names = _as(GUEST, lambda: Users().get_user_names())
    assert {r["user_id"] for r in names} == {GUEST_ID}
    logins = _as(GUEST, lambda: Users().get_datatables_user_login(
        kwargs=_all_rows("Users.get_datatables_user_login")))
    assert {r["user_id"] for r in logins["data"]} <= {GUEST_ID}
    other = _other_users_row(path)
    assert not _as(GUEST, lambda: DataFactory().get_stream_details(row_id=other))  # Tautulli's empty answer
    assert _as(None, lambda: DataFactory().get_stream_details(row_id=other))


def test_every_graph_of_a_guest_is_the_admins_graph_of_that_user(path: Path) -> None:
    for graph in GRAPHS:
        as_guest = _as(GUEST, lambda g=graph: getattr(Graphs(), g)(time_range="3650"))
        for_user = _as(None, lambda g=graph: getattr(Graphs(), g)(time_range="3650", user_id=GUEST_ID))
        if graph in NAMED_BY_SESSION:
            assert as_guest["series"] == for_user["series"] and len(as_guest["categories"]) <= 1, graph
        else:
            assert as_guest == for_user, graph
    everyone = _as(None, lambda: Graphs().get_total_plays_per_month(time_range="3650"))
    assert _as(GUEST, lambda: Graphs().get_total_plays_per_month(time_range="3650")) != everyone
