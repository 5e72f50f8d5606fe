"""Column types of the schema that SQLAlchemy has no name for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import UserDefinedType

__all__ = ["Untyped"]


class Untyped(UserDefinedType[Any]):
    """A column declared without a type: no affinity on SQLite, TEXT elsewhere."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        """Render the type for backends without an untyped column."""
        return "TEXT"


@compiles(Untyped, "sqlite")
def _untyped_sqlite(type_: Untyped, compiler: Any, **kw: Any) -> str:
    return ""
