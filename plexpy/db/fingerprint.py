"""What an existing database is, told by its schema: tables, columns, types, indexes.

A version string cannot tell (``version_info`` is absent before v2.7.0 and may sit on a
half-upgraded file), so a database is recognised by its *fingerprint*, compared with the schema
facts of every Tautulli/PlexPy release (:mod:`plexpy.db.release_shapes`), column order ignored:

- every table, column definition (type, NOT NULL, default, key) and index must be one that some
  release created or that Tautulli's upgrade writes; anything else is an unknown schema;
- the name-level shape (tables, column names, index names) is matched with the releases' fresh
  installs to name a release range, or the closest one and how it differs;
- two shapes are known to make Tautulli v2.17.2's own upgrade fail (:data:`KNOWN_FAILURES`);
- a database already in the v2.17.2 shape (any upgrade path) is *current*.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from plexpy.db import release_shapes
from plexpy.db.dbcheck_ops import REBUILD_TRIGGERS
from plexpy.db.perf_indexes import PERF_INDEXES
from plexpy.db.schema import metadata

__all__ = [
    "ColumnFacts",
    "Detection",
    "Fingerprint",
    "IndexFacts",
    "KnownFailure",
    "State",
    "closest_release",
    "describe",
    "detect",
    "known_failures",
    "missing_for_current",
    "read_fingerprint",
    "unknown_items",
]

#: Tables that are not the application's: SQLite's own and Alembic's.
_BOOKKEEPING: Final = ("alembic_version",)

#: Legacy definitions v2.17.2's dbcheck() still handles although no release tag created them
#: (pre-release builds): accepted (the columns with any declaration).
_PRE_RELEASE_COLUMNS: Final = frozenset({("exports", "include_thumb"), ("exports", "include_art")})
#: The project's performance indexes (name, table, columns), beyond any Tautulli release.
_PERF: Final = frozenset((name, table, tuple(columns)) for name, table, columns in PERF_INDEXES)
_PRE_RELEASE_INDEXES: Final = frozenset({
    "idx_tvmaze_lookup_thetvdb_id", "idx_tvmaze_lookup_imdb_id",
    "idx_themoviedb_lookup_thetvdb_id", "idx_themoviedb_lookup_imdb_id",
})
_PRE_RELEASE_UNIQUES: Final = frozenset({("library_sections", ("section_id",)), ("mobile_devices", ("device_token",))})
_PRE_RELEASE_VARIANTS: Final = frozenset({("mobile_devices", "device_token", ("TEXT", True, None, 0))})


@dataclass(frozen=True, slots=True)
class ColumnFacts:
    """A column as SQLite reports it."""

    name: str
    type: str
    not_null: bool
    default: str | None
    pk: int


@dataclass(frozen=True, slots=True)
class IndexFacts:
    """An index as SQLite reports it; ``origin`` is ``c`` (CREATE INDEX), ``u`` (UNIQUE) or ``pk``."""

    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool
    origin: str


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The schema facts of one database."""

    tables: Mapping[str, tuple[ColumnFacts, ...]]
    autoincrement: Mapping[str, bool]
    indexes: tuple[IndexFacts, ...]
    stored_sql: Mapping[str, str]
    other_objects: tuple[str, ...] = ()
    bookkeeping: tuple[str, ...] = ()

    def columns(self, table: str) -> set[str]:
        """Lower-cased column names of ``table``."""
        return {c.name.lower() for c in self.tables.get(table, ())}

    def names(self) -> frozenset[tuple[str, ...]]:
        """The name-level shape: tables, column names, explicit index names."""
        out: set[tuple[str, ...]] = {("table", t) for t in self.tables}
        out |= {("column", t, c.name.lower()) for t, cols in self.tables.items() for c in cols}
        out |= {("index", i.name) for i in self.indexes if i.origin == "c"}
        return frozenset(out)

    def items(self) -> frozenset[tuple[object, ...]]:
        """The full shape, comparable with the release catalogue's items (column names lower-cased)."""
        out: set[tuple[object, ...]] = {("table", t, self.autoincrement[t]) for t in self.tables}
        out |= {("column", t, c.name.lower(), c.type, c.not_null, c.default, c.pk)
                for t, cols in self.tables.items() for c in cols}
        out |= {("index", i.name, i.table, i.columns, i.unique) for i in self.indexes if i.origin == "c"}
        out |= {("unique", i.table, i.columns) for i in self.indexes if i.origin == "u"}
        return frozenset(out)


def _pragma(name: str, arg: str, *columns: str) -> sa.TableValuedAlias:
    return getattr(sa.func, name)(arg).table_valued(*(sa.column(c) for c in columns))


def read_fingerprint(conn: Connection) -> Fingerprint:
    """Read the fingerprint of the SQLite database on ``conn`` (read-only)."""
    master = sa.table("sqlite_master", sa.column("type"), sa.column("name"), sa.column("tbl_name"), sa.column("sql"))
    objects = conn.execute(sa.select(master.c.type, master.c.name, master.c.sql)).all()
    tables: dict[str, tuple[ColumnFacts, ...]] = {}
    autoinc: dict[str, bool] = {}
    stored: dict[str, str] = {}
    others: list[str] = []
    bookkeeping: list[str] = []
    for kind, name, sql in objects:
        if kind in ("view", "trigger"):
            others.append(f"{kind} {name}")
        if kind != "table" or name.startswith("sqlite_"):
            continue
        if name in _BOOKKEEPING:
            bookkeeping.append(name)
            continue
        info = _pragma("pragma_table_info", name, "cid", "name", "type", "notnull", "dflt_value", "pk")
        rows = conn.execute(sa.select(info.c.name, info.c.type, info.c.notnull, info.c.dflt_value, info.c.pk)
                            .order_by(info.c.cid)).all()
        tables[name] = tuple(ColumnFacts(r[0], (r[1] or "").upper(), bool(r[2]), r[3], int(r[4])) for r in rows)
        stored[name] = sql or ""
        autoinc[name] = "AUTOINCREMENT" in (sql or "").upper()
    indexes: list[IndexFacts] = []
    for table in tables:
        idx = _pragma("pragma_index_list", table, "seq", "name", "unique", "origin", "partial")
        for iname, unique, origin in conn.execute(sa.select(idx.c.name, idx.c.unique, idx.c.origin)).all():
            info = _pragma("pragma_index_info", iname, "seqno", "cid", "name")
            cols = tuple(conn.execute(sa.select(info.c.name).order_by(info.c.seqno)).scalars())
            indexes.append(IndexFacts(iname, table, tuple(c or "<expr>" for c in cols), bool(unique), origin))
    return Fingerprint(tables, autoinc, tuple(sorted(indexes, key=lambda i: i.name)), stored,
                       tuple(sorted(others)), tuple(bookkeeping))


# -- the release catalogue -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Shape:
    """The fresh-install schema of a run of releases: its items, as compared, and its names."""

    first: str
    last: str
    items: frozenset[tuple[object, ...]]
    normalised: frozenset[tuple[object, ...]]
    names: frozenset[tuple[str, ...]]

    @property
    def release_range(self) -> str:
        return self.first if self.first == self.last else f"{self.first} ... {self.last}"


def _shape(first: str, last: str, items: frozenset[tuple[object, ...]]) -> _Shape:
    normalised = frozenset(
        (*item[:2], str(item[2]).lower(), *item[3:]) if item[0] == "column" else item for item in items
    )
    names: set[tuple[str, ...]] = set()
    for item in items:
        if item[0] == "table":
            names.add(("table", str(item[1])))
        elif item[0] == "column":
            names.add(("column", str(item[1]), str(item[2]).lower()))
        elif item[0] == "index":
            names.add(("index", str(item[1])))
    return _Shape(first, last, items, normalised, frozenset(names))


@functools.cache
def _shapes() -> tuple[_Shape, ...]:
    shapes: list[_Shape] = []
    current: set[int] = set()
    for first, last, added, removed in release_shapes.SHAPES:
        current = (current | set(added)) - set(removed)
        shapes.append(_shape(first, last, frozenset(release_shapes.ITEMS[i] for i in current)))
    return tuple(shapes)


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    tables: Mapping[str, frozenset[bool]]
    columns: Mapping[tuple[str, str], frozenset[tuple[str, bool, str | None, int]]]
    indexes: Mapping[str, frozenset[tuple[str, tuple[str, ...], bool]]]
    uniques: frozenset[tuple[str, tuple[str, ...]]]
    core_tables: frozenset[str]
    core_columns: Mapping[str, frozenset[str]]


@functools.cache
def _vocabulary() -> _Vocabulary:
    tables: dict[str, set[bool]] = {}
    columns: dict[tuple[str, str], set[tuple[str, bool, str | None, int]]] = {}
    indexes: dict[str, set[tuple[str, tuple[str, ...], bool]]] = {}
    uniques: set[tuple[str, tuple[str, ...]]] = set()
    for item in release_shapes.ITEMS:
        kind = item[0]
        if kind == "table":
            tables.setdefault(str(item[1]), set()).add(bool(item[2]))
        elif kind == "column":
            key = (str(item[1]), str(item[2]).lower())
            columns.setdefault(key, set()).add((str(item[3]), bool(item[4]), item[5], int(item[6])))  # type: ignore[arg-type]
        elif kind == "index":
            indexes.setdefault(str(item[1]), set()).add((str(item[2]), tuple(item[3]), bool(item[4])))  # type: ignore[arg-type]
        elif kind == "unique":
            uniques.add((str(item[1]), tuple(item[2])))  # type: ignore[arg-type]
    shapes = _shapes()
    core = frozenset.intersection(*(frozenset(str(i[1]) for i in s.items if i[0] == "table") for s in shapes))
    core_columns = {
        t: frozenset.intersection(*(
            frozenset(str(i[2]).lower() for i in s.items if i[0] == "column" and i[1] == t) for s in shapes
        ))
        for t in core
    }
    return _Vocabulary(
        {k: frozenset(v) for k, v in tables.items()},
        {k: frozenset(v) for k, v in columns.items()},
        {k: frozenset(v) for k, v in indexes.items()},
        frozenset(uniques),
        core,
        core_columns,
    )


def _describe_column(table: str, col: ColumnFacts) -> str:
    parts = [col.type or "(no type)"]
    if col.not_null:
        parts.append("NOT NULL")
    if col.default is not None:
        parts.append(f"DEFAULT {col.default}")
    if col.pk:
        parts.append("PRIMARY KEY")
    return f"{table}.{col.name} {' '.join(parts)}"


def unknown_items(fp: Fingerprint) -> list[str]:
    """What in ``fp`` no Tautulli release or upgrade step ever wrote, and what every release has but it lacks."""
    vocab = _vocabulary()
    problems: list[str] = [f"{o}: Tautulli creates no views or triggers" for o in fp.other_objects]
    for table, cols in fp.tables.items():
        if table not in vocab.tables:
            if table.endswith("_temp") and table[: -len("_temp")] in vocab.tables:
                problems.append(f"table {table}: left by an interrupted Tautulli upgrade; restore a backup "
                                "or drop it, then migrate")
            else:
                problems.append(f"table {table}: not a table of any Tautulli release")
            continue
        if fp.autoincrement[table] not in vocab.tables[table]:
            problems.append(f"table {table}: AUTOINCREMENT {fp.autoincrement[table]} differs from every release")
        for col in cols:
            key = (table, col.name.lower())
            declared = (col.type, col.not_null, col.default, col.pk)
            if key in _PRE_RELEASE_COLUMNS or (*key, declared) in _PRE_RELEASE_VARIANTS:
                continue
            known = vocab.columns.get(key)
            if known is None:
                problems.append(f"column {table}.{col.name}: not a column of any Tautulli release")
            elif declared not in known:
                declared = " or ".join(sorted(_describe_column(table, ColumnFacts(col.name, *k)) for k in known))
                problems.append(f"column {_describe_column(table, col)}: Tautulli declares {declared}")
    for ix in fp.indexes:
        if ix.origin == "u":
            if (ix.table, ix.columns) not in vocab.uniques | _PRE_RELEASE_UNIQUES:
                problems.append(f"UNIQUE({', '.join(ix.columns)}) on {ix.table}: no Tautulli release declares it")
        elif ix.origin == "pk":
            problems.append(f"PRIMARY KEY index {ix.name} on {ix.table}: Tautulli keys are integer row ids")
        elif ix.name in _PRE_RELEASE_INDEXES or (ix.name, ix.table, ix.columns) in _PERF:
            continue  # the project's performance indexes (revision 0016) are known additions
        elif ix.name not in vocab.indexes:
            problems.append(f"index {ix.name} on {ix.table}({', '.join(ix.columns)}): not an index of any release")
        elif (ix.table, ix.columns, ix.unique) not in vocab.indexes[ix.name]:
            problems.append(f"index {ix.name} on {ix.table}({', '.join(ix.columns)}): defined differently by Tautulli")
    for table in sorted(vocab.core_tables - set(fp.tables)):
        problems.append(f"table {table} is missing: every Tautulli release has it")
    for table in sorted(vocab.core_tables & set(fp.tables)):
        for col in sorted(vocab.core_columns[table] - fp.columns(table)):
            problems.append(f"column {table}.{col} is missing: every Tautulli release has it")
    return problems


def closest_release(fp: Fingerprint) -> tuple[str, bool, tuple[str, ...]]:
    """The release range whose fresh install ``fp`` matches by name, or the closest one and how it differs."""
    mine, my_items = fp.names(), fp.items()
    ranked = sorted(
        ((len(mine ^ s.names), len(my_items ^ s.normalised), -order, s) for order, s in enumerate(_shapes())),
        key=lambda r: r[:3],
    )
    distance, _items, _order, shape = ranked[0]
    theirs = shape.names
    diff = [f"+ {' '.join(n)}" for n in sorted(mine - theirs)] + [f"- {' '.join(n)}" for n in sorted(theirs - mine)]
    return shape.release_range, distance == 0, tuple(diff)


# -- known failures of Tautulli's own upgrade -------------------------------------------------


@dataclass(frozen=True, slots=True)
class KnownFailure:
    """A shape Tautulli v2.17.2's upgrade cannot handle, and what it does there."""

    name: str
    releases: str
    reason: str
    advice: str


_Predicate = Callable[[Callable[[str], set[str] | None]], bool]


def _releases_where(predicate: _Predicate) -> str:
    matching = []
    for shape in _shapes():
        cols: dict[str, set[str]] = {}
        for item in shape.items:
            if item[0] == "column":
                cols.setdefault(str(item[1]), set()).add(str(item[2]).lower())
        if predicate(lambda t, cols=cols: cols.get(t)):  # type: ignore[misc]
            matching.append(shape)
    if not matching:
        return "no tagged release (a pre-release build)"
    return matching[0].first if len(matching) == 1 and matching[0].first == matching[0].last else (
        f"{matching[0].first} ... {matching[-1].last}"
    )


_EXPLODED: Final = frozenset({"session_key", "rating_key", "user_id", "user", "agent_id", "agent_name",
                              "on_play", "on_stop", "on_watched", "on_pause", "on_resume", "on_buffer",
                              "on_created"})


def _old_log_unreadable(columns: Callable[[str], set[str] | None]) -> bool:
    log = columns("notify_log")
    return log is not None and "timestamp" not in log and not (log | {"poster_url"}).issuperset(_EXPLODED)


def _newsletters_need_id_name(columns: Callable[[str], set[str] | None]) -> bool:
    news = columns("newsletters")
    return news is not None and "id_name" not in news


@functools.cache
def _failures() -> tuple[tuple[KnownFailure, _Predicate, str | None], ...]:
    """Each known failure, the shape that shows it, and the table that must hold rows for it (if any)."""
    return (
        (KnownFailure(
            "notify_log_without_on_created",
            _releases_where(_old_log_unreadable),
            "its notify_log has one column per event but no on_created column; Tautulli v2.17.2's upgrade "
            "fails rebuilding that table ('no such column: on_created')",
            "start it once with PlexPy v1.2.4 ... v1.3.11, whose upgrade adds notify_log.on_created, "
            "then migrate",
        ), _old_log_unreadable, None),
        (KnownFailure(
            "newsletters_without_id_name",
            _releases_where(_newsletters_need_id_name),
            "its newsletters table holds rows but has no id_name column; Tautulli v2.17.2's upgrade cannot "
            "add that NOT NULL column without a default ('Cannot add a NOT NULL column with default value NULL')",
            "start it once with Tautulli v2.1.6-beta ... v2.6.10 (their upgrade adds id_name with a default), "
            "or delete its newsletters, then migrate",
        ), _newsletters_need_id_name, "newsletters"),
    )


def known_failures() -> tuple[KnownFailure, ...]:
    """The shapes Tautulli v2.17.2 cannot upgrade (release ranges computed from the catalogue)."""
    return tuple(f for f, _p, _rows in _failures())


def _failure(fp: Fingerprint, row_count: Callable[[str], int]) -> KnownFailure | None:
    columns = lambda t: fp.columns(t) if t in fp.tables else None  # noqa: E731
    for failure, predicate, rows_in in _failures():
        if predicate(columns) and (rows_in is None or row_count(rows_in) > 0):
            return failure
    return None


# -- detection --------------------------------------------------------------------------------


class State(StrEnum):
    """What a database is, for the upgrade."""

    EMPTY = "empty"  #: no application tables: a fresh install
    CURRENT = "current"  #: the v2.17.2 shape already (any upgrade path)
    LEGACY = "legacy"  #: an older Tautulli/PlexPy shape the upgrade knows
    FAILING = "failing"  #: a shape Tautulli's own upgrade cannot handle
    UNKNOWN = "unknown"  #: not a Tautulli schema


@dataclass(frozen=True, slots=True)
class Detection:
    """The verdict on one database."""

    state: State
    fingerprint: Fingerprint
    release_range: str | None = None
    exact: bool = False
    differences: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    failure: KnownFailure | None = None
    alembic_revision: str | None = None
    missing_tables: tuple[str, ...] = field(default=())

    @property
    def release(self) -> str:
        """A readable name for what was recognised."""
        if self.state is State.EMPTY:
            return "empty database"
        if self.release_range is None:
            return "unrecognised"
        return self.release_range if self.exact else f"closest to {self.release_range}"


def missing_for_current(fp: Fingerprint) -> list[str]:
    """What ``fp`` lacks (or still has to rebuild) before it is in the v2.17.2 shape; empty when current."""
    missing = [f"table {t}" for t in metadata.tables if t not in fp.tables]
    for table in metadata.sorted_tables:
        if table.name in fp.tables:
            have = fp.columns(table.name)
            missing += [f"column {table.name}.{c.name}" for c in table.columns if c.name.lower() not in have]
    names = {i.name for i in fp.indexes}
    missing += [f"index {ix.name}" for t in metadata.sorted_tables for ix in sorted(t.indexes, key=lambda i: i.name)
                if ix.name not in names]
    missing += [f"rebuild of {t} ({phrase!r})" for t, phrase in REBUILD_TRIGGERS.items()
                if phrase in fp.stored_sql.get(t, "")]
    return missing


def _alembic_revision(conn: Connection, fp: Fingerprint) -> str | None:
    if "alembic_version" not in fp.bookkeeping:
        return None
    version = sa.table("alembic_version", sa.column("version_num"))
    return conn.execute(sa.select(version.c.version_num)).scalar()


def detect(conn: Connection) -> Detection:
    """Read and judge the SQLite database on ``conn``; nothing is written."""
    fp = read_fingerprint(conn)
    revision = _alembic_revision(conn, fp)
    if not fp.tables and not fp.other_objects:
        return Detection(State.EMPTY, fp, alembic_revision=revision)
    release_range, exact, differences = closest_release(fp)
    common = {"fingerprint": fp, "release_range": release_range, "exact": exact, "differences": differences,
              "alembic_revision": revision,
              "missing_tables": tuple(t for t in metadata.tables if t not in fp.tables)}
    unknown = unknown_items(fp)
    if unknown:
        return Detection(State.UNKNOWN, unknown=tuple(unknown), **common)  # type: ignore[arg-type]

    def row_count(table: str) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar() or 0)

    failure = _failure(fp, row_count)
    if failure is not None:
        return Detection(State.FAILING, failure=failure, **common)  # type: ignore[arg-type]
    state = State.LEGACY if missing_for_current(fp) else State.CURRENT
    return Detection(state, **common)  # type: ignore[arg-type]


def describe(items: Iterable[str], limit: int = 20) -> str:
    """Join ``items`` for a message, at most ``limit`` of them."""
    items = list(items)
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")
