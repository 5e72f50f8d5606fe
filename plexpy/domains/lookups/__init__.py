"""The lookups domain: hosted images, image hashes, recently added items and metadata id caches."""

from plexpy.domains.lookups.contract import OPERATIONS

__all__ = ["OPERATIONS"]
