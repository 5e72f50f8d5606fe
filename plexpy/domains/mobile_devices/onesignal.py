"""The OneSignal check behind a device's ``official`` flag (is this the official Tautulli Remote app?).

Tautulli asks OneSignal whether the device's subscription id belongs to the official app: 1 when it does
(status 200), 0 when it does not, 2 for a device that turned notifications off, 0 without an id, and -1 when
OneSignal cannot be reached. The default client here is offline, as every oracle recording was, so a check
answers -1; a live caller installs a real client with :func:`using`.

Inside one routed call (:func:`call_scope`, opened by the facade) the answer is asked once and shared, so a
shadowed write neither asks OneSignal twice nor lets the two paths see different answers. The twins ask
before they open their transaction: no write lock is held across a network request.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from typing import Any, Final, Protocol

import structlog

from plexpy.domains.mobile_devices.shaping import ONESIGNAL_DISABLED

__all__ = ["APP_ID", "OfflineOneSignal", "OneSignalClient", "call_scope", "official_flag", "using"]

log = structlog.get_logger(__name__)

#: Tautulli Remote's OneSignal app id.
APP_ID: Final = "3b4b666a-d557-4b92-acdf-e2c8c4b95357"


class OneSignalClient(Protocol):
    """Asks OneSignal about one subscription id of the Tautulli Remote app."""

    def identity_status(self, app_id: str, onesignal_id: str) -> int:
        """The HTTP status of the subscription's identity request; raises ``ConnectionError`` when unreachable."""
        ...


class OfflineOneSignal:
    """The default client: OneSignal is unreachable."""

    def identity_status(self, app_id: str, onesignal_id: str) -> int:
        """Always raise ``ConnectionError``."""
        raise ConnectionError("OneSignal is not reachable offline")


_OFFLINE = OfflineOneSignal()
_client: contextvars.ContextVar[OneSignalClient | None] = contextvars.ContextVar("onesignal_client", default=None)
_scope: contextvars.ContextVar[tuple[threading.Lock, dict[Any, int]] | None] = contextvars.ContextVar(
    "onesignal_scope", default=None
)


@contextlib.contextmanager
def using(client: OneSignalClient) -> Iterator[None]:
    """Use ``client`` for the checks made inside the block."""
    token = _client.set(client)
    try:
        yield
    finally:
        _client.reset(token)


@contextlib.contextmanager
def call_scope() -> Iterator[None]:
    """Share each id's answer between the two paths of one routed call."""
    token = _scope.set((threading.Lock(), {}))
    try:
        yield
    finally:
        _scope.reset(token)


def _ask(onesignal_id: Any) -> int:
    if onesignal_id is None:
        return 0
    if onesignal_id == ONESIGNAL_DISABLED:
        return 2
    try:
        status = (_client.get() or _OFFLINE).identity_status(APP_ID, str(onesignal_id))
    except ConnectionError as exc:
        log.warning("mobile_devices.onesignal_unreachable", error=str(exc))
        return -1
    return int(status == 200)


def official_flag(onesignal_id: Any) -> int:
    """The ``official`` value of a device with this OneSignal id (Tautulli's ``validate_onesignal_id``)."""
    scope = _scope.get()
    if scope is None:
        return _ask(onesignal_id)
    lock, answers = scope
    key = (type(onesignal_id).__name__, str(onesignal_id))
    with lock:
        if key not in answers:
            answers[key] = _ask(onesignal_id)
        return answers[key]
