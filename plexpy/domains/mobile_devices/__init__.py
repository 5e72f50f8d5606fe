"""The mobile_devices domain: Tautulli Remote registrations (reads)."""

from plexpy.domains.mobile_devices.contract import OPERATIONS

__all__ = ["OPERATIONS"]
