"""Errors the shim raises to its owner (never to a routed caller)."""

from __future__ import annotations


class ShimError(Exception):
    """Base class of the shim's own errors."""


class ConfigError(ShimError):
    """A configuration value is invalid: unknown domain or mode, malformed URL, bad number."""


class GateNotMet(ShimError):
    """A flip was refused because the domain's parity evidence does not meet the gate."""

    def __init__(self, domain: str, missing: list[str]) -> None:
        self.domain = domain
        self.missing = missing
        super().__init__(f"{domain}: gate not met: " + "; ".join(missing))
