"""Tautulli-compatible facade of ``plexpy.newsletters`` (its database reads), routed by the newsletters flag."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.newsletters.contract import OPERATIONS as _OPS

__all__ = ["get_newsletter_config", "get_newsletters"]


def get_newsletters(newsletter_id: Any = None) -> Any:
    """Every newsletter (or one) with its last trigger time and outcome."""
    return runtime.route(_OPS["get_newsletters"], newsletter_id=newsletter_id)


def get_newsletter_config(newsletter_id: Any = None, mask_passwords: bool = False) -> Any:
    """One newsletter's config, e-mail config, texts and settings forms; None if unknown."""
    return runtime.route(_OPS["get_newsletter_config"], newsletter_id=newsletter_id, mask_passwords=mask_passwords)
