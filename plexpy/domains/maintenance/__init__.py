"""The maintenance domain: integrity and size, imports (Tautulli, PlexWatch, Plexivity), clears, backups."""

from plexpy.domains.maintenance.contract import OPERATIONS

__all__ = ["OPERATIONS"]
