"""The api_sql domain's operations: user-supplied SQL through ``MonitorDatabase.select``/``select_single``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Protocol

from shim.operation import Operation, operations

__all__ = ["OPERATIONS", "ApiSqlOps"]


class ApiSqlOps(Protocol):
    """What each twin of the api_sql domain implements, in this order.

    Both refuse anything but one read-only statement with :class:`plexpy.db.errors.QueryRefusedError`.
    """

    def select(self, query: Any, args: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Every row of a read-only query, as dicts (a repeated column name keeps its last value)."""
        ...

    def select_single(self, query: Any, args: Sequence[Any] | None = None) -> dict[str, Any]:
        """The first row of a read-only query, or ``{}``."""
        ...


OPERATIONS: Final = operations("api_sql", {
    "select": Operation.read(),
    "select_single": Operation.read(),
})
