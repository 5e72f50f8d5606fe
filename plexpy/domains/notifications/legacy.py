"""The notifications domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.notifications import shaping
from plexpy.domains.notifications.agents import ACTION_NAMES

__all__ = ["TWIN", "LegacyNotifications"]

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


TWIN = LegacyNotifications
