"""Tautulli-compatible facade of ``plexpy.newsletter_handler`` (its database reads), routed by the newsletters flag."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.newsletters.contract import OPERATIONS as _OPS

__all__ = ["get_last_newsletter_email_msg_id", "get_newsletter"]


def get_last_newsletter_email_msg_id(newsletter_id: Any, notify_action: Any) -> Any:
    """The e-mail message id of a newsletter's last successful send for a trigger, or None."""
    return runtime.route(_OPS["get_last_newsletter_email_msg_id"], newsletter_id=newsletter_id,
                         notify_action=notify_action)


def get_newsletter(newsletter_uuid: Any = None, newsletter_id_name: Any = None) -> Any:
    """A saved newsletter's HTML, or None."""
    return runtime.route(_OPS["get_newsletter"], newsletter_uuid=newsletter_uuid,
                         newsletter_id_name=newsletter_id_name)
