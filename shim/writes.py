"""Write verification: the seam between the generic router and an application's way of capturing changes.

On one store, a write must be verified without being applied twice: the compared path runs inside a
transaction that is rolled back, with what it changed captured; then the answering path runs for real,
captured the same way; the two change sets and return values are compared. The shim knows nothing of
databases: the application passes a :class:`WriteVerifier` whose context managers do the capturing.

A write whose effects a transaction cannot hold (files, ``VACUUM``) may instead be tried elsewhere, on a
scratch copy: the verifier's ``trial`` scope then sets :attr:`ChangeBox.target`, the callable the router runs
for the compared path instead of the path itself (same keyword arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from shim.operation import Operation

__all__ = ["ChangeBox", "WriteVerifier"]


@dataclass(slots=True)
class ChangeBox:
    """Filled by a verifier when its scope ends: what the write changed (opaque to the shim).

    ``target``, when a ``trial`` scope sets it, runs the compared path instead of the path the router holds
    (for example the same operation on a scratch copy of the database).
    """

    changes: Any = None
    failure: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    target: Callable[..., Any] | None = None


class WriteVerifier(Protocol):
    """Runs one path of a write in a capturing scope."""

    def method(self, op: Operation) -> str | None:
        """How ``op`` is verified (``"transaction"``, ``"scratch"`` …), or None when it cannot be verified here."""
        ...

    def trial(self, path: str, op: Operation) -> AbstractContextManager[ChangeBox]:
        """A scope whose writes are captured and then undone, or made elsewhere (the compared path)."""
        ...

    def real(self, path: str, op: Operation) -> AbstractContextManager[ChangeBox]:
        """A scope whose writes are captured and kept (the answering path). Capture failures never raise."""
        ...

    def diff(self, answering: ChangeBox, compared: ChangeBox) -> str | None:
        """The first difference between two captured change sets, or None."""
        ...
