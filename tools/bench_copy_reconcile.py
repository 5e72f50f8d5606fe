"""Benchmark ``copy`` against ``pgloader`` and time ``reconcile`` on a large SQLite database (issue 9 figures).

Usage (the 1M-play database is built once with the project's generator)::

    .venv/bin/python -c "from plexpy.generate import generate; generate('/tmp/perf/tautulli-1m.db', \
        sessions=1_000_000, seed=42)"
    .venv/bin/python tools/bench_copy_reconcile.py --db /tmp/perf/tautulli-1m.db [--url postgresql+psycopg://…] \
        [--json /tmp/perf/bench.json] [--skip-pgloader]

Without ``--url`` a throwaway server is started (``plexpy.db.pgserver``) and removed at the end. The source
file is never changed: the "one changed row" checks change a row on the PostgreSQL side, then put it back.
Prints rows/s for ``copy`` and for ``pgloader`` over the same tables in the same run, then the seconds of
``reconcile`` for ``session_history`` alone and for the three history tables, and whether one deliberately
changed row in each table is located.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plexpy.commands.copy import copy  # noqa: E402 - after the path set-up
from plexpy.commands.reconcile import reconcile  # noqa: E402
from plexpy.db import pgserver  # noqa: E402

HISTORY = ["session_history", "session_history_media_info", "session_history_metadata"]
#: (table, column, new value) changed on the right side for the "locate one row" check.
CHANGES = [("session_history", "user", "someone-else"), ("session_history_media_info", "video_codec", "av9"),
           ("session_history_metadata", "title", "A changed title")]


def _pgloader(db: Path, url: str, tables: list[str]) -> float:
    """Load ``tables`` of ``db`` into ``url`` with pgloader; returns the seconds it took."""
    target = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    names = ", ".join(f"'{t}'" for t in tables)
    # Tautulli keeps '' in INTEGER columns (parent_rating_key …), which pgloader 3.6's integer transform cannot
    # read ("Error while formatting a row"), so INTEGER columns load as text: less work for pgloader, not more.
    script = (f"LOAD DATABASE FROM sqlite://{db} INTO {target}\n"
              " WITH include drop, create tables, create indexes, reset sequences, batch rows = 10000,"
              " prefetch rows = 10000\n"
              " CAST type integer to text drop typemod\n"
              f" INCLUDING ONLY TABLE NAMES LIKE {names};\n")
    with tempfile.NamedTemporaryFile("w", suffix=".load", delete=False) as handle:
        handle.write(script)
    started = time.perf_counter()
    done = subprocess.run(["pgloader", "--quiet", handle.name], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    Path(handle.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise SystemExit(f"pgloader failed ({done.returncode}): {(done.stderr or done.stdout)[-2000:]}")
    return seconds


def _count(url: str, tables: list[str]) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        total = sum(int(conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar_one()) for t in tables)
    engine.dispose()
    return total


def _change_one(url: str, table: str, column: str, value: str) -> tuple[int, Any]:
    """Change one row near the middle of ``table`` on the right side; returns (id, old value)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        row_id = int(conn.exec_driver_sql(f'SELECT (min(id) + max(id)) / 2 FROM "{table}"').scalar_one())
        row_id = int(conn.exec_driver_sql(f'SELECT min(id) FROM "{table}" WHERE id >= {row_id}').scalar_one())
        old = conn.exec_driver_sql(f'SELECT "{column}" FROM "{table}" WHERE id = {row_id}').scalar_one()
        conn.exec_driver_sql(f'UPDATE "{table}" SET "{column}" = %(v)s WHERE id = {row_id}', {"v": value})
    engine.dispose()
    return row_id, old


def _restore(url: str, table: str, column: str, row_id: int, old: Any) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'UPDATE "{table}" SET "{column}" = %(v)s WHERE id = {row_id}', {"v": old})
    engine.dispose()


def _load() -> list[float]:
    """The machine's load average (1, 5, 15 minutes): the figures are only comparable within one run."""
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    """Run the benchmark; print and optionally save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", type=Path, required=True, help="the SQLite database (never changed)")
    parser.add_argument("--url", help="an admin URL of a PostgreSQL server (default: a throwaway server)")
    parser.add_argument("--tables", default=",".join(HISTORY), help="tables to copy (comma-separated)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--skip-pgloader", action="store_true", help="time only the project's copy")
    parser.add_argument("--skip-copy", action="store_true",
                        help="reuse the 'bench_copy' database of --url (already copied) for reconcile")
    args = parser.parse_args()
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    source = f"sqlite:///{args.db.resolve()}"
    server = None if args.url else pgserver.start()
    admin = sa.make_url(args.url) if args.url else sa.make_url(server.url())  # type: ignore[union-attr]
    figures: dict[str, Any] = {"db": str(args.db), "tables": tables, "load_before": _load()}

    def database(name: str, fresh: bool = True) -> str:
        engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if fresh:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        engine.dispose()
        return admin.set(database=name).render_as_string(hide_password=False)

    try:
        ours = database("bench_copy", fresh=not args.skip_copy)
        if not args.skip_copy:
            result = copy(source, ours, tables, verify=False)
            figures["copy_rows"] = result.rows
            figures["copy_seconds"] = round(result.copy_seconds, 2)
            figures["copy_rows_per_s"] = round(result.rows_per_second)
            print(f"copy      {result.rows:>9} rows in {result.copy_seconds:7.1f} s = "
                  f"{result.rows_per_second:9.0f} rows/s")
        if not args.skip_pgloader and shutil.which("pgloader"):
            theirs = database("bench_pgloader")
            seconds = _pgloader(args.db.resolve(), theirs, tables)
            rows = _count(theirs, tables)
            figures.update(pgloader_rows=rows, pgloader_seconds=round(seconds, 2),
                           pgloader_rows_per_s=round(rows / seconds))
            print(f"pgloader  {rows:>9} rows in {seconds:7.1f} s = {rows / seconds:9.0f} rows/s")
            if "copy_rows_per_s" in figures:
                figures["copy_vs_pgloader"] = round(figures["copy_rows_per_s"] / figures["pgloader_rows_per_s"], 2)
                print(f"copy / pgloader = {figures['copy_vs_pgloader']:.2f}×")
        for label, names in (("session_history", ["session_history"]), ("history3", tables)):
            result = reconcile(source, ours, names)
            figures[f"reconcile_{label}_seconds"] = round(result.seconds, 2)
            figures[f"reconcile_{label}_differences"] = result.differences
            print(f"reconcile {label:<16} {result.seconds:6.1f} s, {result.differences} differences")
        for table, column, value in CHANGES:
            if table not in tables:
                continue
            row_id, old = _change_one(ours, table, column, value)
            try:
                result = reconcile(source, ours, [table])
            finally:
                _restore(ours, table, column, row_id, old)
            found = [d for t in result.tables for d in t.differences]
            located = [d.key == (row_id,) and d.columns == (column,) for d in found] == [True]
            figures[f"locate_{table}_seconds"] = round(result.seconds, 2)
            figures[f"locate_{table}_ok"] = located
            print(f"locate    {table:<27} {result.seconds:6.1f} s, located id {row_id}: {located}")
    finally:
        if server is not None:
            server.stop()
    figures["load_after"] = _load()
    print(f"load average (1, 5, 15 min): before {figures['load_before']}, after {figures['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
