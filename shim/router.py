"""The router: picks the answering path by the domain's mode and returns its result unchanged.

(Shadow comparison, timing and publishing are layered on in the shim's own modules.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shim.modes import Mode
from shim.operation import Operation

__all__ = ["Paths", "Router"]


@dataclass(frozen=True, slots=True)
class Paths:
    """The two implementations of one call, as zero-argument callables."""

    legacy: Callable[[], Any]
    sqlalchemy: Callable[[], Any]

    def get(self, name: str) -> Callable[[], Any]:
        """The path called ``name`` ('legacy' or 'sqlalchemy')."""
        return self.legacy if name == "legacy" else self.sqlalchemy


class Router:
    """Routes each call by its domain's mode."""

    def __init__(self, modes: Mapping[str, Mode]) -> None:
        self._modes = dict(modes)

    def mode(self, domain: str) -> Mode:
        """The current mode of ``domain``."""
        return self._modes[domain]

    def call(self, op: Operation, paths: Paths, arguments: Mapping[str, Any]) -> Any:
        """Run the answering path and return its value (or let its exception propagate)."""
        del arguments
        return paths.get(self.mode(op.domain).answering)()
