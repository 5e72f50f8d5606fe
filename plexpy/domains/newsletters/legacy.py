"""The newsletters domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import structlog

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.newsletters import shaping, writing

__all__ = ["TWIN", "LegacyNewsletters"]

log = structlog.get_logger(__name__)

_LOG = f"SELECT {', '.join(shaping.LOG_ALIASES)} FROM newsletter_log"

# The bare ``success`` comes from the row SQLite's MAX() settles on (see docs/comparison_rules.md).
_NEWSLETTERS = """
SELECT n.id AS id, n.agent_id AS agent_id, n.agent_name AS agent_name, n.agent_label AS agent_label,
       n.friendly_name AS friendly_name, n.cron AS cron, n.active AS active,
       MAX(l.timestamp) AS last_triggered, l.success AS last_success
FROM newsletters AS n
LEFT OUTER JOIN newsletter_log AS l ON n.id = l.newsletter_id
{where}
GROUP BY n.id"""

_NEWSLETTER_CONFIG = f"SELECT {', '.join(shaping.CONFIG_COLUMNS)} FROM newsletters WHERE id = ?"

_FORM_USERS = "SELECT username, friendly_name, email FROM users WHERE deleted_user = 0 ORDER BY id"

_SECTIONS = """
SELECT section_id, section_name, section_type, agent
FROM library_sections
WHERE deleted_section = 0
ORDER BY id"""

_LAST_EMAIL_MSG_ID = """
SELECT email_msg_id
FROM newsletter_log
WHERE newsletter_id = ? AND notify_action = ? AND success = 1
ORDER BY timestamp DESC
LIMIT 1"""

_NEWSLETTER_BY_UUID = "SELECT start_date, end_date, uuid, filename FROM newsletter_log WHERE uuid = ?"

_LATEST_NEWSLETTER = """
SELECT l.start_date AS start_date, l.end_date AS end_date, l.uuid AS uuid, l.filename AS filename
FROM newsletter_log AS l
JOIN newsletters AS n ON n.id = l.newsletter_id
WHERE n.id_name = ? AND l.notify_action != 'test'
ORDER BY l.timestamp DESC
LIMIT 1"""

_CONFIGS = "SELECT newsletter_config, email_config FROM newsletters"
_DELETE_NEWSLETTER = "DELETE FROM newsletters WHERE id = ?"
_CLEAR_LOG = "DELETE FROM newsletter_log"


class LegacyNewsletters:
    """Newsletters reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_newsletter_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The newsletter log table (DataTables)."""
        try:
            request = resolve(kwargs, shaping.LOG_ALIASES)
            page = run_page(self._db, _LOG, [], request, "newsletter_log")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, page.rows)

    def get_newsletters(self, newsletter_id: Any = None) -> list[dict[str, Any]]:
        """Every newsletter (or one) with its last trigger time and outcome."""
        where, args = ("WHERE n.id = ?", [newsletter_id]) if newsletter_id else ("", [])
        return self._db.select(_NEWSLETTERS.format(where=where), args)

    def get_newsletter_config(self, newsletter_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One newsletter's config, e-mail config, texts and settings forms; None if unknown."""
        wanted = shaping.newsletter_id(newsletter_id)
        if wanted is None:
            return None
        row = self._db.select_single(_NEWSLETTER_CONFIG, [wanted])
        return shaping.newsletter_config(row, mask_passwords, users=self._form_users, sections=self._sections)

    def _form_users(self) -> list[dict[str, Any]]:
        try:
            rows = self._db.select(_FORM_USERS)
        except TautulliDBError:
            return []
        return [shaping.form_user(r) for r in rows]

    def _sections(self) -> list[dict[str, Any]] | None:
        try:
            return self._db.select(_SECTIONS)
        except TautulliDBError:
            return None

    def get_last_newsletter_email_msg_id(self, newsletter_id: Any, notify_action: Any) -> Any:
        """The e-mail message id of a newsletter's last successful send for a trigger, or None."""
        row = self._db.select_single(_LAST_EMAIL_MSG_ID, [newsletter_id, notify_action])
        return row["email_msg_id"] if row else None

    def get_newsletter(self, newsletter_uuid: Any = None, newsletter_id_name: Any = None) -> str | None:
        """A saved newsletter's HTML (by uuid, or the latest of a newsletter by its id name), or None."""
        if newsletter_uuid:
            row = self._db.select_single(_NEWSLETTER_BY_UUID, [newsletter_uuid])
        elif newsletter_id_name:
            row = self._db.select_single(_LATEST_NEWSLETTER, [newsletter_id_name])
        else:
            return None
        return shaping.newsletter_html(row, os.path.dirname(os.path.abspath(self._db.path)))

    def add_newsletter_config(self, agent_id: Any = None, **kwargs: Any) -> Any:
        """Add a newsletter of an agent with its default settings; its new id, or False."""
        agent = writing.agent_of(agent_id)
        if agent is None:
            return False
        values = writing.new_newsletter(agent, self._sections)
        try:
            with self._db.transaction():
                self._db.upsert("newsletters", values, {"id": None})
                newsletter_id = self._db.last_insert_id()
                loggable = self._configs_loggable()
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
            with self._db.transaction():
                self._db.upsert("newsletters", values, {"id": newsletter_id})
                ready = writing.schedulable(self.get_newsletters(newsletter_id)) and self._configs_loggable()
        except TautulliDBError as exc:
            writing.failed(exc, "newsletters.set_newsletter_failed", newsletter_id=str(newsletter_id))
            return False
        return ready

    def _configs_loggable(self) -> bool:
        rows = self._db.select(_CONFIGS)
        return writing.configs_loggable(c for r in rows for c in (r["newsletter_config"], r["email_config"]))

    def delete_newsletter(self, newsletter_id: Any = None) -> bool:
        """Delete a newsletter (its log rows stay); False for an id that is not digits."""
        if not str(newsletter_id).isdigit():
            return False
        with self._db.transaction():
            self._db.action(_DELETE_NEWSLETTER, [newsletter_id])
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
        with self._db.transaction():
            self._db.upsert("newsletter_log", values, keys)
            return self._db.last_insert_id()

    def set_notify_success(self, newsletter_log_id: Any) -> None:
        """Mark a logged newsletter as sent (update-then-insert by id)."""
        with self._db.transaction():
            self._db.upsert("newsletter_log", {"success": 1}, {"id": newsletter_log_id})

    def delete_newsletter_log(self) -> bool:
        """Empty the newsletter log, then VACUUM; False if that failed."""
        vacuumed = writing.Vacuum(self._db.vacuum)
        try:
            with self._db.transaction():
                self._db.action(_CLEAR_LOG)
                self._db.after_commit(vacuumed)
        except TautulliDBError as exc:
            writing.failed(exc, "newsletters.clear_log_failed")
            return False
        return vacuumed.ok


TWIN = LegacyNewsletters
