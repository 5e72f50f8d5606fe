"""The notifications domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Where Tautulli relies on SQLite's bare column in ``GROUP BY`` (a notifier's ``last_success``), the log row is
picked explicitly by the rule SQLite's ``MAX()`` follows for the query plan Tautulli's SQL gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import mobile_devices, notifiers, notify_log, users
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.domains.notifications import shaping
from plexpy.domains.notifications.agents import ACTION_NAMES

__all__ = ["TWIN", "SqlaNotifications"]

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

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def get_notification_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The notification log table (DataTables); ties keep the log's rowid order."""
        inner = select(*(nl.c[a] for a in shaping.LOG_ALIASES))
        try:
            request = resolve(kwargs, shaping.LOG_ALIASES)
            with connect(self._engine, "notifications.get_notification_log") as conn:
                page = run_page(conn, inner, request, nl, tiebreak=("id",))
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.log_row(r) for r in page.rows])

    def _notifiers_query(self, notifier_id: Any, action: str | None) -> Select[Any]:
        log_filter: list[ColumnElement[bool]] = []
        where: list[ColumnElement[bool]] = []
        if notifier_id:
            where.append(affinity_equals(n.c.id, notifier_id))
            log_filter.append(affinity_equals(nl.c.notifier_id, notifier_id))
        if action:
            where.append(n.c[action] == 1)
        ranked = (
            select(nl.c.notifier_id, nl.c.success,
                   func.max(nl.c.timestamp).over(partition_by=nl.c.notifier_id).label("last_triggered"),
                   _last_log_row(bool(notifier_id)).label("pick"))
            .where(*log_filter)
            .subquery("ranked")
        )
        last = select(ranked.c.notifier_id, ranked.c.last_triggered, ranked.c.success).where(
            ranked.c.pick == 1).subquery("last")
        return (
            select(n.c.id, n.c.agent_id, n.c.agent_name, n.c.agent_label, n.c.friendly_name,
                   *(n.c[a] for a in ACTION_NAMES), last.c.last_triggered, last.c.success.label("last_success"))
            .select_from(n.outerjoin(last, last.c.notifier_id == n.c.id))
            .where(*where)
            .order_by(n.c.id)
        )

    def get_notifiers(self, notifier_id: Any = None, notify_action: Any = None) -> list[dict[str, Any]]:
        """Every notifier (or one, or those with a trigger on) with its last trigger time and outcome."""
        action = shaping.notifiers_action(notifier_id, notify_action)
        rows = self._rows(self._notifiers_query(notifier_id, action), "notifications.get_notifiers")
        return [shaping.notifier_summary(r) for r in rows]

    def get_notifier_config(self, notifier_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One notifier's config, triggers, texts, conditions and settings form; None if unknown."""
        wanted = shaping.notifier_id(notifier_id)
        if wanted is None:
            return None
        stmt = select(*(n.c[c] for c in shaping.NOTIFIER_COLUMNS)).where(n.c.id == wanted)
        rows = self._rows(stmt, "notifications.get_notifier_config")
        return shaping.notifier_config(rows[0] if rows else {}, mask_passwords, users=self._form_users,
                                       devices=self._remote_devices)

    def _form_users(self) -> list[dict[str, Any]]:
        stmt = (select(users.c.user_id, users.c.username, users.c.friendly_name, users.c.email)
                .where(users.c.deleted_user == 0).order_by(users.c.id))
        try:
            rows = self._rows(stmt, "notifications.form_users")
        except TautulliDBError:
            return []
        return [shaping.form_user(r) for r in rows]

    def _remote_devices(self) -> list[dict[str, Any]]:
        md = mobile_devices
        stmt = (
            select(md.c.device_id, md.c.device_name, md.c.friendly_name, md.c.platform)
            .where(md.c.official == 1, md.c.onesignal_id.is_not(None), md.c.onesignal_id != "")
            .order_by(md.c.id)
        )
        try:
            return self._rows(stmt, "notifications.remote_devices")
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

    def _session_filter(self, session: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        return [affinity_equals(nl.c.session_key, session["session_key"]),
                affinity_equals(nl.c.rating_key, session["rating_key"]),
                affinity_equals(nl.c.user_id, session["user_id"])]

    def get_notify_state(self, session: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every notification sent for one session, newest first."""
        stmt = (select(nl.c.timestamp, nl.c.notify_action, nl.c.notifier_id)
                .where(*self._session_filter(session)).order_by(nl.c.id.desc()))
        return [shaping.notify_state(r) for r in self._rows(stmt, "notifications.get_notify_state")]

    def get_notify_state_enabled(self, session: Mapping[str, Any], notify_action: Any,
                                 notified: bool = True) -> list[dict[str, Any]]:
        """Notifiers with a trigger on that did (or did not) notify a session of it."""
        table, column = shaping.enabled_column(notify_action)
        sent = (select(nl.c.timestamp, nl.c.notifier_id)
                .where(*self._session_filter(session), affinity_equals(nl.c.notify_action, notify_action))
                .subquery("t"))
        if not table:
            enabled: Any = literal(int(column))
        else:
            enabled = sent.c[column] if table == "t" else n.c[column]
        outcome = sent.c.timestamp.is_not(None) if notified else sent.c.timestamp.is_(None)
        stmt = (
            select(n.c.id.label("notifier_id"), sent.c.timestamp)
            .select_from(n.outerjoin(sent, n.c.id == sent.c.notifier_id))
            .where(and_(_equals_one(enabled), outcome))
            .order_by(n.c.id)
        )
        return self._rows(stmt, "notifications.get_notify_state_enabled")

    def check_nofity_tag(self, notify_action: Any, tag: Any) -> bool:
        """Whether a notification with this trigger and tag was sent."""
        stmt = (select(nl.c.id)
                .where(affinity_equals(nl.c.notify_action, notify_action), affinity_equals(nl.c.tag, tag))
                .limit(1))
        return bool(self._rows(stmt, "notifications.check_nofity_tag"))


def _equals_one(column: Any) -> ColumnElement[bool]:
    """``column = 1`` as SQLite compares it (a TEXT column against the text ``'1'``)."""
    return affinity_equals(column, 1)


TWIN = SqlaNotifications
