"""The notifications domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Where Tautulli relies on SQLite's bare column in ``GROUP BY`` (a notifier's ``last_success``), the log row is
picked explicitly by the rule SQLite's ``MAX()`` follows for the query plan Tautulli's SQL gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from sqlalchemy import Select, Table, and_, bindparam, case, delete, func, insert, literal, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db import bare_columns
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import after_commit, connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import mobile_devices, notifiers, notify_log, users
from plexpy.db.sqlfuncs import affinity_equals, raise_autoincrement, stored_values
from plexpy.db.stmt_cache import affinity_shape, affinity_shapes, bound_affinity_equals, per_shape
from plexpy.db.upsert import UpsertResult, upsert
from plexpy.domains.notifications import conditions, shaping, sqla_orm, writing
from plexpy.domains.notifications.agents import ACTION_NAMES

__all__ = ["TWIN", "SqlaNotifications"]

log = structlog.get_logger(__name__)

n = notifiers
nl = notify_log


def _last_log_row(filtered_by_id: bool) -> Any:
    """1 on the log row whose ``success`` SQLite reports beside ``MAX(timestamp)`` for each notifier.

    MAX() keeps the first row holding the maximum, in the order rows reach it; while only NULL timestamps
    have been seen, every row replaces the last. Without an id filter SQLite reads the log through an
    automatic covering index on (notifier_id, timestamp, success), so ties order by ``success`` then rowid;
    with ``notifiers.id = ?`` it scans the log in rowid order.
    """
    seen_order: list[Any] = [nl.c.timestamp.desc().nulls_last()]
    unseen_order: list[Any] = []
    if not filtered_by_id:
        seen_order.append(nl.c.success.asc().nulls_first())
        unseen_order.append(nl.c.success.desc().nulls_last())
    seen_order.append(nl.c.id.asc())
    unseen_order.append(nl.c.id.desc())
    partition = nl.c.notifier_id
    never = func.max(nl.c.timestamp).over(partition_by=partition).is_(None)
    return case(
        (never, func.row_number().over(partition_by=partition, order_by=unseen_order)),
        else_=func.row_number().over(partition_by=partition, order_by=seen_order),
    )


class SqlaNotifications:
    """Notifications reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

    def get_notification_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The notification log table (DataTables); ties keep the log's rowid order."""
        try:
            request = resolve(kwargs, shaping.LOG_ALIASES)
            with connect(self._engine, "notifications.get_notification_log") as conn:
                page = run_page(conn, _log_stmt(), request, nl, tiebreak=("id",), cached=True)
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.log_row(r) for r in page.rows])

    def get_notifiers(self, notifier_id: Any = None, notify_action: Any = None) -> list[dict[str, Any]]:
        """Every notifier (or one, or those with a trigger on) with its last trigger time and outcome."""
        action = shaping.notifiers_action(notifier_id, notify_action)
        kinds, params = None, None
        if notifier_id:
            id_kind, id_value = affinity_shape(n.c.id, notifier_id)
            log_kind, log_value = affinity_shape(nl.c.notifier_id, notifier_id)
            kinds, params = (id_kind, log_kind), {"notifier_id": id_value, "log_notifier_id": log_value}
        stmt = _notifiers_stmt(kinds, action, bare_columns.grouped(self._engine))
        rows = self._rows(stmt, "notifications.get_notifiers", params)
        return [shaping.notifier_summary(r) for r in rows]

    def get_notifier_config(self, notifier_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One notifier's config, triggers, texts, conditions and settings form; None if unknown."""
        wanted = shaping.notifier_id(notifier_id)
        if wanted is None:
            return None
        with connect(self._engine, "notifications.get_notifier_config") as conn:
            rows = fetch_dicts(conn, _notifier_stmt(), {"notifier_id": wanted})
        row = rows[0] if rows else {}
        return shaping.notifier_config(row, mask_passwords, users=self._form_users,
                                       devices=self._remote_devices)

    def _form_users(self) -> list[dict[str, Any]]:
        try:
            rows = self._rows(_form_users_stmt(), "notifications.form_users")
        except TautulliDBError:
            return []
        return [shaping.form_user(r) for r in rows]

    def _remote_devices(self) -> list[dict[str, Any]]:
        try:
            return self._rows(_remote_devices_stmt(), "notifications.remote_devices")
        except TautulliDBError:
            return []

    def get_browser_notifications(self) -> dict[str, Any]:
        """Browser notifications sent in the last five seconds."""
        agent = shaping.BROWSER_AGENT_ID
        notifier_rows = self._rows(
            select(n.c.id, n.c.notifier_config, *(n.c[a] for a in ACTION_NAMES)).where(n.c.agent_id == agent),
            "notifications.get_browser_notifications")
        since = context.clock().time() - shaping.BROWSER_WINDOW
        stmt = (select(nl.c.notifier_id, nl.c.subject_text, nl.c.body_text)
                .where(nl.c.agent_id == agent, nl.c.timestamp >= since).order_by(nl.c.id))
        rows = self._rows(stmt, "notifications.get_browser_notifications")
        return shaping.browser_notifications(rows, shaping.browser_delays(notifier_rows))

    def get_notify_state(self, session: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every notification sent for one session, newest first."""
        kinds, params = affinity_shapes(nl, _session_keys(session))
        stmt = _notify_state_stmt(kinds)
        return [shaping.notify_state(r) for r in self._rows(stmt, "notifications.get_notify_state", params)]

    def get_notify_state_enabled(self, session: Mapping[str, Any], notify_action: Any,
                                 notified: bool = True) -> list[dict[str, Any]]:
        """Notifiers with a trigger on that did (or did not) notify a session of it."""
        table, column = shaping.enabled_column(notify_action)
        kinds, params = affinity_shapes(nl, (*_session_keys(session), ("notify_action", notify_action)))
        stmt = _notify_state_enabled_stmt(table, column, bool(notified), kinds)
        return self._rows(stmt, "notifications.get_notify_state_enabled", params)

    def check_nofity_tag(self, notify_action: Any, tag: Any) -> bool:
        """Whether a notification with this trigger and tag was sent."""
        kinds, params = affinity_shapes(nl, (("notify_action", notify_action), ("tag", tag)))
        return bool(self._rows(_tag_sent_stmt(kinds), "notifications.check_nofity_tag", params))

    def add_notifier_config(self, agent_id: Any = None, **kwargs: Any) -> Any:
        """Add a notifier of an agent with its default settings; its new id, or False."""
        agent = writing.agent_of(agent_id)
        if agent is None:
            return False
        try:
            with transaction(self._engine, "notifications.add_notifier_config") as conn:
                notifier_id = _upsert(conn, n, writing.new_notifier(agent), {"id": None}).inserted_id
                loggable = self._configs_loggable(conn)
        except TautulliDBError as exc:
            writing.failed(exc, "notifications.add_notifier_failed", agent_id=agent.id)
            return False
        log.info("notifications.notifier_added", agent=agent.name, notifier_id=notifier_id)
        return notifier_id if loggable else False

    def set_notifier_config(self, notifier_id: Any = None, agent_id: Any = None, **kwargs: Any) -> bool:
        """Store a notifier's settings form (HTTP parameter names become columns); True, or False if refused."""
        agent = writing.agent_of(agent_id)
        if agent is None:
            return False
        form = writing.notifier_form(agent, kwargs)
        for key in form.masked_passwords():
            form.config[key] = self.get_notifier_config(notifier_id=notifier_id)["config"][key]  # type: ignore[index]
        checked = conditions.validate(form.rest.get("custom_conditions"))
        if checked is False:
            return False
        values = writing.known_columns(writing.notifier_values(agent, form, checked))
        if values is None:
            return False
        try:
            with transaction(self._engine, "notifications.set_notifier_config") as conn:
                _upsert(conn, n, values, {"id": notifier_id})
                ready = self._configs_loggable(conn) and (
                    agent.id != writing.BROWSER_AGENT_ID or self._browsers_ready())
        except TautulliDBError as exc:
            writing.failed(exc, "notifications.set_notifier_failed", notifier_id=str(notifier_id))
            return False
        return ready

    def _configs_loggable(self, conn: Connection) -> bool:
        return writing.configs_loggable(conn.execute(select(n.c.notifier_config).order_by(n.c.id)).scalars())

    def _browsers_ready(self) -> bool:
        """Whether every active browser notifier's config can be read (Tautulli reloads their delays)."""
        return all(self.get_notifier_config(notifier_id=row["id"]) is not None for row in self.get_notifiers()
                   if row["agent_id"] == writing.BROWSER_AGENT_ID and row["active"])

    def delete_notifier(self, notifier_id: Any = None) -> bool:
        """Delete a notifier (its log rows stay); False for an id that is not digits."""
        if not str(notifier_id).isdigit():
            return False
        sqla_orm.delete_notifier_rows(self._engine, notifier_id)
        return True

    def set_notify_state(self, notifier: Any, notify_action: Any, subject: Any = "", body: Any = "",
                         script_args: Any = "", session: Any = None, parameters: Any = None) -> Any:
        """Log a notification; the new log id, 0 when it merged into a row of the same second, None if refused."""
        if not notifier or not notify_action:
            log.error("notifications.notify_state_refused")
            return None
        keys, values = writing.notify_log_row(notifier, notify_action, subject, body, script_args, session,
                                              parameters)
        with transaction(self._engine, "notifications.set_notify_state") as conn:
            return _upsert(conn, nl, values, keys).inserted_id

    def set_notify_success(self, notification_id: Any) -> None:
        """Mark a logged notification as sent (update-then-insert by id)."""
        with transaction(self._engine, "notifications.set_notify_success") as conn:
            _upsert(conn, nl, {"success": 1}, {"id": notification_id})

    def delete_notification_log(self) -> bool:
        """Empty the notification log, then VACUUM; False if that failed."""
        vacuumed = writing.Vacuum(lambda: vacuum(self._engine))
        try:
            with transaction(self._engine, "notifications.delete_notification_log") as conn:
                conn.execute(delete(nl))
                after_commit(vacuumed)
        except TautulliDBError as exc:
            writing.failed(exc, "notifications.clear_log_failed")
            return False
        return vacuumed.ok


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


def _equals_one(column: Any) -> ColumnElement[bool]:
    """``column = 1`` as SQLite compares it (a TEXT column against the text ``'1'``)."""
    return affinity_equals(column, 1)


@per_shape(maxsize=1)
def _notifier_stmt() -> Select[Any]:
    """The notifier's row by key, in Core: the ORM's ``session.get`` cost 0.4 ms a call, more than all the rest."""
    return select(*(n.c[c] for c in shaping.NOTIFIER_COLUMNS)).where(n.c.id == bindparam("notifier_id"))


@per_shape(maxsize=1)
def _form_users_stmt() -> Select[Any]:
    """The users a notifier's settings form lists (built once: plexpy.db.stmt_cache)."""
    return (select(users.c.user_id, users.c.username, users.c.friendly_name, users.c.email)
            .where(users.c.deleted_user == 0).order_by(users.c.id))


@per_shape(maxsize=1)
def _remote_devices_stmt() -> Select[Any]:
    """The official app's devices a notifier's settings form lists (built once: plexpy.db.stmt_cache)."""
    md = mobile_devices
    return (
        select(md.c.device_id, md.c.device_name, md.c.friendly_name, md.c.platform)
        .where(md.c.official == 1, md.c.onesignal_id.is_not(None), md.c.onesignal_id != "")
        .order_by(md.c.id)
    )


def _session_keys(session: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The ``notify_log`` columns that name a session, with its values."""
    return tuple((name, session[name]) for name in ("session_key", "rating_key", "user_id"))


def _log_equals(names: tuple[str, ...], kinds: tuple[str, ...]) -> list[ColumnElement[bool]]:
    return [bound_affinity_equals(nl.c[name], kind, name) for name, kind in zip(names, kinds, strict=True)]


@per_shape()
def _notify_state_stmt(kinds: tuple[str, ...]) -> Select[Any]:
    """A session's notifications, newest first: ``:session_key``, ``:rating_key``, ``:user_id`` of ``kinds``."""
    return (select(nl.c.timestamp, nl.c.notify_action, nl.c.notifier_id)
            .where(*_log_equals(("session_key", "rating_key", "user_id"), kinds)).order_by(nl.c.id.desc()))


@per_shape()
def _tag_sent_stmt(kinds: tuple[str, ...]) -> Select[Any]:
    """One notification with ``:notify_action`` and ``:tag`` (of ``kinds``), if any was sent."""
    return select(nl.c.id).where(*_log_equals(("notify_action", "tag"), kinds)).limit(1)


@per_shape()
def _notify_state_enabled_stmt(table: Any, column: Any, notified: bool, kinds: tuple[str, ...]) -> Select[Any]:
    """Notifiers with ``column`` on that did (or did not) notify a session of ``:notify_action``.

    The session is ``:session_key``, ``:rating_key`` and ``:user_id``; ``kinds`` say how each value compares
    (plexpy.db.stmt_cache); the values are bound at execution.
    """
    sent = (select(nl.c.timestamp, nl.c.notifier_id)
            .where(*_log_equals(("session_key", "rating_key", "user_id", "notify_action"), kinds))
            .subquery("t"))
    if not table:
        enabled: Any = literal(int(column))
    else:
        enabled = sent.c[column] if table == "t" else n.c[column]
    outcome = sent.c.timestamp.is_not(None) if notified else sent.c.timestamp.is_(None)
    return (
        select(n.c.id.label("notifier_id"), sent.c.timestamp)
        .select_from(n.outerjoin(sent, n.c.id == sent.c.notifier_id))
        .where(and_(_equals_one(enabled), outcome))
        .order_by(n.c.id)
    )


@per_shape(maxsize=1)
def _log_stmt() -> Select[Any]:
    """The notification log table's inner query (one shape: every column the page can show)."""
    return select(*(nl.c[a] for a in shaping.LOG_ALIASES))


@per_shape(maxsize=32)
def _notifiers_stmt(kinds: tuple[str, str] | None, action: str | None, grouped: bool) -> Select[Any]:
    """The notifiers with their last trigger time and that trigger's outcome.

    Only ``:notifier_id`` when ``kinds`` (its affinity kinds) are given; only those with ``action`` on.

    ``grouped`` (:mod:`plexpy.db.bare_columns`): Tautulli's GROUP BY with ``success`` beside ``MAX(timestamp)``,
    left to SQLite; otherwise :func:`_last_log_row` picks that row.
    """
    where: list[ColumnElement[bool]] = []
    log_filter: list[ColumnElement[bool]] = []
    if kinds is not None:
        where.append(bound_affinity_equals(n.c.id, kinds[0], "notifier_id"))
        log_filter.append(bound_affinity_equals(nl.c.notifier_id, kinds[1], "log_notifier_id"))
    if action:
        where.append(n.c[action] == 1)
    columns = [n.c.id, n.c.agent_id, n.c.agent_name, n.c.agent_label, n.c.friendly_name,
               *(n.c[a] for a in ACTION_NAMES)]
    if grouped:
        return (
            select(*columns, func.max(nl.c.timestamp).label("last_triggered"), nl.c.success.label("last_success"))
            .select_from(n.outerjoin(nl, n.c.id == nl.c.notifier_id))
            .where(*where)
            .group_by(n.c.id)
        )
    ranked = (
        select(nl.c.notifier_id, nl.c.success,
               func.max(nl.c.timestamp).over(partition_by=nl.c.notifier_id).label("last_triggered"),
               _last_log_row(kinds is not None).label("pick"))
        .where(*log_filter)
        .subquery("ranked")
    )
    last = select(ranked.c.notifier_id, ranked.c.last_triggered, ranked.c.success).where(
        ranked.c.pick == 1).subquery("last")
    return (
        select(*columns, last.c.last_triggered, last.c.success.label("last_success"))
        .select_from(n.outerjoin(last, last.c.notifier_id == n.c.id))
        .where(*where)
        .order_by(n.c.id)
    )


TWIN = SqlaNotifications
