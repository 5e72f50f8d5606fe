"""The generic read workload of ``verify --db``: what a user's own database holds, and calls drawn from it.

:func:`discover` reads a snapshot (never the original) and finds what the calls need: users, libraries and
their sections, a sample of rating keys, history rows and their date range, live sessions, and the ids of
notifiers, newsletters, exports, mobile devices and image lookups. :func:`build_workload` then takes the
shapes of every read operation Tautulli makes (the recorded calls of the bundled sample: one template per
distinct call, with its DataTables request, stat types, time ranges, config and Plex answers) and redraws
their arguments from what was discovered: ids, user names, rating keys, DataTables search terms, order
columns and pages, time ranges. A template whose argument names no discovered value keeps it (a missing row
is a fine question too: both paths must answer it alike).
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plexpy.db.errors import translating

__all__ = ["Discovery", "build_workload", "discover"]

#: How many values of each kind :func:`discover` keeps (a random sample of the distinct values).
SAMPLE = 25

#: Time ranges (days) the workload asks graphs and statistics for.
TIME_RANGES = (1, 7, 30, 90, 365)

#: Page sizes and offsets of the DataTables requests.
PAGES = ((0, 10), (0, 25), (25, 25), (0, 50))


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a Tautulli database holds that calls can ask about (samples, not everything)."""

    values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    first_started: int | None = None
    last_started: int | None = None

    def pick(self, kind: str, rng: random.Random) -> Any | None:
        """One discovered value of ``kind`` (None when the database has none)."""
        found = self.values.get(kind) or ()
        return rng.choice(found) if found else None

    def summary(self) -> dict[str, Any]:
        """Counts of what was found, for the report (no values: they may name people)."""
        return {
            "rows": dict(self.counts),
            "sampled": {k: len(v) for k, v in self.values.items()},
            "history from": self.first_started, "history to": self.last_started,
        }


#: kind → (query of distinct values, table counted). Each query's first column is the value.
_QUERIES: Mapping[str, str] = {
    "user_id": "SELECT DISTINCT user_id FROM users WHERE user_id IS NOT NULL",
    "user": "SELECT DISTINCT username FROM users WHERE username IS NOT NULL AND username != ''",
    "section_id": "SELECT DISTINCT section_id FROM library_sections WHERE section_id IS NOT NULL",
    "section_type": "SELECT DISTINCT section_type FROM library_sections WHERE section_type IS NOT NULL",
    "rating_key": "SELECT DISTINCT rating_key FROM session_history WHERE rating_key IS NOT NULL",
    "parent_rating_key": "SELECT DISTINCT parent_rating_key FROM session_history "
                         "WHERE parent_rating_key IS NOT NULL AND parent_rating_key != ''",
    "grandparent_rating_key": "SELECT DISTINCT grandparent_rating_key FROM session_history "
                              "WHERE grandparent_rating_key IS NOT NULL AND grandparent_rating_key != ''",
    "row_id": "SELECT id FROM session_history",
    "machine_id": "SELECT DISTINCT machine_id FROM session_history WHERE machine_id IS NOT NULL",
    "started": "SELECT started FROM session_history WHERE started IS NOT NULL",
    "session_key": "SELECT DISTINCT session_key FROM sessions WHERE session_key IS NOT NULL",
    "session_id": "SELECT DISTINCT session_id FROM sessions WHERE session_id IS NOT NULL",
    "notifier_id": "SELECT id FROM notifiers",
    "newsletter_id": "SELECT id FROM newsletters",
    "newsletter_uuid": "SELECT DISTINCT uuid FROM newsletter_log WHERE uuid IS NOT NULL",
    "export_id": "SELECT id FROM exports",
    "mobile_device_id": "SELECT id FROM mobile_devices",
    "device_token": "SELECT device_token FROM mobile_devices WHERE device_token IS NOT NULL",
    "img_hash": "SELECT img_hash FROM image_hash_lookup WHERE img_hash IS NOT NULL",
    "search": "SELECT DISTINCT title FROM session_history_metadata WHERE title IS NOT NULL AND title != ''",
    "platform": "SELECT DISTINCT platform FROM session_history WHERE platform IS NOT NULL AND platform != ''",
}

#: Tables whose row counts the discovery reports.
_COUNTED = ("users", "library_sections", "session_history", "sessions", "notify_log", "newsletters", "exports",
            "mobile_devices", "recently_added", "user_login")

#: Argument names whose values are redrawn, and the discovered kind they are drawn from.
_ARGUMENT_KINDS: Mapping[str, str] = {
    "user_id": "user_id", "user": "user", "section_id": "section_id", "rating_key": "rating_key",
    "parent_rating_key": "parent_rating_key", "grandparent_rating_key": "grandparent_rating_key",
    "row_id": "row_id", "machine_id": "machine_id", "session_key": "session_key", "session_id": "session_id",
    "notifier_id": "notifier_id", "newsletter_id": "newsletter_id", "newsletter_uuid": "newsletter_uuid",
    "export_id": "export_id", "mobile_device_id": "mobile_device_id", "device_token": "device_token",
    "img_hash": "img_hash", "started": "started", "section_type": "section_type",
}


def discover(path: Path, *, seed: int = 0, sample: int = SAMPLE) -> Discovery:
    """Read what ``path`` holds (opened read-only): samples of ids and names, row counts, the history range.

    Tables or columns a database lacks (an older schema) give nothing of that kind, never an error.

    Raises:
        TautulliDBError: the file cannot be opened as a SQLite database.
    """
    rng = random.Random(seed)  # noqa: S311 - sampling rows for a test workload, not cryptography
    values: dict[str, tuple[Any, ...]] = {}
    counts: dict[str, int] = {}
    with translating("verify.discover", sqlite3.Error):
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    with contextlib.closing(conn):
        with translating("verify.discover", sqlite3.Error):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for kind, query in _QUERIES.items():
            found = _column(conn, query)
            values[kind] = tuple(sorted(rng.sample(found, min(sample, len(found))), key=str)) if found else ()
        for table in _COUNTED:
            rows = _column(conn, f'SELECT count(*) FROM "{table}"')  # fixed table names (_COUNTED)
            if rows:
                counts[table] = int(rows[0])
        span = _column(conn, "SELECT min(started) FROM session_history"), _column(
            conn, "SELECT max(started) FROM session_history")
    first, last = (int(v[0]) if v and v[0] is not None else None for v in span)
    return Discovery(values=values, counts=counts, first_started=first, last_started=last)


def _column(conn: sqlite3.Connection, query: str) -> list[Any]:
    try:
        return [row[0] for row in conn.execute(query)]
    except sqlite3.OperationalError:  # a table or column this schema does not have: nothing of that kind
        return []


def _like(old: Any, new: Any) -> Any:
    """``new`` in the type of ``old`` (Tautulli passes ids as int or str, as the web page sent them)."""
    if new is None:
        return old
    if isinstance(old, bool):
        return old
    if isinstance(old, int):
        try:
            return int(new)
        except (TypeError, ValueError):
            return old
    if isinstance(old, str):
        return str(new)
    return new


def _redraw(value: Any, key: str | None, found: Discovery, rng: random.Random) -> Any:
    """Redraw every argument (at any depth) whose name names a discovered kind."""
    if isinstance(value, dict):
        return {k: _redraw_entry(k, v, found, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [_redraw(v, key, found, rng) for v in value]
    kind = _ARGUMENT_KINDS.get(key or "")
    return _like(value, found.pick(kind, rng)) if kind else value


def _redraw_entry(key: str, value: Any, found: Discovery, rng: random.Random) -> Any:
    if key == "json_data" and isinstance(value, str):
        return _datatables(value, found, rng)
    if key == "custom_where" and isinstance(value, list):
        return [_where(clause, found, rng) for clause in value]
    if key == "library_cards" and isinstance(value, list):
        sections = list(found.values.get("section_id") or ())
        return [str(s) for s in rng.sample(sections, min(len(sections), rng.randint(1, 5)))] if sections else value
    if key == "time_range" and value not in (None, ""):
        return _like(value, rng.choice(TIME_RANGES))
    return _redraw(value, key, found, rng)


def _where(clause: Any, found: Discovery, rng: random.Random) -> Any:
    """``[column, value]`` of a custom where: the value redrawn by the column's name (``session_history.user``)."""
    if not (isinstance(clause, list) and len(clause) == 2 and isinstance(clause[0], str)):
        return clause
    column, value = clause
    key = column.rsplit(".", 1)[-1]
    return [column, _redraw(value, key, found, rng)]


def _datatables(raw: str, found: Discovery, rng: random.Random) -> str:
    """A DataTables request with a new search term, order column and page (columns kept as sent)."""
    try:
        request = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(request, dict):
        return raw
    columns = request.get("columns") if isinstance(request.get("columns"), list) else []
    orderable = [i for i, c in enumerate(columns) if isinstance(c, dict) and c.get("orderable")]
    if orderable:
        request["order"] = [{"column": rng.choice(orderable), "dir": rng.choice(("asc", "desc"))}]
    request["start"], request["length"] = rng.choice(PAGES)
    if isinstance(request.get("search"), dict):
        term = rng.choice(("", "", _fragment(found.pick(rng.choice(("search", "user", "platform")), rng), rng)))
        request["search"] = {**request["search"], "value": term}
    return json.dumps(request)


def _fragment(value: Any, rng: random.Random) -> str:
    """A piece of a title or name, as someone types it into the search box."""
    text = str(value or "")
    if len(text) <= 3:
        return text
    start = rng.randrange(0, len(text) - 3)
    return text[start:start + rng.randint(3, min(8, len(text) - start))]


def build_workload(
    found: Discovery,
    templates: Iterable[Mapping[str, Any]],
    *,
    per_operation: int = 8,
    seed: int = 0,
    tz: str = "UTC",
    domains: Sequence[str] | None = None,
    accept: Callable[[Mapping[str, Any]], bool] | None = None,
) -> list[dict[str, Any]]:
    """``per_operation`` calls of every recorded read operation, arguments redrawn from ``found``.

    Args:
        found: what the database holds.
        templates: recorded read calls (``domain``, ``target``, ``kwargs``, ``config``, ``pms``).
        per_operation: calls per target (each from one of its distinct recorded shapes, in turn); a target
            recorded in more shapes gets one call per shape, up to four times as many.
        seed: the random draws (the same seed gives the same workload).
        tz: the time zone of every call.
        domains: only these domains.
        accept: keep only the templates it accepts (default: all).

    Returns:
        Records in the shape of ``calls.jsonl`` without ``result``: the clock of every call is an hour after
        the last history row (so "the last 7 days" hold data), or the template's own when there is no history.
    """
    rng = random.Random(seed)  # noqa: S311 - drawing test arguments, not cryptography
    by_target: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    seen: set[str] = set()
    for template in templates:
        if domains is not None and template.get("domain") not in domains:
            continue
        if accept is not None and not accept(template):
            continue
        shape = json.dumps([template.get("target"), template.get("kwargs")], sort_keys=True, default=str)
        if shape not in seen:
            seen.add(shape)
            by_target[str(template["target"])].append(template)
    now = found.last_started + 3600 if found.last_started is not None else None
    records = []
    for target in sorted(by_target):
        shapes = by_target[target]
        rng.shuffle(shapes)
        # an operation recorded in many shapes (home stats: one per stat card) gets each shape, up to 4× the calls
        for n in range(max(per_operation, min(len(shapes), per_operation * 4))):
            template = shapes[n % len(shapes)]
            records.append({
                "id": f"own-{len(records) + 1}", "domain": template["domain"], "target": target,
                "kwargs": _redraw(copy.deepcopy(dict(template.get("kwargs") or {})), None, found, rng),
                "now": now if now is not None else template.get("now"), "tz": tz,
                "config": copy.deepcopy(template.get("config") or {}), "pms": copy.deepcopy(template.get("pms") or []),
                "session": copy.deepcopy(template.get("session")),
            })
    rng.shuffle(records)
    return records
