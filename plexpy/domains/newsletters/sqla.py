"""The newsletters domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Where Tautulli relies on SQLite's bare column in ``GROUP BY`` (a newsletter's ``last_success``), the log row
is picked explicitly by the rule SQLite's ``MAX()`` follows for the query plan Tautulli's SQL gets; where it
takes the first row of an ``ORDER BY ... LIMIT 1`` with ties, the log's rowid order breaks them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import structlog
from sqlalchemy import Select, Table, bindparam, case, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import after_commit, connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import library_sections, newsletter_log, newsletters, users
from plexpy.db.sqlfuncs import affinity_equals, raise_autoincrement, stored_values
from plexpy.db.stmt_cache import Bound, affinity_shape, affinity_shapes, bound_affinity_equals, per_shape
from plexpy.db.upsert import UpsertResult, upsert
from plexpy.domains.newsletters import shaping, writing

__all__ = ["TWIN", "SqlaNewsletters"]

log = structlog.get_logger(__name__)

n = newsletters
nl = newsletter_log


def _last_log_row(filtered_by_id: bool) -> Any:
    """1 on the log row whose ``success`` SQLite reports beside ``MAX(timestamp)`` for each newsletter.

    MAX() keeps the first row holding the maximum, in the order rows reach it; while only NULL timestamps
    have been seen, every row replaces the last. Without an id filter SQLite reads the log through an
    automatic covering index on (newsletter_id, timestamp, success), so ties order by ``success`` then rowid;
    with ``newsletters.id = ?`` it scans the log in rowid order.
    """
    seen_order: list[Any] = [nl.c.timestamp.desc().nulls_last()]
    unseen_order: list[Any] = []
    if not filtered_by_id:
        seen_order.append(nl.c.success.asc().nulls_first())
        unseen_order.append(nl.c.success.desc().nulls_last())
    seen_order.append(nl.c.id.asc())
    unseen_order.append(nl.c.id.desc())
    partition = nl.c.newsletter_id
    never = func.max(nl.c.timestamp).over(partition_by=partition).is_(None)
    return case(
        (never, func.row_number().over(partition_by=partition, order_by=unseen_order)),
        else_=func.row_number().over(partition_by=partition, order_by=seen_order),
    )


class SqlaNewsletters:
    """Newsletters reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        stmt, params = stmt if isinstance(stmt, Bound) else (stmt, None)
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

    def _single(self, stmt: Any, op: str) -> dict[str, Any]:
        rows = self._rows(stmt, op)
        return rows[0] if rows else {}

    def get_newsletter_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The newsletter log table (DataTables); ties keep the log's rowid order."""
        try:
            request = resolve(kwargs, shaping.LOG_ALIASES)
            with connect(self._engine, "newsletters.get_newsletter_log") as conn:
                page = run_page(conn, _log_stmt(), request, nl, tiebreak=("id",), cached=True)
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, page.rows)

    def _newsletters_query(self, newsletter_id: Any) -> Bound:
        if not newsletter_id:
            return Bound(_newsletters_stmt(None, None), {})
        id_kind, id_value = affinity_shape(n.c.id, newsletter_id)
        log_kind, log_value = affinity_shape(nl.c.newsletter_id, newsletter_id)
        return Bound(_newsletters_stmt(id_kind, log_kind), {"newsletter_id": id_value, "log_newsletter_id": log_value})

    def get_newsletters(self, newsletter_id: Any = None) -> list[dict[str, Any]]:
        """Every newsletter (or one) with its last trigger time and outcome."""
        return self._rows(self._newsletters_query(newsletter_id), "newsletters.get_newsletters")

    def get_newsletter_config(self, newsletter_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One newsletter's config, e-mail config, texts and settings forms; None if unknown."""
        wanted = shaping.newsletter_id(newsletter_id)
        if wanted is None:
            return None
        row = self._single(Bound(_config_stmt(), {"newsletter_id": wanted}), "newsletters.get_newsletter_config")
        return shaping.newsletter_config(row, mask_passwords, users=self._form_users, sections=self._sections)

    def _form_users(self) -> list[dict[str, Any]]:
        try:
            rows = self._rows(_form_users_stmt(), "newsletters.form_users")
        except TautulliDBError:
            return []
        return [shaping.form_user(r) for r in rows]

    def _sections(self) -> list[dict[str, Any]] | None:
        try:
            return self._rows(_sections_stmt(), "newsletters.sections")
        except TautulliDBError:
            return None

    def get_last_newsletter_email_msg_id(self, newsletter_id: Any, notify_action: Any) -> Any:
        """The e-mail message id of a newsletter's last successful send for a trigger, or None."""
        kinds, params = affinity_shapes(nl, (("newsletter_id", newsletter_id), ("notify_action", notify_action)))
        stmt = Bound(_last_msg_id_stmt(*kinds), params)
        row = self._single(stmt, "newsletters.get_last_newsletter_email_msg_id")
        return row["email_msg_id"] if row else None

    def get_newsletter(self, newsletter_uuid: Any = None, newsletter_id_name: Any = None) -> str | None:
        """A saved newsletter's HTML (by uuid, or the latest of a newsletter by its id name), or None."""
        if newsletter_uuid:
            kind, value = affinity_shape(nl.c.uuid, newsletter_uuid)
            stmt = Bound(_saved_stmt("uuid", kind), {"key": value})
        elif newsletter_id_name:
            kind, value = affinity_shape(n.c.id_name, newsletter_id_name)
            stmt = Bound(_saved_stmt("id_name", kind), {"key": value})
        else:
            return None
        return shaping.newsletter_html(self._single(stmt, "newsletters.get_newsletter"), self._database_folder())

    def add_newsletter_config(self, agent_id: Any = None, **kwargs: Any) -> Any:
        """Add a newsletter of an agent with its default settings; its new id, or False."""
        agent = writing.agent_of(agent_id)
        if agent is None:
            return False
        values = writing.new_newsletter(agent, self._sections)
        try:
            with transaction(self._engine, "newsletters.add_newsletter_config") as conn:
                newsletter_id = _upsert(conn, n, values, {"id": None}).inserted_id
                loggable = self._configs_loggable(conn)
        except TautulliDBError as exc:
            writing.failed(exc, "newsletters.add_newsletter_failed", agent_id=agent.id)
            return False
        log.info("newsletters.newsletter_added", agent=agent.name, newsletter_id=newsletter_id)
        return newsletter_id if loggable else False

    def set_newsletter_config(self, newsletter_id: Any = None, agent_id: Any = None, **kwargs: Any) -> bool:
        """Store a newsletter's settings form; True, or False if refused."""
        agent = writing.agent_of(agent_id)
        if agent is None:
            return False
        form = writing.newsletter_form(kwargs)
        for key in form.masked_passwords():
            stored = self.get_newsletter_config(newsletter_id=newsletter_id)
            form.email[key] = stored["email_config"][key]  # type: ignore[index]
        values = writing.newsletter_values(agent, form, self._sections)
        try:
            with transaction(self._engine, "newsletters.set_newsletter_config") as conn:
                _upsert(conn, n, values, {"id": newsletter_id})
                ready = writing.schedulable(self.get_newsletters(newsletter_id)) and self._configs_loggable(conn)
        except TautulliDBError as exc:
            writing.failed(exc, "newsletters.set_newsletter_failed", newsletter_id=str(newsletter_id))
            return False
        return ready

    def _configs_loggable(self, conn: Connection) -> bool:
        rows = conn.execute(select(n.c.newsletter_config, n.c.email_config).order_by(n.c.id)).all()
        return writing.configs_loggable(c for r in rows for c in r)

    def delete_newsletter(self, newsletter_id: Any = None) -> bool:
        """Delete a newsletter (its log rows stay); False for an id that is not digits."""
        if not str(newsletter_id).isdigit():
            return False
        with transaction(self._engine, "newsletters.delete_newsletter") as conn:
            conn.execute(delete(n).where(affinity_equals(n.c.id, newsletter_id)))
        return True

    def set_notify_state(self, newsletter: Any, notify_action: Any, subject: Any, body: Any, message: Any,
                         filename: Any, start_date: Any, end_date: Any, start_time: Any, end_time: Any,
                         newsletter_uuid: Any, email_msg_id: Any) -> Any:
        """Log a sent newsletter; the new log id, 0 when it merged into a row (same second and uuid)."""
        if not newsletter or not notify_action:
            log.error("newsletters.notify_state_refused")
            return None
        keys, values = writing.newsletter_log_row(newsletter, notify_action, subject, body, message, filename,
                                                  start_date, end_date, start_time, end_time, newsletter_uuid,
                                                  email_msg_id)
        with transaction(self._engine, "newsletters.set_notify_state") as conn:
            return _upsert(conn, nl, values, keys).inserted_id

    def set_notify_success(self, newsletter_log_id: Any) -> None:
        """Mark a logged newsletter as sent (update-then-insert by id)."""
        with transaction(self._engine, "newsletters.set_notify_success") as conn:
            _upsert(conn, nl, {"success": 1}, {"id": newsletter_log_id})

    def delete_newsletter_log(self) -> bool:
        """Empty the newsletter log, then VACUUM; False if that failed."""
        vacuumed = writing.Vacuum(lambda: vacuum(self._engine))
        try:
            with transaction(self._engine, "newsletters.delete_newsletter_log") as conn:
                conn.execute(delete(nl))
                after_commit(vacuumed)
        except TautulliDBError as exc:
            writing.failed(exc, "newsletters.clear_log_failed")
            return False
        return vacuumed.ok

    def _database_folder(self) -> str | None:
        """The folder of the SQLite database file (Tautulli's data dir), None for a server database."""
        url = self._engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return os.path.dirname(os.path.abspath(url.database))


def _upsert(conn: Connection, table: Table, values: dict[str, Any], keys: dict[str, Any]) -> UpsertResult:
    """Tautulli's update-then-insert with values stored as SQLite's affinity stores them.

    A NULL id matches no row: the row is inserted without one, so every backend numbers it (PostgreSQL refuses
    an explicit NULL key). A row id SQLite cannot store (``'abc'``, ``1.5``) matches no row and its insert is
    refused (SQLite's "datatype mismatch", which the upsert swallows): nothing is written. An explicit id
    inserted raises the table's sequence on every backend.
    """
    stored_keys = stored_values(table, keys)
    if "id" in stored_keys and stored_keys["id"] is None:
        try:
            with conn.begin_nested():
                result = conn.execute(insert(table).values(**stored_values(table, values)))
        except IntegrityError:
            return UpsertResult("insert")
        return UpsertResult("insert", int(result.inserted_primary_key[0]))
    if "id" in stored_keys and not isinstance(stored_keys["id"], int):
        return UpsertResult("insert")
    result = upsert(conn, table, stored_values(table, values), stored_keys)
    if "id" in stored_keys and result.kind == "insert":
        conn.execute(select(raise_autoincrement(table.name)))  # a serial follows an explicit id, as SQLite's does
    return result


@per_shape(maxsize=16)
def _newsletters_stmt(id_kind: str | None, log_kind: str | None) -> Select[Any]:
    """Every newsletter (or ``:newsletter_id``) with its last trigger (built once per shape: plexpy.db.stmt_cache)."""
    where: list[ColumnElement[bool]] = []
    log_filter: list[ColumnElement[bool]] = []
    if id_kind is not None and log_kind is not None:
        where.append(bound_affinity_equals(n.c.id, id_kind, "newsletter_id"))
        log_filter.append(bound_affinity_equals(nl.c.newsletter_id, log_kind, "log_newsletter_id"))
    ranked = (
        select(nl.c.newsletter_id, nl.c.success,
               func.max(nl.c.timestamp).over(partition_by=nl.c.newsletter_id).label("last_triggered"),
               _last_log_row(id_kind is not None).label("pick"))
        .where(*log_filter)
        .subquery("ranked")
    )
    last = select(ranked.c.newsletter_id, ranked.c.last_triggered, ranked.c.success).where(
        ranked.c.pick == 1).subquery("last")
    return (
        select(n.c.id, n.c.agent_id, n.c.agent_name, n.c.agent_label, n.c.friendly_name, n.c.cron, n.c.active,
               last.c.last_triggered, last.c.success.label("last_success"))
        .select_from(n.outerjoin(last, last.c.newsletter_id == n.c.id))
        .where(*where)
        .order_by(n.c.id)
    )


@per_shape(maxsize=1)
def _log_stmt() -> Select[Any]:
    """The newsletter log table's inner query (one shape: every column the page can show)."""
    return select(*(nl.c[a] for a in shaping.LOG_ALIASES))


@per_shape(maxsize=1)
def _config_stmt() -> Select[Any]:
    """One newsletter's configuration columns (``:newsletter_id``)."""
    return select(*(n.c[c] for c in shaping.CONFIG_COLUMNS)).where(n.c.id == bindparam("newsletter_id"))


@per_shape(maxsize=1)
def _form_users_stmt() -> Select[Any]:
    """The users offered as recipients in the settings form."""
    return (select(users.c.username, users.c.friendly_name, users.c.email)
            .where(users.c.deleted_user == 0).order_by(users.c.id))


@per_shape(maxsize=1)
def _sections_stmt() -> Select[Any]:
    """The libraries offered in the settings form."""
    ls = library_sections
    return (select(ls.c.section_id, ls.c.section_name, ls.c.section_type, ls.c.agent)
            .where(ls.c.deleted_section == 0).order_by(ls.c.id))


@per_shape(maxsize=16)
def _last_msg_id_stmt(id_kind: str, action_kind: str) -> Select[Any]:
    """The last successful send's message id for ``:newsletter_id`` and ``:notify_action`` (of these kinds)."""
    return (
        select(nl.c.email_msg_id)
        .where(bound_affinity_equals(nl.c.newsletter_id, id_kind, "newsletter_id"),
               bound_affinity_equals(nl.c.notify_action, action_kind, "notify_action"), nl.c.success == 1)
        .order_by(nl.c.timestamp.desc().nulls_last(), nl.c.id)
        .limit(1)
    )


@per_shape(maxsize=16)
def _saved_stmt(by: str, kind: str) -> Select[Any]:
    """A saved newsletter's file row: by log ``uuid``, or the latest non-test send of a newsletter ``id_name``.

    The value, of ``kind`` (plexpy.db.stmt_cache), is bound as ``:key``.
    """
    columns = (nl.c.start_date, nl.c.end_date, nl.c.uuid, nl.c.filename)
    if by == "uuid":
        return select(*columns).where(bound_affinity_equals(nl.c.uuid, kind, "key")).order_by(nl.c.id).limit(1)
    return (
        select(*columns)
        .select_from(nl.join(n, n.c.id == nl.c.newsletter_id))
        .where(bound_affinity_equals(n.c.id_name, kind, "key"), nl.c.notify_action != "test")
        .order_by(nl.c.timestamp.desc().nulls_last(), nl.c.id)
        .limit(1)
    )


TWIN = SqlaNewsletters
