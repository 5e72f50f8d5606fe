"""History DataTables requests for comparing the two paths (shared by the perf tests and benchmarks)."""

from __future__ import annotations

import json
from typing import Any

from plexpy.commands.bench import Scenario

#: The history page's DataTables columns as Tautulli's web page sends them: (name, searchable).
COLUMNS = (
    ("date", False), ("friendly_name", True), ("ip_address", True), ("platform", True), ("product", True),
    ("player", True), ("full_title", True), ("started", False), ("paused_counter", False), ("stopped", False),
    ("duration", False), ("watched_status", False),
)
WATCHED = {"MOVIE_WATCHED_PERCENT": 85, "MUSIC_WATCHED_PERCENT": 85, "TV_WATCHED_PERCENT": 85, "WATCHED_MARKER": 3}
TARGET = "plexpy.datafactory:DataFactory.get_datatables_history"


def request(*, start: int = 0, length: int = 25, order: tuple[tuple[int, str], ...] = ((0, "desc"),),
            search: str = "") -> dict[str, Any]:
    """A DataTables request of the history page."""
    columns = [{"data": name, "name": "", "orderable": name != "watched_status", "searchable": searchable,
                "search": {"value": "", "regex": False}} for name, searchable in COLUMNS]
    data = {"draw": 1, "columns": columns, "order": [{"column": c, "dir": d} for c, d in order], "start": start,
            "length": length, "search": {"value": search, "regex": False}}
    return {"json_data": json.dumps(data)}


def scenario(*, custom_where: list[Any] | None = None, grouping: int = 1, include_activity: int = 0,
             **page: Any) -> Scenario:
    """One history call as a bench scenario."""
    kwargs = {"custom_where": custom_where or [], "grouping": grouping, "include_activity": include_activity,
              "kwargs": request(**page)}
    return Scenario("history", TARGET, kwargs, WATCHED)
