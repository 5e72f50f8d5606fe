"""The auth domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, operations

__all__ = ["OPERATIONS", "AuthOps"]


class AuthOps(Protocol):
    """What each twin of the auth domain implements, in this order."""

    def get_user_login(self, jwt_token: Any) -> dict[str, Any]:
        """The login row holding a web token, or ``{}``."""
        ...

    def get_datatables_user_login(self, user_id: Any = None, jwt_token: Any = None,
                                  kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The login log (DataTables), with OS and browser read from the user agent."""
        ...

    def check_rate_limit(self, ip_address: Any) -> int | None:
        """Seconds an address must still wait after too many failed logins, or None."""
        ...

    def set_user_login(self, user_id: Any = None, user: Any = None, user_group: Any = None, ip_address: Any = None,
                       host: Any = None, user_agent: Any = None, success: Any = 0, expiry: Any = None,
                       jwt_token: Any = None) -> None:
        """Log a web login, keyed by (the call's second, user id): logins of one second merge."""
        ...

    def clear_user_login_token(self, jwt_token: Any = None, row_ids: Any = None) -> bool:
        """Revoke a web token, or the tokens of the given login rows."""
        ...

    def delete_login_log(self) -> bool:
        """Delete every login, then VACUUM."""
        ...

    def set_server_token(self, user_id: Any = None, server_token: Any = None) -> int:
        """Store the server token a Plex login obtained (``webauth.plex_user_login``); rows updated."""
        ...


OPERATIONS: Final = operations("auth", {
    "get_user_login": Operation.read(),
    "get_datatables_user_login": Operation.read(ordered_when=request_is_ordered),
    "check_rate_limit": Operation.read(),
    "set_user_login": Operation.write(tables=("user_login",)),
    "clear_user_login_token": Operation.write(tables=("user_login",)),
    "delete_login_log": Operation.write(tables=("user_login",)),
    "set_server_token": Operation.write(tables=("users",)),
})
