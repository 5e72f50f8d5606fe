"""The mobile_devices domain: Tautulli Remote registrations."""

from plexpy.domains.mobile_devices.contract import OPERATIONS

__all__ = ["OPERATIONS"]
