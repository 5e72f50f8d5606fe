"""The auth domain on raw sqlite3: our own SQL text (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.auth import shaping, writing

__all__ = ["TWIN", "LegacyAuth"]

_USER_LOGIN = """
SELECT id, timestamp, user_id, user, user_group, ip_address, host, user_agent, success, expiry, jwt_token
FROM user_login
WHERE jwt_token = ?"""

_LOGIN_TABLE = """
SELECT l.id AS row_id, l.timestamp AS timestamp, l.user_id AS user_id, l.user AS user,
       l.user_group AS user_group, l.ip_address AS ip_address, l.host AS host, l.user_agent AS user_agent,
       l.success AS success, l.expiry AS expiry, l.jwt_token AS jwt_token,
       CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' THEN u.username
            ELSE u.friendly_name END AS friendly_name
FROM user_login AS l
LEFT OUTER JOIN users AS u ON l.user_id = u.user_id
{where}"""

_RATE_LIMIT = """
SELECT timestamp, success
FROM user_login
WHERE ip_address = ?
  AND timestamp >= (SELECT IFNULL(MAX(timestamp), 0) FROM user_login WHERE ip_address = ? AND success = 1)
ORDER BY timestamp DESC"""

_CLEAR_TOKEN = "UPDATE user_login SET jwt_token = NULL WHERE jwt_token = ?"

_CLEAR_TOKENS_OF_ROWS = "UPDATE user_login SET jwt_token = NULL WHERE id IN ({marks})"

_DELETE_LOGINS = "DELETE FROM user_login"

_SET_SERVER_TOKEN = "UPDATE users SET server_token = ? WHERE user_id = ?"


def _equals(column: str, value: Any) -> tuple[str, list[Any]]:
    """Tautulli's custom_where equality: a list becomes an OR group (None in it: IS NULL)."""
    if isinstance(value, (list, tuple)):
        terms = [f"{column} IS NULL" if v is None else f"{column} = ?" for v in value]
        return "(" + " OR ".join(terms) + ")", [v for v in value if v is not None]
    return f"{column} = ?", [value]


class LegacyAuth:
    """Login reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_user_login(self, jwt_token: Any) -> dict[str, Any]:
        """The login row holding a web token, or ``{}``."""
        return self._db.select_single(_USER_LOGIN, [jwt_token])

    def get_datatables_user_login(self, user_id: Any = None, jwt_token: Any = None,
                                  kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The login log; a guest sees only their own logins."""
        if not context.allow_session_user(user_id):
            return dict(shaping.DATATABLES_EMPTY)
        owner = context.get_session_user_id() or user_id
        where, args = "", []
        if owner:
            clause, args = _equals("l.user_id", owner)
            where = "WHERE " + clause
        try:
            request = resolve(kwargs, shaping.LOGIN_ALIASES)
            page = run_page(self._db, _LOGIN_TABLE.format(where=where), args, request, "user_login")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.login_row(r, jwt_token) for r in page.rows])

    def check_rate_limit(self, ip_address: Any) -> int | None:
        """Seconds an address must still wait after too many failed logins, or None."""
        return shaping.rate_limit_wait(self._db.select(_RATE_LIMIT, [ip_address, ip_address]))

    def set_user_login(self, user_id: Any = None, user: Any = None, user_group: Any = None, ip_address: Any = None,
                       host: Any = None, user_agent: Any = None, success: Any = 0, expiry: Any = None,
                       jwt_token: Any = None) -> None:
        """Log a web login, keyed by (the call's second, user id): logins of one second merge."""
        if not writing.logs_login(user_id):
            return
        keys, values = writing.login_row(user_id, user, user_group, ip_address, host, user_agent, success, expiry,
                                         jwt_token)
        try:
            with self._db.transaction():
                self._db.upsert("user_login", values, keys)
        except TautulliDBError as exc:
            writing.failed(exc, "auth.set_user_login_failed")

    def clear_user_login_token(self, jwt_token: Any = None, row_ids: Any = None) -> bool:
        """Revoke a web token, or the tokens of the given login rows; False when the update failed."""
        if jwt_token:
            query, args = _CLEAR_TOKEN, [jwt_token]
        elif row_ids:
            args = writing.row_ids(row_ids)
            query = _CLEAR_TOKENS_OF_ROWS.format(marks=",".join("?" * len(args)))
        else:
            return True
        try:
            with self._db.transaction():
                self._db.action(query, args)
        except TautulliDBError as exc:
            writing.failed(exc, "auth.clear_token_failed")
            return False
        return True

    def delete_login_log(self) -> bool:
        """Delete every login, then VACUUM; False when either failed."""
        try:
            with self._db.transaction():
                self._db.action(_DELETE_LOGINS)
                self._db.after_commit(self._vacuum)
        except TautulliDBError as exc:
            writing.failed(exc, "auth.delete_login_log_failed")
            return False
        return True

    def set_server_token(self, user_id: Any = None, server_token: Any = None) -> int:
        """Store the server token a Plex login obtained; rows updated."""
        with self._db.transaction():
            return self._db.action(_SET_SERVER_TOKEN, [server_token, user_id])

    def _vacuum(self) -> None:
        """VACUUM; a locked database is only logged (the rows are already gone, as Tautulli's gave up silently)."""
        try:
            self._db.vacuum()
        except TautulliDBError as exc:
            writing.vacuum_failed(exc)


TWIN = LegacyAuth
