"""The exports domain: export jobs and their files."""

from plexpy.domains.exports.contract import OPERATIONS

__all__ = ["OPERATIONS"]
