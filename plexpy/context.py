"""The per-call context: who is asking, when, in which time zone, with which config and Plex client.

What Tautulli reads from globals (the logged-in guest, ``plexpy.CONFIG``, the wall clock, the process time
zone, the Plex server) is held here in ``contextvars``, so a replay sets it per record, a live caller per
request, and the router copies it into the compared path's thread: both paths answer as the same user at the
same instant.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plexpy.plex import PlexClient, UnreachablePlex
from shim.clock import Clock, FrozenClock, SystemClock

__all__ = [
    "Guest",
    "allow_session_user",
    "call_context",
    "clock",
    "config",
    "friendly_name_to_username",
    "get_session_user",
    "get_session_user_id",
    "local_tz_name",
    "now",
    "plex",
    "session",
    "set_base_config",
]


@dataclass(frozen=True, slots=True)
class Guest:
    """A logged-in guest (what Tautulli reads from ``cherrypy.request.login``)."""

    user_id: int | str
    user: str
    user_group: str = "guest"

    @classmethod
    def from_record(cls, data: Mapping[str, Any] | None) -> Guest | None:
        """Build from a record's ``session`` object; None or a non-guest means admin."""
        if not data or data.get("user_group") != "guest":
            return None
        return cls(user_id=data.get("user_id") or "", user=data.get("user") or "")


_base_config: Mapping[str, Any] = MappingProxyType({})
_default_tz = "UTC"
_session: contextvars.ContextVar[Guest | None] = contextvars.ContextVar("tautulli_session", default=None)
_clock: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("tautulli_clock", default=None)
_tz: contextvars.ContextVar[str | None] = contextvars.ContextVar("tautulli_tz", default=None)
_overlay: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "tautulli_config_overlay", default=MappingProxyType({})
)
_plex: contextvars.ContextVar[PlexClient | None] = contextvars.ContextVar("tautulli_plex", default=None)
_SYSTEM_CLOCK = SystemClock()
_UNREACHABLE = UnreachablePlex()


def set_base_config(values: Mapping[str, Any], tz: str | None = None) -> None:
    """Install the process-wide Tautulli config (from settings) and default time zone. Called by the runtime."""
    global _base_config, _default_tz  # noqa: PLW0603 - the one process-wide default, set at wiring time
    _base_config = MappingProxyType(dict(values))
    if tz:
        validate_tz(tz)
        _default_tz = tz


def validate_tz(name: str) -> str:
    """Return ``name`` if it is a known IANA time zone.

    Raises:
        ValueError: for an unknown zone.
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


def config(name: str) -> Any:
    """A Tautulli config value: the call's overlay first, then the process config.

    Raises:
        KeyError: a key the data layer never reads (a typo in the code, not user input).
    """
    overlay = _overlay.get()
    if name in overlay:
        return overlay[name]
    return _base_config[name]


def clock() -> Clock:
    """The call's clock (a frozen one in replays and tests)."""
    return _clock.get() or _SYSTEM_CLOCK


def now() -> int:
    """The call's current time in whole epoch seconds (Tautulli's ``helpers.timestamp()``)."""
    return int(clock().time())


def local_tz_name() -> str:
    """The IANA time zone that SQLite's 'localtime' stands for in this call."""
    return _tz.get() or _default_tz


def plex() -> PlexClient:
    """The call's Plex client (unreachable unless a caller or replay installed one)."""
    return _plex.get() or _UNREACHABLE


def session() -> Guest | None:
    """The logged-in guest, or None for the admin."""
    return _session.get()


def get_session_user_id() -> str | None:
    """The guest's user id as a string, or None for the admin (Tautulli's semantics)."""
    guest = _session.get()
    return str(guest.user_id) if guest is not None and guest.user_id else None


def get_session_user() -> str | None:
    """The guest's user name, or None for the admin."""
    guest = _session.get()
    return guest.user if guest is not None and guest.user else None


def allow_session_user(user_id: object) -> bool:
    """False when a guest asks about another user."""
    guest_id = get_session_user_id()
    return not (guest_id and str(user_id) != guest_id)


def friendly_name_to_username(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a guest, replace every ``friendly_name`` with the guest's user name (in place, like Tautulli)."""
    if get_session_user_id():
        user = get_session_user()
        for row in rows:
            if "friendly_name" in row and row["friendly_name"] != user:
                row["friendly_name"] = user
    return rows


@contextlib.contextmanager
def call_context(
    *,
    now: float | None = None,
    tz: str | None = None,
    session: Guest | Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    plex: PlexClient | None = None,
    clock: Clock | None = None,
) -> Iterator[None]:
    """Run a block as one call: frozen time, time zone, guest, config overlay and Plex client.

    Args:
        now: freeze the clock at this epoch second (ignored when ``clock`` is given).
        tz: IANA time zone for SQLite 'localtime' arithmetic.
        session: a :class:`Guest`, a record's ``session`` dict, or None for the admin.
        config: Tautulli config keys overriding the process config for this call.
        plex: the Plex client for this call.
        clock: a clock to use instead of freezing one.
    """
    guest = session if isinstance(session, Guest) or session is None else Guest.from_record(session)
    chosen_clock = clock if clock is not None else (FrozenClock(now) if now is not None else None)
    tokens: list[tuple[contextvars.ContextVar[Any], contextvars.Token[Any]]] = [
        (_session, _session.set(guest)),
    ]
    if chosen_clock is not None:
        tokens.append((_clock, _clock.set(chosen_clock)))
    if tz is not None:
        tokens.append((_tz, _tz.set(validate_tz(tz))))
    if config is not None:
        merged = {**_overlay.get(), **config}
        tokens.append((_overlay, _overlay.set(MappingProxyType(merged))))
    if plex is not None:
        tokens.append((_plex, _plex.set(plex)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
