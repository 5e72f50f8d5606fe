"""Tautulli-compatible facade of ``plexpy.newsletter_handler`` (its database half), routed by the newsletters flag."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.newsletters.contract import OPERATIONS as _OPS

__all__ = ["get_last_newsletter_email_msg_id", "get_newsletter", "set_notify_state", "set_notify_success"]


def get_last_newsletter_email_msg_id(newsletter_id: Any, notify_action: Any) -> Any:
    """The e-mail message id of a newsletter's last successful send for a trigger, or None."""
    return runtime.route(_OPS["get_last_newsletter_email_msg_id"], newsletter_id=newsletter_id,
                         notify_action=notify_action)


def get_newsletter(newsletter_uuid: Any = None, newsletter_id_name: Any = None) -> Any:
    """A saved newsletter's HTML, or None."""
    return runtime.route(_OPS["get_newsletter"], newsletter_uuid=newsletter_uuid,
                         newsletter_id_name=newsletter_id_name)


def set_notify_state(newsletter: Any, notify_action: Any, subject: Any, body: Any, message: Any, filename: Any,
                     start_date: Any, end_date: Any, start_time: Any, end_time: Any, newsletter_uuid: Any,
                     email_msg_id: Any) -> Any:
    """Log a sent newsletter; the new log id, 0 when it merged into a row (same second and uuid)."""
    return runtime.route(_OPS["set_notify_state"], newsletter=newsletter, notify_action=notify_action,
                         subject=subject, body=body, message=message, filename=filename, start_date=start_date,
                         end_date=end_date, start_time=start_time, end_time=end_time,
                         newsletter_uuid=newsletter_uuid, email_msg_id=email_msg_id)


def set_notify_success(newsletter_log_id: Any) -> Any:
    """Mark a logged newsletter as sent."""
    return runtime.route(_OPS["set_notify_success"], newsletter_log_id=newsletter_log_id)
