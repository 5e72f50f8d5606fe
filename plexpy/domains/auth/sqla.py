"""The auth domain on SQLAlchemy Core: the same answers, with SQLite's comparison rules made explicit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, case, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db.bound_equals import bound_equals, equals_shape
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import after_commit, connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import user_login, users
from plexpy.db.sqlfuncs import affinity_equals, stored_values
from plexpy.db.stmt_cache import Bound, affinity_shape, bound_affinity_equals, per_shape
from plexpy.db.upsert import upsert
from plexpy.domains.auth import shaping, writing

__all__ = ["TWIN", "SqlaAuth"]

lg = user_login
u = users


def _friendly_name() -> ColumnElement[Any]:
    blank = (u.c.friendly_name.is_(None)) | (func.trim(u.c.friendly_name) == "")
    return case((blank, u.c.username), else_=u.c.friendly_name)


class SqlaAuth:
    """Login reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        stmt, params = stmt if isinstance(stmt, Bound) else (stmt, None)
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

    def get_user_login(self, jwt_token: Any) -> dict[str, Any]:
        """The login row holding a web token, or ``{}``."""
        kind, value = affinity_shape(lg.c.jwt_token, jwt_token)
        rows = self._rows(Bound(_user_login_stmt(kind), {"jwt_token": value}), "auth.get_user_login")
        return rows[0] if rows else {}

    def get_datatables_user_login(self, user_id: Any = None, jwt_token: Any = None,
                                  kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The login log; a guest sees only their own logins."""
        if not context.allow_session_user(user_id):
            return dict(shaping.DATATABLES_EMPTY)
        owner = context.get_session_user_id() or user_id
        owner_shape, params = equals_shape(lg.c.user_id, owner, "user_id") if owner else (None, {})
        try:
            request = resolve(kwargs, shaping.LOGIN_ALIASES)
            with connect(self._engine, "auth.get_datatables_user_login") as conn:
                page = run_page(conn, _login_stmt(owner_shape), request, lg, tiebreak=("row_id",), params=params,
                                cached=True)
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.login_row(r, jwt_token) for r in page.rows])

    def check_rate_limit(self, ip_address: Any) -> int | None:
        """Seconds an address must still wait after too many failed logins, or None."""
        kind, value = affinity_shape(lg.c.ip_address, ip_address)
        return shaping.rate_limit_wait(self._rows(Bound(_rate_limit_stmt(kind), {"ip_address": value}),
                                                  "auth.check_rate_limit"))

    def set_user_login(self, user_id: Any = None, user: Any = None, user_group: Any = None, ip_address: Any = None,
                       host: Any = None, user_agent: Any = None, success: Any = 0, expiry: Any = None,
                       jwt_token: Any = None) -> None:
        """Log a web login, keyed by (the call's second, user id): logins of one second merge."""
        if not writing.logs_login(user_id):
            return
        keys, values = writing.login_row(user_id, user, user_group, ip_address, host, user_agent, success, expiry,
                                         jwt_token)
        try:
            with transaction(self._engine, "auth.set_user_login") as conn:
                upsert(conn, lg, stored_values(lg, values), stored_values(lg, keys))
        except TautulliDBError as exc:
            writing.failed(exc, "auth.set_user_login_failed")

    def clear_user_login_token(self, jwt_token: Any = None, row_ids: Any = None) -> bool:
        """Revoke a web token, or the tokens of the given login rows; False when the update failed."""
        if jwt_token:
            match = affinity_equals(lg.c.jwt_token, jwt_token)
        elif row_ids:
            match = lg.c.id.in_(writing.row_ids(row_ids))
        else:
            return True
        try:
            with transaction(self._engine, "auth.clear_user_login_token") as conn:
                conn.execute(update(lg).where(match).values(jwt_token=None))
        except TautulliDBError as exc:
            writing.failed(exc, "auth.clear_token_failed")
            return False
        return True

    def delete_login_log(self) -> bool:
        """Delete every login, then VACUUM; False when either failed."""
        try:
            with transaction(self._engine, "auth.delete_login_log") as conn:
                conn.execute(delete(lg))
                after_commit(self._vacuum)
        except TautulliDBError as exc:
            writing.failed(exc, "auth.delete_login_log_failed")
            return False
        return True

    def set_server_token(self, user_id: Any = None, server_token: Any = None) -> int:
        """Store the server token a Plex login obtained; rows updated."""
        with transaction(self._engine, "auth.set_server_token") as conn:
            stmt = update(users).where(users.c.user_id == user_id).values(server_token=server_token)
            return int(conn.execute(stmt).rowcount)

    def _vacuum(self) -> None:
        """VACUUM; a locked database is only logged (the rows are already gone, as Tautulli's gave up silently)."""
        try:
            vacuum(self._engine)
        except TautulliDBError as exc:
            writing.vacuum_failed(exc)



# Statements built once per shape (plexpy.db.stmt_cache): how the value compares (its affinity kind); the
# value is bound at execution.


@per_shape(maxsize=4)
def _user_login_stmt(kind: str) -> Select[Any]:
    """The first login row holding ``:jwt_token``."""
    return (
        select(lg.c.id, lg.c.timestamp, lg.c.user_id, lg.c.user, lg.c.user_group, lg.c.ip_address, lg.c.host,
               lg.c.user_agent, lg.c.success, lg.c.expiry, lg.c.jwt_token)
        .where(bound_affinity_equals(lg.c.jwt_token, kind, "jwt_token"))
        .order_by(lg.c.id)
        .limit(1)
    )


@per_shape(maxsize=4)
def _rate_limit_stmt(kind: str) -> Select[Any]:
    """``:ip_address``'s logins since its last successful one, newest first."""
    last_success = (
        select(func.coalesce(func.max(lg.c.timestamp), 0))
        .where(bound_affinity_equals(lg.c.ip_address, kind, "ip_address"), lg.c.success == 1)
        .scalar_subquery()
    )
    return (
        select(lg.c.timestamp, lg.c.success)
        .where(bound_affinity_equals(lg.c.ip_address, kind, "ip_address"), lg.c.timestamp >= last_success)
        .order_by(lg.c.timestamp.desc(), lg.c.id)
    )


@per_shape()
def _login_stmt(owner_shape: Any) -> Select[Any]:
    """The login log's inner query, for one owner's logins when ``owner_shape`` (``bound_equals``) is given."""
    stmt = (
        select(
            lg.c.id.label("row_id"), lg.c.timestamp, lg.c.user_id, lg.c.user, lg.c.user_group,
            lg.c.ip_address, lg.c.host, lg.c.user_agent, lg.c.success, lg.c.expiry, lg.c.jwt_token,
            _friendly_name().label("friendly_name"),
        )
        .select_from(lg.outerjoin(u, lg.c.user_id == u.c.user_id))
        .order_by(lg.c.id)
    )
    return stmt if owner_shape is None else stmt.where(bound_equals(lg.c.user_id, owner_shape, "user_id"))


TWIN = SqlaAuth
