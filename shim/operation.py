"""What the shim knows about one routed operation: its domain, kind, ordering and the tables it touches."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Kind", "Operation", "Ordering", "operations"]


class Kind(StrEnum):
    """Reads may run in any order and off-thread; writes run inline, in sequence."""

    READ = "read"
    WRITE = "write"


class Ordering(StrEnum):
    """Whether the order of a result's rows is defined by the query."""

    ORDERED = "ordered"
    MULTISET = "multiset"


@dataclass(frozen=True, slots=True)
class Operation:
    """One routed operation of a domain."""

    domain: str
    name: str
    kind: Kind = Kind.READ
    ordering: Ordering = Ordering.ORDERED
    tables: tuple[str, ...] = ()
    ordered_when: Callable[[Mapping[str, Any]], bool] | None = field(default=None, compare=False)
    verify: str = "transaction"
    tie_keys: Callable[[Mapping[str, Any]], Sequence[str] | None] | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """``domain.name``, the operation's name in events and reports."""
        return f"{self.domain}.{self.name}"

    def is_ordered(self, arguments: Mapping[str, Any]) -> bool:
        """Whether this call's rows come in a defined order (may depend on the arguments)."""
        if self.ordered_when is not None:
            try:
                return bool(self.ordered_when(arguments))
            except Exception:
                return False
        return self.ordering is Ordering.ORDERED

    def ties(self, arguments: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The ORDER BY keys whose ties SQLite leaves in plan order for this call (``tie_order``), or None."""
        if self.tie_keys is None:
            return None
        try:
            keys = self.tie_keys(arguments)
        except Exception:
            return None
        return tuple(keys) if keys else None

    @classmethod
    def read(cls, ordering: Ordering = Ordering.ORDERED, **kwargs: Any) -> _Spec:
        """Describe a read (the domain and name are filled in by :func:`operations`)."""
        return _Spec(kind=Kind.READ, ordering=ordering, options=kwargs)

    @classmethod
    def write(cls, tables: tuple[str, ...] = (), **kwargs: Any) -> _Spec:
        """Describe a write and the tables it may change."""
        return _Spec(kind=Kind.WRITE, ordering=Ordering.ORDERED, options={"tables": tables, **kwargs})


@dataclass(frozen=True, slots=True)
class _Spec:
    kind: Kind
    ordering: Ordering
    options: Mapping[str, Any]


def operations(domain: str, specs: Mapping[str, _Spec]) -> Mapping[str, Operation]:
    """Build a domain's operation table from name → spec."""
    return {
        name: Operation(domain=domain, name=name, kind=spec.kind, ordering=spec.ordering, **dict(spec.options))
        for name, spec in specs.items()
    }
