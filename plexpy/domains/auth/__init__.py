"""The auth domain: web logins and their tokens, and the login rate limit."""

from plexpy.domains.auth.contract import OPERATIONS

__all__ = ["OPERATIONS"]
