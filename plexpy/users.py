"""Tautulli-compatible facade of ``plexpy.users``: same class, method names and signatures as v2.17.2.

Each method is one routed call; the ``users`` flag decides which twin answers (and whether the other is
compared).
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.auth.contract import OPERATIONS as _AUTH_OPS
from plexpy.domains.users.contract import OPERATIONS as _OPS
from plexpy.domains.users.refresh import fetch_plextv_users

__all__ = ["Users", "refresh_users"]


def refresh_users() -> Any:
    """Refresh the users table from plex.tv (routed by the ``users`` flag).

    True when stored, False when plex.tv gave no users, None without a server identifier. The requests go out once,
    from here (the call's Plex client); the store half is one routed write.
    """
    return runtime.route(_OPS["store_refreshed_users"], users=fetch_plextv_users())


class Users:
    """Users, as Tautulli's web interface and API call them."""

    def __init__(self) -> None:
        pass

    def get_datatables_list(self, kwargs: Any = None, grouping: Any = None) -> Any:
        """The users table (DataTables)."""
        return runtime.route(_OPS["get_datatables_list"], kwargs=kwargs, grouping=grouping)

    def get_datatables_unique_ips(self, user_id: Any = None, kwargs: Any = None) -> Any:
        """A user's IP addresses (DataTables)."""
        return runtime.route(_OPS["get_datatables_unique_ips"], user_id=user_id, kwargs=kwargs)

    def get_details(self, user_id: Any = None, user: Any = None, email: Any = None,
                    include_last_seen: bool = False) -> Any:
        """A user's details, falling back to the built-in Local user."""
        return runtime.route(_OPS["get_details"], user_id=user_id, user=user, email=email,
                             include_last_seen=include_last_seen)

    def get_user_details(self, user_id: Any = None, user: Any = None, email: Any = None,
                         include_last_seen: bool = False) -> Any:
        """A user's details or ``{}``."""
        return runtime.route(_OPS["get_user_details"], user_id=user_id, user=user, email=email,
                             include_last_seen=include_last_seen)

    def get_watch_time_stats(self, user_id: Any = None, grouping: Any = None, query_days: Any = None) -> Any:
        """Plays and time watched over the last N days."""
        return runtime.route(_OPS["get_watch_time_stats"], user_id=user_id, grouping=grouping, query_days=query_days)

    def get_player_stats(self, user_id: Any = None, grouping: Any = None) -> Any:
        """Plays and time per player."""
        return runtime.route(_OPS["get_player_stats"], user_id=user_id, grouping=grouping)

    def get_recently_watched(self, user_id: Any = None, limit: Any = "10") -> Any:
        """The latest items a user watched."""
        return runtime.route(_OPS["get_recently_watched"], user_id=user_id, limit=limit)

    def get_users(self, include_deleted: bool = False) -> Any:
        """Every user."""
        return runtime.route(_OPS["get_users"], include_deleted=include_deleted)

    def get_user_id(self, user: Any = None) -> Any:
        """A user's id by user name."""
        return runtime.route(_OPS["get_user_id"], user=user)

    def get_user_names(self, kwargs: Any = None) -> Any:
        """Every user's id and display name."""
        return runtime.route(_OPS["get_user_names"], kwargs=kwargs)

    def get_tokens(self, user_id: Any = None) -> Any:
        """A user's guest flag and tokens."""
        return runtime.route(_OPS["get_tokens"], user_id=user_id)

    def get_filters(self, user_id: Any = None) -> Any:
        """A user's library filters."""
        return runtime.route(_OPS["get_filters"], user_id=user_id)

    def set_config(self, user_id: Any = None, friendly_name: Any = "", custom_thumb: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, allow_guest: Any = 1) -> Any:
        """Store a user's settings."""
        return runtime.route(_OPS["set_config"], user_id=user_id, friendly_name=friendly_name,
                             custom_thumb=custom_thumb, do_notify=do_notify, keep_history=keep_history,
                             allow_guest=allow_guest)

    def delete(self, user_id: Any = None, row_ids: Any = None, purge_only: bool = False) -> Any:
        """Purge a user's history and mark the user deleted."""
        return runtime.route(_OPS["delete"], user_id=user_id, row_ids=row_ids, purge_only=purge_only)

    def undelete(self, user_id: Any = None, username: Any = None) -> Any:
        """Mark a deleted user active again."""
        return runtime.route(_OPS["undelete"], user_id=user_id, username=username)

    def get_user_login(self, jwt_token: Any) -> Any:
        """The login row holding a web token, or ``{}`` (routed by the ``auth`` flag)."""
        return runtime.route(_AUTH_OPS["get_user_login"], jwt_token=jwt_token)

    def get_datatables_user_login(self, user_id: Any = None, jwt_token: Any = None, kwargs: Any = None) -> Any:
        """The login log (DataTables; routed by the ``auth`` flag)."""
        return runtime.route(_AUTH_OPS["get_datatables_user_login"], user_id=user_id, jwt_token=jwt_token,
                             kwargs=kwargs)

    def set_user_login(self, user_id: Any = None, user: Any = None, user_group: Any = None, ip_address: Any = None,
                       host: Any = None, user_agent: Any = None, success: Any = 0, expiry: Any = None,
                       jwt_token: Any = None) -> Any:
        """Log a web login (routed by the ``auth`` flag)."""
        return runtime.route(_AUTH_OPS["set_user_login"], user_id=user_id, user=user, user_group=user_group,
                             ip_address=ip_address, host=host, user_agent=user_agent, success=success,
                             expiry=expiry, jwt_token=jwt_token)

    def clear_user_login_token(self, jwt_token: Any = None, row_ids: Any = None) -> Any:
        """Revoke a web token, or the tokens of some login rows (routed by the ``auth`` flag)."""
        return runtime.route(_AUTH_OPS["clear_user_login_token"], jwt_token=jwt_token, row_ids=row_ids)

    def delete_login_log(self) -> Any:
        """Delete the login log (routed by the ``auth`` flag)."""
        return runtime.route(_AUTH_OPS["delete_login_log"])
