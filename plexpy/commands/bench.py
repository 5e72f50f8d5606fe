"""Benchmarks: the hot reads on each path (legacy, SQLAlchemy, shadow), timed in one run and read as ratios.

:func:`run_bench` times the top three history queries (the default grouped page, the page filtered by user, a
search), the home-stats page and the plays-per-day graph through the Tautulli-compatible facades, exactly as a
caller sees them, on one database. Every path gets its own runtime on one private copy of the file; the rounds
interleave paths in a seeded shuffle, so a machine that gets busier during the run slows every path alike, and
the ratios compare figures measured side by side. ``shadow`` is caller-visible time: legacy answers while the
SQLAlchemy candidate runs on the shim's bounded pool (drained between calls, shed calls counted).

:func:`run_overhead` replays the recorded calls on both paths, several passes, interleaved, and gives each
domain's median per call: the per-call overhead of the SQLAlchemy path on small, everyday reads.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy

from plexpy import bootstrap, config, runtime
from plexpy.commands.replay import load_records, record_context, resolve_target
from plexpy.domains import DOMAINS

__all__ = [
    "PATHS",
    "BenchResult",
    "DatabaseFacts",
    "OverheadResult",
    "Scenario",
    "Workload",
    "backend_runtime",
    "path_key",
    "probe",
    "run_bench",
    "run_overhead",
    "save_json",
    "scenarios",
    "time_records",
]

#: The three paths a call can take, as the bench names them.
PATHS = ("legacy", "sqlalchemy", "shadow")

# The history page's DataTables columns (Tautulli's web page sends these names).
_HISTORY_COLUMNS = (
    ("date", False), ("friendly_name", True), ("ip_address", True), ("platform", True), ("product", True),
    ("player", True), ("full_title", True), ("started", False), ("paused_counter", False), ("stopped", False),
    ("duration", False), ("watched_status", False),
)
_WATCHED = {"MOVIE_WATCHED_PERCENT": 85, "MUSIC_WATCHED_PERCENT": 85, "TV_WATCHED_PERCENT": 85, "WATCHED_MARKER": 3}
_HOME_CARDS = ["top_movies", "popular_movies", "top_tv", "popular_tv", "top_music", "popular_music", "last_watched",
               "top_libraries", "top_users", "top_platforms", "most_concurrent"]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One benchmarked call: a facade target, its keyword arguments and the config it reads."""

    name: str
    target: str
    kwargs: Mapping[str, Any]
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What the bench needs to know about a database before timing it."""

    path: str
    history_rows: int
    top_user_id: int | None
    now: int
    history_indexes: tuple[str, ...]


def probe(db: str | Path) -> DatabaseFacts:
    """Read the history size, the busiest user, a clock and the history indexes of ``db`` (read-only).

    The clock (``now``) is the newest start or stop in ``session_history`` and ``sessions``, rounded up to the
    hour: for the bundled sample that is its recorded anchor, 2026-01-15 12:00 UTC.
    """
    uri = Path(db).resolve().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM session_history").fetchone()[0]
        top = conn.execute("SELECT user_id FROM session_history GROUP BY user_id "
                           "ORDER BY COUNT(*) DESC, user_id LIMIT 1").fetchone()
        newest = max(
            conn.execute("SELECT COALESCE(MAX(MAX(started), MAX(stopped)), 0) FROM session_history").fetchone()[0],
            conn.execute("SELECT COALESCE(MAX(started), 0) FROM sessions").fetchone()[0],
        )
        indexes = tuple(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'session_history' ORDER BY name"))
    now = -(-int(newest) // 3600) * 3600
    return DatabaseFacts(str(db), int(rows), int(top[0]) if top else None, now, indexes)


def _history_request(search: str = "", length: int = 25) -> dict[str, Any]:
    columns = [{"data": name, "name": "", "orderable": name != "watched_status", "searchable": searchable,
                "search": {"value": "", "regex": False}} for name, searchable in _HISTORY_COLUMNS]
    data = {"draw": 1, "columns": columns, "order": [{"column": 0, "dir": "desc"}], "start": 0, "length": length,
            "search": {"value": search, "regex": False}}
    return {"json_data": json.dumps(data)}


def scenarios(facts: DatabaseFacts, *, search: str = "the", page_length: int = 25) -> tuple[Scenario, ...]:
    """The five benchmarked calls, with the arguments Tautulli's pages send."""
    history = "plexpy.datafactory:DataFactory.get_datatables_history"
    base = {"grouping": 1, "include_activity": 0}
    user = [["session_history.user_id", str(facts.top_user_id)]] if facts.top_user_id is not None else []
    return (
        Scenario("history_page", history, {**base, "custom_where": [], "kwargs": _history_request("", page_length)},
                 _WATCHED),
        Scenario("history_user", history, {**base, "custom_where": user,
                                           "kwargs": _history_request("", page_length)}, _WATCHED),
        Scenario("history_search", history, {**base, "custom_where": [],
                                             "kwargs": _history_request(search, page_length)}, _WATCHED),
        Scenario("home_stats", "plexpy.datafactory:DataFactory.get_home_stats", {"time_range": 30},
                 {"GROUP_HISTORY_TABLES": 1, "HOME_STATS_CARDS": _HOME_CARDS, **_WATCHED}),
        Scenario("plays_per_day", "plexpy.graphs:Graphs.get_total_plays_per_day",
                 {"time_range": "30", "y_axis": "plays"}, {"GROUP_HISTORY_TABLES": 1}),
    )


class _Counting:
    """A parity publisher that only counts outcomes (shed calls, mismatches) without writing reports."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()

    def publish(self, event: Any) -> None:
        self.outcomes[str(event.outcome.value)] += 1


def path_key(path: str, rate: float = 1.0) -> str:
    """The column name of a path: ``shadow`` at full sampling, ``shadow@10%`` otherwise."""
    return path if path != "shadow" or rate >= 1.0 else f"shadow@{rate * 100:g}%"


class Workload:
    """Runtimes of each path on one private copy of a database, and a timer for facade calls.

    Use as a context manager; :meth:`call` runs one scenario on one path and returns the caller-visible
    seconds.
    """

    def __init__(self, db: str | Path, *, paths: Sequence[str] = PATHS, shadow_rates: Sequence[float] = (1.0,),
                 tz: str = "UTC", now: int | None = None, copy: bool = True,
                 shim: Mapping[str, Any] | None = None, label: str | None = None) -> None:
        self.db = Path(db)
        self.label = label or self.db.name
        self.facts = probe(self.db)
        self.now = now if now is not None else self.facts.now
        self.tz = tz
        self._plan = [(p, r) for p in paths for r in (shadow_rates if p == "shadow" else (1.0,))]
        self._copy = copy
        self._shim = dict(shim or {})
        self._stack = ExitStack()
        self.runtimes: dict[str, Any] = {}
        self.counters: dict[str, _Counting] = {}
        self.workdir = Path(".")

    @property
    def keys(self) -> list[str]:
        """The path columns of this workload, in order."""
        return [path_key(p, r) for p, r in self._plan]

    def __enter__(self) -> Workload:
        self.workdir = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="tautulli-db-bench-")))
        target = self.db
        if self._copy:
            target = self.workdir / "bench.db"
            shutil.copy2(self.db, target)
            for suffix in ("-wal", "-shm"):
                side = self.db.with_name(self.db.name + suffix)
                if side.exists():
                    shutil.copy2(side, target.with_name(target.name + suffix))
        for path, rate in self._plan:
            key = path_key(path, rate)
            settings = config.load(None, environ={}, overrides={
                "db_url": f"sqlite:///{target}", "data_dir": str(self.workdir), "timezone": self.tz,
                "backends": {"default": path}, "sample_rate": rate, "off_thread": True,
                "report_dir": str(self.workdir / "reports"), **self._shim,
            })
            counter = _Counting()
            router = bootstrap.build_router(settings, publishers=[counter])
            rt = bootstrap.build(settings, router=router, detect_races=False)
            self._stack.callback(rt.close)
            self.runtimes[key], self.counters[key] = rt, counter
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def scenario(self, name: str, **options: Any) -> Scenario:
        """The scenario called ``name`` on this workload's database."""
        for scenario in scenarios(self.facts, **options):
            if scenario.name == name:
                return scenario
        raise ValueError(f"unknown scenario {name!r}")

    def invoke(self, scenario: Scenario, key: str) -> Any:
        """Run ``scenario`` on path ``key`` once and return its answer (what the caller waits for, only)."""
        record = {"now": self.now, "tz": self.tz, "config": dict(scenario.config)}
        func = resolve_target(scenario.target)
        kwargs = json.loads(json.dumps(scenario.kwargs))
        with runtime.use(self.runtimes[key]), record_context(record, self.workdir):
            return func(**kwargs)

    def settle(self) -> None:
        """Wait until every shadow comparison still running off the caller's thread has concluded."""
        for rt in self.runtimes.values():
            rt.router.drain()

    def call(self, scenario: Scenario, key: str) -> float:
        """Run ``scenario`` on path ``key`` once; the caller-visible seconds (shadow work is then drained)."""
        started = time.perf_counter()
        self.invoke(scenario, key)
        seconds = time.perf_counter() - started
        self.settle()
        return seconds


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Timings of every scenario on every path, from one run, with the machine they ran on."""

    database: DatabaseFacts
    keys: tuple[str, ...]
    rounds: int
    samples: Mapping[str, Mapping[str, tuple[float, ...]]]  # scenario -> path -> milliseconds
    outcomes: Mapping[str, Mapping[str, int]]
    machine: Mapping[str, Any]

    def p50(self, scenario: str, key: str) -> float:
        """Median milliseconds of one scenario on one path."""
        return statistics.median(self.samples[scenario][key])

    def table(self) -> list[dict[str, Any]]:
        """One row per scenario: each path's p50 (ms), and each other path's p50 divided by legacy's."""
        rows = []
        for scenario in self.samples:
            row: dict[str, Any] = {"scenario": scenario}
            row.update({f"{k} ms": round(self.p50(scenario, k), 3) for k in self.keys})
            if "legacy" in self.keys:
                legacy = self.p50(scenario, "legacy")
                row.update({f"{k} / legacy": round(self.p50(scenario, k) / legacy, 3)
                            for k in self.keys if k != "legacy" and legacy > 0})
            rows.append(row)
        return rows

    def as_json(self) -> dict[str, Any]:
        """Everything, JSON-ready (the raw samples included)."""
        return {"database": asdict(self.database), "paths": list(self.keys), "rounds": self.rounds,
                "table": self.table(), "samples_ms": {s: {k: list(v) for k, v in d.items()}
                                                      for s, d in self.samples.items()},
                "shadow_outcomes": {k: dict(v) for k, v in self.outcomes.items()}, "machine": dict(self.machine)}


def machine() -> dict[str, Any]:
    """The machine a run measured: CPUs, load, versions."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpus": os.cpu_count(), "load_average": [round(v, 2) for v in load] if load else None,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "sqlalchemy": sqlalchemy.__version__, "platform": platform.platform()}


def run_bench(db: str | Path, *, rounds: int = 5, paths: Sequence[str] = PATHS,
              shadow_rates: Sequence[float] = (1.0,), only: Sequence[str] = (), search: str = "the",
              tz: str = "UTC", now: int | None = None, seed: int = 0, copy: bool = True,
              shim: Mapping[str, Any] | None = None) -> BenchResult:
    """Time each scenario on each path ``rounds`` times (after one warm-up call each), interleaved.

    Args:
        db: the database (a private copy is timed unless ``copy`` is false; the workload only reads).
        rounds: timed calls per scenario and path.
        paths: among ``legacy``, ``sqlalchemy``, ``shadow``.
        shadow_rates: sampling rates to time ``shadow`` at (each is its own column).
        only: scenario names to run (default: all five).
        search: the history search term.
        tz: the configured time zone.
        now: the frozen clock (default: from :func:`probe`).
        seed: the seed of the order shuffle.
        copy: time a copy of ``db`` (false: use the file in place; reads only).
        shim: extra shim settings (``candidate_timeout``, ``pool_size``, ``queue_size``).

    Raises:
        ValueError: an unknown path or scenario name.
    """
    unknown = [p for p in paths if p not in PATHS]
    if unknown:
        raise ValueError(f"unknown path(s) {', '.join(unknown)}; valid: {', '.join(PATHS)}")
    rng = random.Random(seed)  # noqa: S311 - run order, not security
    before = machine()
    with Workload(db, paths=paths, shadow_rates=shadow_rates, tz=tz, now=now, copy=copy, shim=shim) as work:
        chosen = [s for s in scenarios(work.facts, search=search) if not only or s.name in only]
        missing = sorted(set(only) - {s.name for s in chosen})
        if missing:
            raise ValueError(f"unknown scenario(s) {', '.join(missing)}")
        keys = work.keys
        samples: dict[str, dict[str, list[float]]] = {s.name: {k: [] for k in keys} for s in chosen}
        for scenario in chosen:
            for key in keys:
                work.call(scenario, key)  # warm-up: page cache, statement caches, first compile
        for _ in range(rounds):
            for scenario in chosen:
                order = list(keys)
                rng.shuffle(order)
                for key in order:
                    samples[scenario.name][key].append(work.call(scenario, key) * 1000)
        outcomes = {k: dict(c.outcomes) for k, c in work.counters.items() if k.startswith("shadow")}
        facts = work.facts
    after = machine()
    info = {**before, "load_average_after": after["load_average"]}
    return BenchResult(database=facts, keys=tuple(keys), rounds=rounds,
                       samples={s: {k: tuple(round(v, 4) for v in vs) for k, vs in d.items()}
                                for s, d in samples.items()},
                       outcomes=outcomes, machine=info)


@dataclass(frozen=True, slots=True)
class OverheadResult:
    """Per-domain median milliseconds per recorded call on each path (cold: first pass; warm: best pass)."""

    rows: tuple[dict[str, Any], ...]
    passes: int
    machine: Mapping[str, Any]

    def as_json(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"rows": list(self.rows), "passes": self.passes, "machine": dict(self.machine)}


@contextmanager
def backend_runtime(db: str | Path, workdir: str | Path, backend: str) -> Iterator[Any]:
    """A runtime answering every domain on ``backend``, on its own copy of ``db`` in ``workdir``."""
    db, workdir = Path(db), Path(workdir)
    target = workdir / f"{backend}.db"
    shutil.copy2(db, target)
    for suffix in ("-wal", "-shm"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            shutil.copy2(side, target.with_name(target.name + suffix))
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{target}", "data_dir": str(workdir), "timezone": "UTC",
        "backends": {"default": backend},
    })
    rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[]), detect_races=False)
    try:
        yield rt
    finally:
        rt.close()


def _time_record(rt: Any, record: Mapping[str, Any], workdir: Path) -> float:
    func = resolve_target(str(record["target"]))
    with runtime.use(rt), record_context(record, workdir):
        kwargs = json.loads(json.dumps(record.get("kwargs") or {}))
        started = time.perf_counter()
        with contextlib.suppress(Exception):  # recorded raises are part of the workload; only the time matters
            func(**kwargs)
        return time.perf_counter() - started


def time_records(rt: Any, records: Sequence[Mapping[str, Any]], workdir: str | Path) -> float:
    """Run each record once on ``rt`` (its clock, zone, guest, config and Plex answers); the summed seconds."""
    return sum(_time_record(rt, record, Path(workdir)) for record in records)


def run_overhead(calls: str | Path, db: str | Path, *, passes: int = 3, domains: Sequence[str] = (),
                 seed: int = 0) -> OverheadResult:
    """Replay the recorded calls on both paths ``passes`` times, interleaved; per-domain medians per call.

    Results are not judged here (``tautulli-db replay calls`` does that); this only times them.
    """
    records = [r for r in load_records(calls) if not domains or r.get("domain") in domains]
    rng = random.Random(seed)  # noqa: S311 - run order, not security
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"legacy": [], "sqlalchemy": []})
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tautulli-db-overhead-")))
        rts = {b: stack.enter_context(backend_runtime(db, workdir, b)) for b in ("legacy", "sqlalchemy")}
        for _ in range(max(1, passes)):
            for record in records:
                order = ["legacy", "sqlalchemy"]
                rng.shuffle(order)
                for backend in order:
                    times[str(record["id"])][backend].append(_time_record(rts[backend], record, workdir))
    by_domain: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_domain[str(record.get("domain"))].append(str(record["id"]))
    rows = []
    for domain in [*(d for d in DOMAINS if d in by_domain), "all"]:
        ids = [i for d in by_domain for i in by_domain[d]] if domain == "all" else by_domain[domain]
        row: dict[str, Any] = {"domain": domain, "records": len(ids)}
        for label, pick in (("cold", lambda v: v[0]), ("warm", min)):
            legacy = statistics.median(pick(times[i]["legacy"]) for i in ids) * 1000
            sqla = statistics.median(pick(times[i]["sqlalchemy"]) for i in ids) * 1000
            row.update({f"legacy {label} ms": round(legacy, 3), f"sqlalchemy {label} ms": round(sqla, 3),
                        f"{label} ratio": round(sqla / legacy, 2) if legacy else None})
        rows.append(row)
    return OverheadResult(rows=tuple(rows), passes=max(1, passes), machine=machine())


def save_json(result: BenchResult | OverheadResult, path: str | Path) -> Path:
    """Write a result as indented JSON; return the path."""
    target = Path(path)
    target.write_text(json.dumps(result.as_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return target
