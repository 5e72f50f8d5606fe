"""Tautulli-compatible facade of ``plexpy.newsletters`` (its database half), routed by the newsletters flag."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.newsletters.contract import OPERATIONS as _OPS

__all__ = [
    "add_newsletter_config",
    "delete_newsletter",
    "get_newsletter_config",
    "get_newsletters",
    "set_newsletter_config",
]


def get_newsletters(newsletter_id: Any = None) -> Any:
    """Every newsletter (or one) with its last trigger time and outcome."""
    return runtime.route(_OPS["get_newsletters"], newsletter_id=newsletter_id)


def get_newsletter_config(newsletter_id: Any = None, mask_passwords: bool = False) -> Any:
    """One newsletter's config, e-mail config, texts and settings forms; None if unknown."""
    return runtime.route(_OPS["get_newsletter_config"], newsletter_id=newsletter_id, mask_passwords=mask_passwords)


def delete_newsletter(newsletter_id: Any = None) -> Any:
    """Delete a newsletter (its log rows stay); False for an id that is not digits."""
    return runtime.route(_OPS["delete_newsletter"], newsletter_id=newsletter_id)


def add_newsletter_config(agent_id: Any = None, **kwargs: Any) -> Any:
    """Add a newsletter of an agent with its default settings; its new id, or False."""
    return runtime.route(_OPS["add_newsletter_config"], agent_id=agent_id, **kwargs)


def set_newsletter_config(newsletter_id: Any = None, agent_id: Any = None, **kwargs: Any) -> Any:
    """Store a newsletter's settings form; True, or False if refused."""
    return runtime.route(_OPS["set_newsletter_config"], newsletter_id=newsletter_id, agent_id=agent_id, **kwargs)
