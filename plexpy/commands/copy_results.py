"""Result and progress types of ``tautulli-db copy``: ticks, per-table results, refusal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from plexpy.db.errors import TautulliDBError
from shim.reconcile import TableReport

__all__ = ["CopyProgress", "CopyRefused", "CopyResult", "TableCopy"]


class CopyRefused(TautulliDBError):
    """The copy would lose data or overwrite rows; nothing was written. ``details`` lists why."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message + ("".join(f"\n  {d}" for d in details)), op="copy")
        self.details = list(details)


@dataclass(frozen=True, slots=True)
class CopyProgress:
    """A progress tick: ``done`` of ``total`` rows of ``table`` in ``phase`` (``copy`` or ``verify``)."""

    table: str
    phase: str
    done: int
    total: int


@dataclass(slots=True)
class TableCopy:
    """One table's copy: rows written by this run, rows already there from an earlier run, seconds."""

    table: str
    total: int
    copied: int = 0
    resumed: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class CopyResult:
    """What ``copy`` did and what the final reconciliation found."""

    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    reconcile: list[TableReport] = field(default_factory=list)
    copy_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Rows written by this run."""
        return sum(t.copied for t in self.tables)

    @property
    def rows_per_second(self) -> float:
        """Throughput of this run: rows over the copy phase (schema, checks, rows, indexes, counters)."""
        return self.rows / self.copy_seconds if self.copy_seconds else 0.0

    @property
    def verified(self) -> bool:
        """Every copied table reconciled with 0 differences."""
        return bool(self.reconcile) and all(r.equal for r in self.reconcile)
