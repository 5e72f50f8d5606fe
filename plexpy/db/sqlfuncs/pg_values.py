"""How SQLite's values read on PostgreSQL, shared by the constructs' PostgreSQL compilers.

ASCII case tables and the dynamic-column (``JSONB``) text, number and sort-key forms.
"""

from __future__ import annotations

from typing import Any

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _dynamic(expr: Any) -> bool:
    """Whether ``expr`` is a column holding SQLite's dynamic values on PostgreSQL (``JSONB``, pgtypes)."""
    from plexpy.db import pgtypes  # noqa: PLC0415 - pgtypes imports this module

    return pgtypes.is_dynamic(getattr(expr, "type", None))


def _pg_text(expr: Any, compiler: Any, **kw: Any) -> str:
    """SQLite's text of a value on PostgreSQL: ``#>> '{}'`` for a dynamic column (not the JSON text)."""
    inner = compiler.process(expr, **kw)
    return f"({inner} #>> '{{}}')" if _dynamic(expr) else f"CAST({inner} AS text)"


def _pg_number(expr: Any, compiler: Any, **kw: Any) -> str:
    """SQLite's numeric reading of a value on PostgreSQL (a dynamic column's text reads as 0)."""
    inner = compiler.process(expr, **kw)
    if not _dynamic(expr):
        return str(inner)
    # Text reads as 0.0: SQLite's sum() over any text is a real (numeric scale 1 makes SqliteNumber a float).
    return f"(CASE WHEN jsonb_typeof({inner}) = 'number' THEN CAST({inner} AS numeric) " \
           f"WHEN {inner} IS NULL THEN NULL ELSE 0.0 END)"


def _pg_sort_key(expr: Any, compiler: Any, *, fold: bool, **kw: Any) -> str:
    """A dynamic column's sort key on PostgreSQL with SQLite's order: NULL, then numbers, then text (bytewise).

    ``jsonb`` itself puts strings before numbers. A row ``(class, number, text bytes)`` sorts as SQLite does
    and keeps ``ASC``/``DESC`` one key; ``fold`` folds ASCII letters first (``NOCASE``).
    """
    inner = compiler.process(expr, **kw)
    text = f"({inner} #>> '{{}}')"
    if fold:
        text = f"translate({text}, '{_UPPER}', '{_LOWER}')"
    return (f"ROW(CASE WHEN {inner} IS NULL THEN 0 WHEN jsonb_typeof({inner}) = 'number' THEN 1 ELSE 2 END, "
            f"CASE WHEN jsonb_typeof({inner}) = 'number' THEN CAST({inner} AS numeric) END, "
            f"CASE WHEN jsonb_typeof({inner}) = 'string' THEN convert_to({text}, 'UTF8') END)")
