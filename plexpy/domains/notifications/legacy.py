"""The notifications domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.notifications import conditions, shaping, writing
from plexpy.domains.notifications.agents import ACTION_NAMES

__all__ = ["TWIN", "LegacyNotifications"]

log = structlog.get_logger(__name__)

_ACTIONS = ", ".join(f"n.{a} AS {a}" for a in ACTION_NAMES)

_LOG = f"SELECT {', '.join(shaping.LOG_ALIASES)} FROM notify_log"

# The bare ``success`` comes from the row SQLite's MAX() settles on (see docs/comparison_rules.md).
_NOTIFIERS = f"""
SELECT n.id AS id, n.agent_id AS agent_id, n.agent_name AS agent_name, n.agent_label AS agent_label,
       n.friendly_name AS friendly_name, {_ACTIONS},
       MAX(l.timestamp) AS last_triggered, l.success AS last_success
FROM notifiers AS n
LEFT OUTER JOIN notify_log AS l ON n.id = l.notifier_id
{{where}}
GROUP BY n.id"""

_NOTIFIER_CONFIG = f"SELECT {', '.join(shaping.NOTIFIER_COLUMNS)} FROM notifiers WHERE id = ?"

_FORM_USERS = "SELECT user_id, username, friendly_name, email FROM users WHERE deleted_user = 0 ORDER BY id"

_REMOTE_DEVICES = """
SELECT device_id, device_name, friendly_name, platform
FROM mobile_devices
WHERE official = 1 AND onesignal_id IS NOT NULL AND onesignal_id != ''
ORDER BY id"""

_BROWSER_NOTIFIERS = f"SELECT id, notifier_config, {', '.join(ACTION_NAMES)} FROM notifiers WHERE agent_id = ?"

_BROWSER_LOG = """
SELECT notifier_id, subject_text, body_text
FROM notify_log
WHERE agent_id = ? AND timestamp >= ?
ORDER BY id"""

_NOTIFY_STATE = """
SELECT timestamp, notify_action, notifier_id
FROM notify_log
WHERE session_key = ? AND rating_key = ? AND user_id = ?
ORDER BY id DESC"""

_NOTIFY_STATE_ENABLED = """
SELECT n.id AS notifier_id, t.timestamp AS timestamp
FROM notifiers AS n
LEFT OUTER JOIN (
    SELECT timestamp, notifier_id FROM notify_log
    WHERE session_key = ? AND rating_key = ? AND user_id = ? AND notify_action = ?
) AS t ON n.id = t.notifier_id
WHERE {enabled} = 1 AND t.timestamp IS {null}"""

_TAG_SENT = "SELECT 1 AS sent FROM notify_log WHERE notify_action = ? AND tag = ? LIMIT 1"

_CONFIGS = "SELECT notifier_config FROM notifiers"
_DELETE_NOTIFIER = "DELETE FROM notifiers WHERE id = ?"
_CLEAR_LOG = "DELETE FROM notify_log"


class LegacyNotifications:
    """Notifications reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_notification_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The notification log table (DataTables)."""
        try:
            request = resolve(kwargs, shaping.LOG_ALIASES)
            page = run_page(self._db, _LOG, [], request, "notify_log")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.log_row(r) for r in page.rows])

    def get_notifiers(self, notifier_id: Any = None, notify_action: Any = None) -> list[dict[str, Any]]:
        """Every notifier (or one, or those with a trigger on) with its last trigger time and outcome."""
        action = shaping.notifiers_action(notifier_id, notify_action)
        where, args = [], []
        if notifier_id:
            where.append("n.id = ?")
            args.append(notifier_id)
        if action:
            where.append(f"n.{action} = ?")
            args.append(1)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.select(_NOTIFIERS.format(where=clause), args)
        return [shaping.notifier_summary(r) for r in rows]

    def get_notifier_config(self, notifier_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One notifier's config, triggers, texts, conditions and settings form; None if unknown."""
        wanted = shaping.notifier_id(notifier_id)
        if wanted is None:
            return None
        row = self._db.select_single(_NOTIFIER_CONFIG, [wanted])
        return shaping.notifier_config(row, mask_passwords, users=self._form_users, devices=self._remote_devices)

    def _form_users(self) -> list[dict[str, Any]]:
        try:
            rows = self._db.select(_FORM_USERS)
        except TautulliDBError:
            return []
        return [shaping.form_user(r) for r in rows]

    def _remote_devices(self) -> list[dict[str, Any]]:
        try:
            return self._db.select(_REMOTE_DEVICES)
        except TautulliDBError:
            return []

    def get_browser_notifications(self) -> dict[str, Any]:
        """Browser notifications sent in the last five seconds."""
        notifiers = self._db.select(_BROWSER_NOTIFIERS, [shaping.BROWSER_AGENT_ID])
        since = context.clock().time() - shaping.BROWSER_WINDOW
        rows = self._db.select(_BROWSER_LOG, [shaping.BROWSER_AGENT_ID, since])
        return shaping.browser_notifications(rows, shaping.browser_delays(notifiers))

    def get_notify_state(self, session: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every notification sent for one session, newest first."""
        args = [session["session_key"], session["rating_key"], session["user_id"]]
        return [shaping.notify_state(r) for r in self._db.select(_NOTIFY_STATE, args)]

    def get_notify_state_enabled(self, session: Mapping[str, Any], notify_action: Any,
                                 notified: bool = True) -> list[dict[str, Any]]:
        """Notifiers with a trigger on that did (or did not) notify a session of it."""
        table, column = shaping.enabled_column(notify_action)
        enabled = {"": column, "t": f"t.{column}"}.get(table, f"n.{column}")  # whitelisted names or digits only
        sql = _NOTIFY_STATE_ENABLED.format(enabled=enabled, null="NOT NULL" if notified else "NULL")
        args = [session["session_key"], session["rating_key"], session["user_id"], notify_action]
        return self._db.select(sql, args)

    def check_nofity_tag(self, notify_action: Any, tag: Any) -> bool:
        """Whether a notification with this trigger and tag was sent."""
        return bool(self._db.select_single(_TAG_SENT, [notify_action, tag]))

    def add_notifier_config(self, agent_id: Any = None, **kwargs: Any) -> Any:
        """Add a notifier of an agent with its default settings; its new id, or False."""
        agent = writing.agent_of(agent_id)
        if agent is None:
            return False
        try:
            with self._db.transaction():
                self._db.upsert("notifiers", writing.new_notifier(agent), {"id": None})
                notifier_id = self._db.last_insert_id()
                loggable = self._configs_loggable()
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
            with self._db.transaction():
                self._db.upsert("notifiers", values, {"id": notifier_id})
                ready = self._configs_loggable() and (agent.id != writing.BROWSER_AGENT_ID or self._browsers_ready())
        except TautulliDBError as exc:
            writing.failed(exc, "notifications.set_notifier_failed", notifier_id=str(notifier_id))
            return False
        return ready

    def _configs_loggable(self) -> bool:
        return writing.configs_loggable(r["notifier_config"] for r in self._db.select(_CONFIGS))

    def _browsers_ready(self) -> bool:
        """Whether every active browser notifier's config can be read (Tautulli reloads their delays)."""
        return all(self.get_notifier_config(notifier_id=n["id"]) is not None for n in self.get_notifiers()
                   if n["agent_id"] == writing.BROWSER_AGENT_ID and n["active"])

    def delete_notifier(self, notifier_id: Any = None) -> bool:
        """Delete a notifier (its log rows stay); False for an id that is not digits."""
        if not str(notifier_id).isdigit():
            return False
        with self._db.transaction():
            self._db.action(_DELETE_NOTIFIER, [notifier_id])
        return True

    def set_notify_state(self, notifier: Any, notify_action: Any, subject: Any = "", body: Any = "",
                         script_args: Any = "", session: Any = None, parameters: Any = None) -> Any:
        """Log a notification; the new log id, 0 when it merged into a row of the same second, None if refused."""
        if not notifier or not notify_action:
            log.error("notifications.notify_state_refused")
            return None
        keys, values = writing.notify_log_row(notifier, notify_action, subject, body, script_args, session,
                                              parameters)
        with self._db.transaction():
            self._db.upsert("notify_log", values, keys)
            return self._db.last_insert_id()

    def set_notify_success(self, notification_id: Any) -> None:
        """Mark a logged notification as sent (update-then-insert by id)."""
        with self._db.transaction():
            self._db.upsert("notify_log", {"success": 1}, {"id": notification_id})

    def delete_notification_log(self) -> bool:
        """Empty the notification log, then VACUUM; False if that failed."""
        vacuumed = writing.Vacuum(self._db.vacuum)
        try:
            with self._db.transaction():
                self._db.action(_CLEAR_LOG)
                self._db.after_commit(vacuumed)
        except TautulliDBError as exc:
            writing.failed(exc, "notifications.clear_log_failed")
            return False
        return vacuumed.ok


TWIN = LegacyNotifications
