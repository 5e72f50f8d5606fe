"""Pure functions both auth twins call: login rows, user-agent parsing, token expiry and the rate limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from plexpy import context

__all__ = [
    "DATATABLES_EMPTY",
    "LOGIN_ALIASES",
    "datatables_result",
    "login_row",
    "rate_limit_wait",
    "user_agent_os_browser",
]

#: Output columns of the login log query, in Tautulli's order (also the DataTables whitelist).
LOGIN_ALIASES: tuple[str, ...] = (
    "row_id", "timestamp", "user_id", "user", "user_group", "ip_address", "host", "user_agent", "success",
    "expiry", "jwt_token", "friendly_name",
)

DATATABLES_EMPTY: dict[str, Any] = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}


def user_agent_os_browser(user_agent: Any) -> tuple[str, str]:
    """``(os, browser)`` of a user agent, as Tautulli's ``httpagentparser.simple_detect`` reads it.

    Raises:
        ModuleNotFoundError: when the ``httpagentparser`` package is not installed.
    """
    import httpagentparser  # noqa: PLC0415 - optional at import time: only this table needs it

    found = httpagentparser.simple_detect(user_agent)
    return found[0], found[1]


def _expiry(value: Any) -> datetime:
    """An ISO 8601 expiry as an aware datetime (naive values are UTC, as ``arrow.get`` reads them)."""
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def login_row(item: Mapping[str, Any], jwt_token: Any) -> dict[str, Any]:
    """One row of the login log: the expiry only while still valid, ``current`` for the caller's token."""
    os_name, browser = user_agent_os_browser(item["user_agent"])
    expiry = None
    current = False
    if item["jwt_token"] and item["expiry"]:
        valid_until = _expiry(item["expiry"])
        if valid_until > datetime.fromtimestamp(context.now(), UTC):
            expiry = valid_until.strftime("%Y-%m-%d %H:%M:%S")
        current = item["jwt_token"] == jwt_token
    return {
        "row_id": item["row_id"], "timestamp": item["timestamp"], "user_id": item["user_id"],
        "user_group": item["user_group"], "ip_address": item["ip_address"], "host": item["host"],
        "user_agent": item["user_agent"], "os": os_name, "browser": browser, "success": item["success"],
        "expiry": expiry, "current": current, "friendly_name": item["friendly_name"] or item["user"],
    }


def datatables_result(page: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Tautulli's DataTables answer, with guest names applied."""
    return {
        "recordsFiltered": page.filtered_count,
        "recordsTotal": page.total_count,
        "data": context.friendly_name_to_username(rows),
        "draw": page.draw,
    }


def rate_limit_wait(logins: Sequence[Mapping[str, Any]]) -> int | None:
    """Seconds to wait before the next login from an address, or None while under the limit.

    Args:
        logins: the address's logins since its last success, newest first (``timestamp``, ``success``).
    """
    last_timestamp = logins[0]["timestamp"] if logins else 0
    last_success = max((r["timestamp"] for r in logins if r["success"]), default=0)
    since = max(last_success, last_timestamp - context.config("HTTP_RATE_LIMIT_ATTEMPTS_INTERVAL"))
    failures = [r for r in logins if r["timestamp"] >= since and not r["success"]]
    if len(failures) >= context.config("HTTP_RATE_LIMIT_ATTEMPTS"):
        return max(last_timestamp - (context.now() - context.config("HTTP_RATE_LIMIT_LOCKOUT_TIME")), 0)
    return None
