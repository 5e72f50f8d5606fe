"""Tautulli's data layer on two paths, raw sqlite3 and SQLAlchemy, routed domain by domain."""

__version__ = "0.1.0"
__all__ = ["__version__"]
