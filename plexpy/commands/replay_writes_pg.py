"""Replay the recorded write script on PostgreSQL: load the recorded SQLite database, run, compare.

``replay writes … --url postgresql+psycopg://…``: the recorded database is copied into a fresh schema of the
target database first (``replay_pg.loaded_into_postgresql``: ``copy``, verified; the schema is dropped at the
end), then every step runs with the SQLAlchemy twins there at its own clock, zone and config, and the final
state of every table is compared with the recording. ``sqlite_sequence`` is compared as data: each
AUTOINCREMENT table's sequence gives the row ``(table, last value)`` once it has been used, as SQLite keeps a
row once the table had one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from plexpy import bootstrap, config, runtime
from plexpy.commands.copy import store_metadata
from plexpy.commands.replay import RecordResult, load_records
from plexpy.commands.replay_pg import loaded_into_postgresql
from plexpy.commands.replay_writes import WritesResult, replay_steps
from plexpy.db.state import TableState, compare_state, dump_state

__all__ = ["pg_state", "replay_writes_pg"]


def _storage_key(value: Any) -> tuple[int, Any]:
    """SQLite's order of values: NULL, numbers, text (bytewise), blobs."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value.encode("utf-8"))
    return (3, bytes(value))


def pg_state(engine: Engine, tables: Sequence[str]) -> dict[str, TableState]:
    """:func:`dump_state` of a PostgreSQL store in SQLite's terms.

    ``sqlite_sequence`` is rebuilt from the serial sequences; tables without a primary key are put in
    SQLite's value order (the server's collation does not decide the comparison).
    """
    plain = [t for t in tables if t != "sqlite_sequence"]
    state = dump_state(engine, plain)
    for data in state.values():
        if data["columns"] and data["columns"][0] not in ("id", "name"):
            data["rows"].sort(key=lambda row: tuple(_storage_key(v) for v in row))
    if "sqlite_sequence" in tables:
        rows: list[list[Any]] = []
        metadata = store_metadata(engine)
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                if not table.kwargs.get("sqlite_autoincrement"):
                    continue
                quoted = conn.dialect.identifier_preparer.format_table(table)
                serial = conn.execute(sa.select(sa.func.pg_get_serial_sequence(quoted, "id"))).scalar_one()
                schema_name, _, sequence = str(serial).rpartition(".")
                last, called = conn.execute(
                    sa.select(sa.column("last_value"), sa.column("is_called"))
                    .select_from(sa.table(sequence, schema=schema_name or None))
                ).one()
                if called:
                    rows.append([str(table.name), int(last)])
        rows.sort(key=lambda row: row[0])
        state["sqlite_sequence"] = {"columns": ["name", "seq"], "rows": rows}
    return state


def replay_writes_pg(
    writes: str | Path,
    db: str | Path,
    url: str | URL,
    final_state: str | Path | None = None,
    *,
    stop_after: int | None = None,
    progress: Callable[[RecordResult], None] | None = None,
) -> WritesResult:
    """Copy ``db`` into a fresh schema of the PostgreSQL database ``url``, run the write script there, compare.

    Args:
        writes: the JSON-lines write script.
        db: the recorded SQLite database the script starts from (never modified).
        url: a PostgreSQL database (``postgresql+psycopg://user@host/db``); the replay works in a fresh schema
            ``tautulli_replay_<hex>`` there, dropped at the end (``replay_pg.loaded_into_postgresql``).
        final_state: the recorded final state; None skips that comparison.
        stop_after: run only the first N steps (the final state is then not compared).
        progress: called after each step.

    Raises:
        ConfigError: ``url`` is not a PostgreSQL URL.
        TautulliDBError: the copy failed or was not verified equal to ``db``.
    """
    script_dir = Path(writes).resolve().parent
    steps: Sequence[Mapping[str, Any]] = load_records(writes)
    if stop_after is not None:
        steps = steps[:stop_after]
    with ExitStack() as stack:
        target = stack.enter_context(loaded_into_postgresql(db, url))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tautulli-db-writes-pg-")))
        settings = config.load(None, environ={}, overrides={
            "db_url": target.render_as_string(hide_password=False), "data_dir": str(workdir),
            "timezone": "UTC", "backends": {"default": "sqlalchemy"},
        })
        rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[]))
        stack.callback(rt.close)
        stack.enter_context(runtime.use(rt))
        results = replay_steps(steps, workdir, script_dir, progress)
        differences = []
        if final_state is not None and stop_after is None:
            expected = json.loads(Path(final_state).read_text(encoding="utf-8"))
            differences = compare_state(expected, pg_state(rt.engine, list(expected)))
    return WritesResult(steps=results, state_differences=differences, backend="sqlalchemy")
