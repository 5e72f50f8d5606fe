"""Tautulli-compatible facade of ``plexpy.webauth`` (its database read): ``check_rate_limit``.

Routed by the ``auth`` flag, like the login reads on ``plexpy.users.Users``.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.auth.contract import OPERATIONS as _OPS

__all__ = ["check_rate_limit"]


def check_rate_limit(ip_address: Any) -> Any:
    """Seconds an address must still wait after too many failed logins, or None."""
    return runtime.route(_OPS["check_rate_limit"], ip_address=ip_address)
