"""Tautulli's data layer split into domains; each holds a contract and two twins (legacy, sqla)."""

from __future__ import annotations

DOMAINS: tuple[str, ...] = (
    "users",
    "libraries",
    "history",
    "home_stats",
    "graphs",
    "activity",
    "notifications",
    "newsletters",
    "mobile_devices",
    "exports",
    "lookups",
    "auth",
    "api_sql",
    "maintenance",
)

__all__ = ["DOMAINS"]
