"""The per-domain modes the router reads, validated against the domains the application knows."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from shim.errors import ConfigError
from shim.modes import Mode

__all__ = ["FlagStore"]


class FlagStore:
    """The mode of every known domain; an unknown domain is a configuration error naming the valid ones."""

    def __init__(self, known_domains: Iterable[str], modes: Mapping[str, Mode | str], default: Mode = Mode.LEGACY):
        self.known_domains = tuple(known_domains)
        self._lock = threading.Lock()
        self._modes: dict[str, Mode] = dict.fromkeys(self.known_domains, default)
        for domain, mode in modes.items():
            self._modes[self._known(domain)] = self._parsed(domain, mode)

    def _known(self, domain: str) -> str:
        if domain not in self._modes:
            raise ConfigError(f"unknown domain {domain!r}; valid domains: {', '.join(self.known_domains)}")
        return domain

    @staticmethod
    def _parsed(domain: str, mode: Mode | str) -> Mode:
        if isinstance(mode, Mode):
            return mode
        try:
            return Mode.parse(mode)
        except ValueError as exc:
            raise ConfigError(f"{domain}: {exc}") from exc

    def mode(self, domain: str) -> Mode:
        """The current mode of ``domain``.

        Raises:
            ConfigError: ``domain`` is not a known domain.
        """
        return self._modes[self._known(domain)]

    def set(self, domain: str, mode: Mode | str) -> Mode:
        """Move ``domain`` to ``mode`` (no gate here: the flip command checks evidence first)."""
        parsed = self._parsed(domain, mode)
        with self._lock:
            self._modes[self._known(domain)] = parsed
        return parsed

    def as_dict(self) -> dict[str, str]:
        """Every domain's mode, by name."""
        return {domain: mode.value for domain, mode in self._modes.items()}

    def any_compared(self) -> bool:
        """True when some domain runs a compared path (a shadow mode)."""
        return any(mode.compared is not None for mode in self._modes.values())
