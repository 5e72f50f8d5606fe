r"""``copy``'s fast path: SQLite writes a batch as PostgreSQL ``COPY`` text itself, no Python object per value.

For a table whose PostgreSQL columns are all ``BIGINT``, text or dynamic (``jsonb``) — Tautulli's history
tables — one query per batch turns the rows into the lines of ``COPY … FROM STDIN`` (text format) inside
SQLite: ``\N`` for NULL, an integer as it is, text with backslash, tab, newline and carriage return escaped, a
dynamic column's text as a JSON string (``json_quote``). SQLite runs that in C without Python's lock, so the
tables copied side by side use several cores, and the batch reaches psycopg as one string.

Any value this path does not spell exactly the way the row-by-row path would (a real, a BLOB, text holding a
NUL, text in a ``BIGINT`` column, an integer in a text column) makes the line carry a NUL character; the caller
sees it in the batch and copies that batch row by row instead, where the usual checks and refusals apply. So
both paths store the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from plexpy.db import pgtypes

__all__ = ["TextBatch", "copy_text_sql", "read_text_batch"]

_MISFIT = "char(0)"  # never in a line written from a value this path spells exactly


def _escaped(expr: str) -> str:
    """COPY text of a text value: most hold none of the four special characters and are passed as they are.

    ``instr`` finds them about four times faster than one ``GLOB '*[...]*'`` (a text-heavy table's batches
    took a third less time); a value holding none of them is unchanged by the escapes either way.
    """
    chain = (f"replace(replace(replace(replace({expr}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), "
             f"char(13), '\\r')")
    special = " OR ".join(f"instr({expr}, char({code}))" for code in (92, 9, 10, 13))
    return f"CASE WHEN {special} THEN {chain} ELSE {expr} END"


def _column_sql(quoted: str, type_: Any, *, escape: bool = True) -> str | None:
    """The COPY text of one column's value (a NUL where this path must not decide), None: unsupported type.

    ``escape=False`` passes text as it is: for a row whose text holds none of COPY's special characters.
    """
    if pgtypes.is_dynamic(type_):
        # JSON text has no tab, newline or carriage return, only backslashes to double
        text = (f"CASE WHEN instr({quoted}, char(0)) > 0 THEN {_MISFIT} "
                f"ELSE replace(json_quote({quoted}), '\\', '\\\\') END")
        return (f"CASE typeof({quoted}) WHEN 'integer' THEN {quoted} WHEN 'null' THEN '\\N' "
                f"WHEN 'text' THEN {text} ELSE {_MISFIT} END")
    if isinstance(type_, sa.Integer):
        return f"CASE typeof({quoted}) WHEN 'integer' THEN {quoted} WHEN 'null' THEN '\\N' ELSE {_MISFIT} END"
    if isinstance(type_, sa.String):
        value = _escaped(quoted) if escape else quoted
        return f"CASE typeof({quoted}) WHEN 'text' THEN {value} WHEN 'null' THEN '\\N' ELSE {_MISFIT} END"
    return None


#: Text columns per ``printf`` of the per-row check (SQLite allows 127 arguments to a function by default).
_PRINTF_ARGS = 100


def _row_has_specials(quoted_texts: list[str]) -> str:
    """Whether any text column of the row holds a backslash, tab, newline or carriage return.

    One check over the row's text values joined (a ``printf`` and an ``instr`` per character) instead of four
    ``instr`` per column: a function call costs more than scanning a short value, and most rows hold none.
    """
    joined = " || ".join(
        f"printf('{'%s' * len(chunk)}', {', '.join(chunk)})"
        for chunk in (quoted_texts[i:i + _PRINTF_ARGS] for i in range(0, len(quoted_texts), _PRINTF_ARGS))
    )
    return " OR ".join(f"instr({joined}, char({code}))" for code in (92, 9, 10, 13))


def copy_text_sql(source: Connection, table: sa.Table, target: sa.Table, key: str) -> str | None:
    """The batch query of ``table`` (bound ``:after``, ``:limit``), or None when a column type needs Python.

    A row whose text values hold no special character is written with them as they are; any other row with
    every text value escaped (the same line either way, faster for the usual row).
    """
    quote = source.dialect.identifier_preparer.quote
    columns = list(target.columns)
    parts = [_column_sql(quote(c.name), c.type) for c in columns]
    if any(p is None for p in parts) or len(parts) != len(table.columns):
        return None
    k = quote(key)
    source_table = source.dialect.identifier_preparer.format_table(table)
    texts = [quote(c.name) for c in columns if isinstance(c.type, sa.String) and not pgtypes.is_dynamic(c.type)]
    escaped = " || char(9) || ".join(f"({p})" for p in parts if p is not None)
    if not texts:
        line, rows = escaped, f"SELECT {k}, {escaped} AS line FROM {source_table}"
    else:
        plain = " || char(9) || ".join(f"({_column_sql(quote(c.name), c.type, escape=False)})" for c in columns)
        line = f"CASE WHEN {_row_has_specials(texts)} THEN {escaped} ELSE {plain} END"
        rows = f"SELECT {k}, {line} AS line FROM {source_table}"
    return (f"SELECT count(*), max({k}), group_concat(line, char(10)) FROM ({rows} "
            f"WHERE {k} > :after ORDER BY {k} LIMIT :limit)")


@dataclass(frozen=True, slots=True)
class TextBatch:
    """One batch as COPY text: ``rows`` lines ending at key ``last_key``; ``exact`` False: copy it row by row."""

    rows: int
    last_key: int | None
    text: str
    exact: bool


def read_text_batch(source: Connection, sql: str, after: int | None, limit: int) -> TextBatch:
    """Read the batch after key ``after`` (None: from the start) with :func:`copy_text_sql`'s query."""
    rows, last, text = source.execute(sa.text(sql), {"after": -(2**63) if after is None else after,
                                                     "limit": limit}).one()
    text = text or ""
    return TextBatch(int(rows), None if last is None else int(last), text, "\x00" not in text)

