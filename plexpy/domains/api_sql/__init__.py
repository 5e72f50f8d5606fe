"""The api_sql domain: Tautulli's raw SQL endpoint, read-only for real on both paths."""

from plexpy.domains.api_sql.contract import OPERATIONS

__all__ = ["OPERATIONS"]
