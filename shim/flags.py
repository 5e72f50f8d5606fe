"""The per-domain modes the router reads, and the durable history of how they changed.

:class:`FlagStore` holds every known domain's mode in memory (the router reads it on every call), remembers
where each mode came from (default, config.ini, environment, command line) and tells its subscribers about
every change. :meth:`FlagStore.demote` is the circuit breaker's compare-and-set: it only moves a domain back
if it is still in the mode the breaker saw. :class:`FlipHistory` is the append-only JSON-lines file that
records every flip, forced override and automatic demotion.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from shim.errors import ConfigError
from shim.modes import Mode

__all__ = ["FlagChange", "FlagStore", "FlipHistory", "rank"]

log = structlog.get_logger(__name__)

FlagListener = Callable[["FlagChange"], None]


def rank(mode: Mode) -> int:
    """Position of ``mode`` along legacy → shadow → reverse-shadow → sqlalchemy (0 to 3)."""
    return list(Mode).index(mode)


@dataclass(frozen=True, slots=True)
class FlagChange:
    """One change of a domain's mode in a running process."""

    domain: str
    before: Mode
    after: Mode
    kind: str = "set"
    reason: str | None = None


class FlagStore:
    """The mode of every known domain; an unknown domain is a configuration error naming the valid ones."""

    def __init__(self, known_domains: Iterable[str], modes: Mapping[str, Mode | str], default: Mode = Mode.LEGACY,
                 *, sources: Mapping[str, str] | None = None):
        self.known_domains = tuple(known_domains)
        self._lock = threading.Lock()
        self._modes: dict[str, Mode] = dict.fromkeys(self.known_domains, default)
        for domain, mode in modes.items():
            self._modes[self._known(domain)] = self._parsed(domain, mode)
        self._sources: dict[str, str] = dict.fromkeys(self.known_domains, "default")
        self._sources.update({self._known(d): s for d, s in (sources or {}).items()})
        self._listeners: list[FlagListener] = []
        self.changes: list[FlagChange] = []

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

    def source(self, domain: str) -> str:
        """Where ``domain``'s mode came from: ``default``, ``config.ini …``, ``environment …``, a change."""
        return self._sources[self._known(domain)]

    def subscribe(self, listener: FlagListener) -> None:
        """Call ``listener`` with every :class:`FlagChange` (its failures are logged, never raised)."""
        self._listeners.append(listener)

    def set(self, domain: str, mode: Mode | str, *, reason: str | None = None) -> Mode:
        """Move ``domain`` to ``mode`` (no gate here: the flip command checks evidence first)."""
        parsed = self._parsed(domain, mode)
        with self._lock:
            before = self._modes[self._known(domain)]
            self._modes[domain] = parsed
            change = FlagChange(domain, before, parsed, "set", reason)
            self._record(change)
        if before is not parsed:
            self._notify(change)
        return parsed

    def demote(self, domain: str, to: Mode, *, expect: Mode, reason: str) -> FlagChange | None:
        """Move ``domain`` back to ``to`` if it is still in ``expect``; return the change, or None if it moved."""
        with self._lock:
            before = self._modes[self._known(domain)]
            if before is not expect or rank(to) >= rank(before):
                return None
            self._modes[domain] = to
            change = FlagChange(domain, before, to, "demoted", reason)
            self._record(change)
        self._notify(change)
        return change

    def _record(self, change: FlagChange) -> None:
        if change.before is not change.after:
            self.changes.append(change)
            self._sources[change.domain] = f"{change.kind} in this process"

    def _notify(self, change: FlagChange) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception as exc:  # a listener's failure must never reach the router's caller
                with contextlib.suppress(Exception):
                    log.error("flags.listener_failed", domain=change.domain, error=f"{type(exc).__name__}: {exc}")

    def as_dict(self) -> dict[str, str]:
        """Every domain's mode, by name."""
        return {domain: mode.value for domain, mode in self._modes.items()}

    def any_compared(self) -> bool:
        """True when some domain runs a compared path (a shadow mode)."""
        return any(mode.compared is not None for mode in self._modes.values())


class FlipHistory:
    """An append-only JSON-lines file: one object per flip, forced override, rollback or demotion.

    Each append is one ``write`` of one line on a file opened with ``O_APPEND`` and synced, so lines from
    several processes never interleave and a crash loses at most the line being written. Unreadable lines
    (a torn last line) are skipped when reading.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Append ``entry`` and return it as written."""
        data = dict(entry)
        line = (json.dumps(data, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return data

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                with contextlib.suppress(ValueError):
                    entry = json.loads(line)
                    if isinstance(entry, dict):
                        yield entry

    def entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Every entry (of ``domain``), oldest first."""
        return [e for e in self if domain is None or e.get("domain") == domain]

    def last_change(self, domain: str) -> dict[str, Any] | None:
        """The latest entry that changed ``domain``'s mode, or None."""
        changes = [e for e in self.entries(domain) if e.get("from") != e.get("to")]
        return changes[-1] if changes else None
