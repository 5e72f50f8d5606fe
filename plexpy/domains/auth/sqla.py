"""The auth domain on SQLAlchemy Core: the same answers, with SQLite's comparison rules made explicit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import user_login, users
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.domains.auth import shaping

__all__ = ["TWIN", "SqlaAuth"]

lg = user_login
u = users


def _friendly_name() -> ColumnElement[Any]:
    blank = (u.c.friendly_name.is_(None)) | (func.trim(u.c.friendly_name) == "")
    return case((blank, u.c.username), else_=u.c.friendly_name)


def _equals(column: Any, value: Any) -> ColumnElement[bool]:
    """Tautulli's custom_where equality: a list becomes an OR group (None in it: IS NULL)."""
    if isinstance(value, (list, tuple)):
        return or_(*(column.is_(None) if v is None else _equals(column, v) for v in value))
    return affinity_equals(column, value)


class SqlaAuth:
    """Login reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def get_user_login(self, jwt_token: Any) -> dict[str, Any]:
        """The login row holding a web token, or ``{}``."""
        stmt = (
            select(lg.c.id, lg.c.timestamp, lg.c.user_id, lg.c.user, lg.c.user_group, lg.c.ip_address, lg.c.host,
                   lg.c.user_agent, lg.c.success, lg.c.expiry, lg.c.jwt_token)
            .where(affinity_equals(lg.c.jwt_token, jwt_token))
            .order_by(lg.c.id)
            .limit(1)
        )
        rows = self._rows(stmt, "auth.get_user_login")
        return rows[0] if rows else {}

    def _login_query(self, where: list[ColumnElement[bool]]) -> Select[Any]:
        return (
            select(
                lg.c.id.label("row_id"), lg.c.timestamp, lg.c.user_id, lg.c.user, lg.c.user_group,
                lg.c.ip_address, lg.c.host, lg.c.user_agent, lg.c.success, lg.c.expiry, lg.c.jwt_token,
                _friendly_name().label("friendly_name"),
            )
            .select_from(lg.outerjoin(u, lg.c.user_id == u.c.user_id))
            .where(*where)
            .order_by(lg.c.id)
        )

    def get_datatables_user_login(self, user_id: Any = None, jwt_token: Any = None,
                                  kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The login log; a guest sees only their own logins."""
        if not context.allow_session_user(user_id):
            return dict(shaping.DATATABLES_EMPTY)
        owner = context.get_session_user_id() or user_id
        where = [_equals(lg.c.user_id, owner)] if owner else []
        try:
            request = resolve(kwargs, shaping.LOGIN_ALIASES)
            with connect(self._engine, "auth.get_datatables_user_login") as conn:
                page = run_page(conn, self._login_query(where), request, lg, tiebreak=("row_id",))
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.login_row(r, jwt_token) for r in page.rows])

    def check_rate_limit(self, ip_address: Any) -> int | None:
        """Seconds an address must still wait after too many failed logins, or None."""
        address = affinity_equals(lg.c.ip_address, ip_address)
        last_success = (
            select(func.coalesce(func.max(lg.c.timestamp), 0))
            .where(affinity_equals(lg.c.ip_address, ip_address), lg.c.success == 1)
            .scalar_subquery()
        )
        stmt = (
            select(lg.c.timestamp, lg.c.success)
            .where(address, lg.c.timestamp >= last_success)
            .order_by(lg.c.timestamp.desc(), lg.c.id)
        )
        return shaping.rate_limit_wait(self._rows(stmt, "auth.check_rate_limit"))


TWIN = SqlaAuth
