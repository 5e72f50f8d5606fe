"""Row fingerprints for reconcile: the storage-class-keeping text of a row, its 48-bit MD5, and SQLite's side.

A fingerprint keeps SQLite's storage class: NULL is ``N``, an integer ``i<digits>``, a real ``r<IEEE-754 bits>``,
text ``t<length>:<text>``, a blob ``b<hex>``; the row is those joined by ``|`` and hashed with MD5 (first 48
bits). So NULL, ``'NULL'`` and ``''`` differ, and so do ``1``, ``1.0`` and ``'1'``.

On SQLite the fingerprint is a function registered on the connection (``tdb_row_hash``): measured, it is faster
than building the same text with SQLite's own ``||``/``quote()``/``CASE typeof`` (those reallocate per operator).
:func:`sqlite_bucket_sums` computes one key range's checksums on a connection of its own, and
:func:`sqlite_bucket_sums_in_subprocess` runs it in ``python shim/fingerprint.py`` so several ranges of a large
table use several cores (the per-row Python call is bound by the GIL, not by SQLite). A plain subprocess, not
multiprocessing: it never re-imports the caller's main module. This module imports neither SQLAlchemy nor the
application, so the worker starts quickly.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "HASH_BITS",
    "encode_value",
    "register_sqlite_functions",
    "row_hash",
    "row_text",
    "sqlite_bucket_sums",
    "sqlite_bucket_sums_in_subprocess",
    "sqlite_hash_sql",
]

HASH_BITS = 48
_SQLITE_MAX_ARGS = 100  # SQLite's default limit is 127 arguments per function call


def encode_value(value: Any) -> str:
    """A value's fingerprint text with its storage class (see the module docstring)."""
    if value is None:
        return "N"
    if isinstance(value, bool):
        return f"i{int(value)}"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float):
        return "r" + struct.pack(">d", value).hex()
    if isinstance(value, str):
        return f"t{len(value)}:{value}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "b" + bytes(value).hex()
    if isinstance(value, Decimal):
        return f"i{int(value)}" if value == value.to_integral_value() else encode_value(float(value))
    return f"j{json.dumps(value, sort_keys=True, default=str)}"


def row_hash(text: str) -> int:
    """The 48-bit fingerprint of a row's text."""
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[: HASH_BITS // 8], "big")


def row_text(*values: Any) -> str:
    """``encode_value`` of each value joined by ``|`` (the common classes inlined: this runs once per row)."""
    out: list[str] = []
    append = out.append
    for value in values:
        kind = type(value)
        if kind is int:
            append(f"i{value}")
        elif kind is str:
            append(f"t{len(value)}:{value}")
        elif value is None:
            append("N")
        else:
            append(encode_value(value))
    return "|".join(out)


def _row_hash(*values: Any) -> int:
    return row_hash(row_text(*values))


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Register ``tdb_row_hash(...)``, ``tdb_row_text(...)`` and ``tdb_hash_text(text)`` on a sqlite3 connection."""
    dbapi_connection.create_function("tdb_row_hash", -1, _row_hash, deterministic=True)
    dbapi_connection.create_function("tdb_row_text", -1, row_text, deterministic=True)
    dbapi_connection.create_function("tdb_hash_text", 1, row_hash, deterministic=True)


def sqlite_hash_sql(quoted_columns: Sequence[str]) -> str:
    """SQL for one row's fingerprint on a SQLite connection with the functions registered."""
    names = list(quoted_columns)
    if len(names) <= _SQLITE_MAX_ARGS:
        return f"tdb_row_hash({', '.join(names)})"
    groups = [names[i:i + _SQLITE_MAX_ARGS] for i in range(0, len(names), _SQLITE_MAX_ARGS)]
    return "tdb_hash_text(" + " || '|' || ".join(f"tdb_row_text({', '.join(g)})" for g in groups) + ")"


def sqlite_bucket_sums(path: str, table: str, key: str, columns: Sequence[str], offset: int, width: int,
                       lo: int, hi: int) -> list[tuple[int, int, int]]:
    """``(bucket, count, sum of fingerprints)`` of the rows with ``lo <= key < hi``, on a read-only connection.

    Buckets are ``(key - offset) // width``, as the in-connection query computes them.
    """
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    try:
        register_sqlite_functions(conn)
        k = quote(key)
        sql = (f"SELECT ({k} - ?) / ? AS b, count(*), coalesce(sum({sqlite_hash_sql([quote(c) for c in columns])}), 0) "
               f"FROM {quote(table)} WHERE {k} >= ? AND {k} < ? GROUP BY 1")
        return [(int(b), int(n), int(s)) for b, n, s in conn.execute(sql, (offset, width, lo, hi))]
    finally:
        conn.close()


def sqlite_bucket_sums_in_subprocess(path: str, table: str, key: str, columns: Sequence[str], offset: int,
                                     width: int, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """:func:`sqlite_bucket_sums` in a child Python process (call it from a thread: it only waits)."""
    job = json.dumps([path, table, key, list(columns), offset, width, lo, hi])
    # run as a plain script (stdlib only): the shim package's __init__ is not imported
    argv = [sys.executable, "-I", str(Path(__file__).resolve())]  # this interpreter, this file: no user input
    done = subprocess.run(argv, input=job, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"checksum worker failed ({done.returncode}): {done.stderr.strip()[-1000:]}")
    return [(int(b), int(n), int(s)) for b, n, s in json.loads(done.stdout)]


if __name__ == "__main__":
    sys.stdout.write(json.dumps(sqlite_bucket_sums(*json.loads(sys.stdin.read()))))
