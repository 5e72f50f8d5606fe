"""The newsletters domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.newsletters import shaping

__all__ = ["TWIN", "LegacyNewsletters"]

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


TWIN = LegacyNewsletters
