"""What user SQL may do, decided without a driver: one read-only statement, checked three ways.

1. :func:`check_query` reads the text the way SQLite and PostgreSQL tokenise it (strings, quoted identifiers,
   comments, dollar quotes) and refuses a second statement, or a first word other than ``SELECT``, ``WITH``,
   ``VALUES``, ``PRAGMA`` or ``EXPLAIN``. Where the two dialects differ it reads more of the text as code than
   either would, so it can refuse too much but never lets a hidden statement through.
2. :func:`authorizer` is the SQLite authorizer both paths install while the statement is prepared: only reads,
   harmless functions and read-only pragmas pass (no write, ATTACH/DETACH, transaction, DDL, writing pragma
   or ``load_extension``). PostgreSQL gets a ``READ ONLY`` transaction instead.
3. ``PRAGMA query_only`` (SQLite) while the statement runs, and a statement time limit on both.

Refusals are :class:`~plexpy.db.errors.QueryRefusedError`, raised before anything runs or from the
authorizer's denial; nothing is written and no backup is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from plexpy.db.errors import QueryRefusedError, TautulliDBError
from shim import deadline

__all__ = [
    "MAX_ROWS",
    "TIME_LIMIT_SECONDS",
    "CheckedQuery",
    "authorizer",
    "check_query",
    "collect",
    "pragma_allowed",
    "refused",
    "sqlite_only",
    "time_limit",
]

#: The longest a raw SQL statement may run (seconds), unless the caller's own deadline is sooner.
TIME_LIMIT_SECONDS = 30.0

#: The most rows one raw SQL call returns; a larger result is refused rather than held in memory.
MAX_ROWS = 500_000

_ALLOWED_FIRST_WORDS = frozenset({"select", "with", "values", "pragma", "explain"})

# SQLite authorizer action codes (sqlite3.h) and answers: stable parts of SQLite's C API.
_OK, _DENY = 0, 1
_PRAGMA, _READ, _SELECT, _FUNCTION, _RECURSIVE = 19, 20, 21, 31, 33

#: Pragmas that only report, allowed without an argument.
_QUERY_PRAGMAS = frozenset({
    "application_id", "auto_vacuum", "busy_timeout", "cache_size", "collation_list", "compile_options",
    "data_version", "database_list", "encoding", "foreign_keys", "freelist_count", "function_list",
    "integrity_check", "journal_mode", "module_list", "page_count", "page_size", "pragma_list", "query_only",
    "quick_check", "schema_version", "synchronous", "table_list", "temp_store", "user_version",
})
#: Pragmas whose argument names what to report on (a table, an index, a row limit), never a new value.
_ARGUMENT_PRAGMAS = frozenset({
    "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo", "integrity_check",
    "quick_check", "table_info", "table_list", "table_xinfo",
})
#: SQL functions that reach outside the database or load code.
_DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})

_IDENT_CHAR = re.compile(r"[\w$]|[^\x00-\x7f]")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$")
_NUMBERED = re.compile(r"\?([0-9]+)")
#: SQLite's own catalogue tables and table-valued pragma functions: no PostgreSQL equivalent by that name.
_SQLITE_CATALOGUE = re.compile(
    r"(?<![\w$])(sqlite_(?:master|schema|temp_master|temp_schema|sequence|stat[1-4])|pragma_\w+)(?![\w$])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A statement that passed :func:`check_query`, ready for either path."""

    sql: str
    args: tuple[Any, ...]
    named_sql: str
    named_args: Mapping[str, Any] = field(default_factory=dict)
    empty: bool = False


@dataclass(slots=True)
class _Scan:
    statements: list[list[str]] = field(default_factory=lambda: [[]])
    named: list[str] = field(default_factory=list)
    placeholders: list[int] = field(default_factory=list)

    def code(self, text: str) -> None:
        parts = text.split(";")
        self.statements[-1].append(parts[0])
        for part in parts[1:]:
            self.statements.append([part])

    def literal(self) -> None:
        self.statements[-1].append(" x ")


def refused(reason: str) -> QueryRefusedError:
    """The refusal raised for ``reason`` (the same message on both paths)."""
    return QueryRefusedError(f"api_sql: refused: {reason}", op="api_sql", domain="api_sql")


def _closing(sql: str, start: int, quote: str) -> int:
    """Index just past a quoted run opened at ``start`` (a doubled quote stays inside); end of text if open."""
    index = start + 1
    while True:
        found = sql.find(quote, index)
        if found < 0:
            return len(sql)
        if sql.startswith(quote * 2, found) and quote != "]":
            index = found + 2
            continue
        return found + 1


def _skip(sql: str, index: int) -> tuple[str, int] | None:
    """The kind and end of a string, quoted identifier, comment or dollar quote starting at ``index``."""
    char = sql[index]
    if char in "'\"`":
        return ("literal", _closing(sql, index, char))
    if char == "[":
        return ("literal", _closing(sql, index, "]"))
    if sql.startswith("--", index):
        end = sql.find("\n", index)
        return ("comment", len(sql) if end < 0 else end + 1)
    if sql.startswith("/*", index):
        end = sql.find("*/", index + 2)
        return ("comment", len(sql) if end < 0 else end + 2)
    if char == "$" and (index == 0 or not _IDENT_CHAR.match(sql[index - 1])):
        tag = _DOLLAR_TAG.match(sql, index)
        if tag is not None:
            end = sql.find(tag.group(0), tag.end())
            return ("literal", len(sql) if end < 0 else end + len(tag.group(0)))
    return None


def _scan(sql: str) -> tuple[_Scan, str]:
    """Split ``sql`` into statements and placeholders; return the scan and the text with named binds."""
    scan = _Scan()
    out: list[str] = []
    index = code_start = 0
    next_index = 1

    def flush(upto: int) -> None:
        scan.code(sql[code_start:upto])
        out.append(sql[code_start:upto].replace(":", "\\:"))

    while index < len(sql):
        char = sql[index]
        skipped = _skip(sql, index)
        if skipped is not None:
            flush(index)
            kind, end = skipped
            if kind == "literal":
                scan.literal()
            out.append(sql[index:end].replace(":", "\\:"))
            index = code_start = end
            continue
        if char == "?":
            flush(index)
            numbered = _NUMBERED.match(sql, index)
            position = int(numbered.group(1)) if numbered else next_index
            end = numbered.end() if numbered else index + 1
            if position < 1:
                raise refused("placeholder ?0 is not valid")
            scan.placeholders.append(position)
            next_index = max(next_index, position + 1)
            scan.literal()
            out.append(f" :p{position} ")
            index = code_start = end
            continue
        index += 1
    flush(len(sql))
    return scan, "".join(out)


def _arguments(args: Any) -> tuple[Any, ...]:
    if args is None:
        return ()
    if isinstance(args, Mapping):
        raise TautulliDBError("api_sql: named arguments are not supported; use ? placeholders and a list",
                              op="api_sql", domain="api_sql")
    if isinstance(args, (str, bytes)) or not isinstance(args, Sequence):
        raise TautulliDBError("api_sql: args must be a list of values", op="api_sql", domain="api_sql")
    return tuple(args)


def check_query(query: Any, args: Any = None) -> CheckedQuery:
    """Check user SQL and its ``?`` arguments; return it ready to run, or refuse it.

    Raises:
        QueryRefusedError: more than one statement, or a statement that does not start as a read.
        TautulliDBError: arguments that do not fit the placeholders.
        AttributeError: ``query`` None (Tautulli fails there the same way).
        TypeError: ``query`` not a string.
    """
    if query is None:
        raise AttributeError("'NoneType' object has no attribute 'fetchall'")
    if not isinstance(query, str):
        raise TypeError(f"execute() argument 1 must be str, not {type(query).__name__}")
    values = _arguments(args)
    scan, named_sql = _scan(query)
    statements = ["".join(parts).strip() for parts in scan.statements]
    used = [s for s in statements if s]
    if len(used) > 1:
        raise refused("only one statement may be run")
    if not used:
        return CheckedQuery(sql=query, args=values, named_sql=named_sql, empty=True)
    first = re.match(r"[A-Za-z_]+", used[0])
    word = first.group(0).lower() if first else used[0][:1]
    if word not in _ALLOWED_FIRST_WORDS:
        raise refused(f"{word.upper()} is not a read-only statement")
    needed = max(scan.placeholders, default=0)
    if needed != len(values):
        raise TautulliDBError(
            f"api_sql: the statement uses {needed} placeholder(s) and {len(values)} argument(s) were given",
            op="api_sql", domain="api_sql",
        )
    named = {f"p{n}": values[n - 1] for n in set(scan.placeholders)}
    return CheckedQuery(sql=query, args=values, named_sql=named_sql, named_args=named)


def sqlite_only(query: Any) -> str | None:
    """Why ``query`` can only run on SQLite (a ``PRAGMA``, SQLite's catalogue tables), or None.

    Strings, quoted identifiers and comments are skipped, so ``'sqlite_master'`` as a value does not count.
    """
    if not isinstance(query, str):
        return None
    try:
        scan, _named = _scan(query)
    except TautulliDBError:
        return None
    code = " ".join("".join(parts) for parts in scan.statements)
    if re.match(r"\s*pragma(?![\w$])", code, re.IGNORECASE):
        return "PRAGMA is SQLite's own statement"
    found = _SQLITE_CATALOGUE.search(code)
    if found:
        return f"{found.group(1)} is SQLite's own catalogue"
    return None


def pragma_allowed(name: str | None, argument: str | None) -> bool:
    """Whether a pragma only reports: a known query pragma, or one whose argument names what to report on."""
    pragma = (name or "").lower()
    if argument is None:
        return pragma in _QUERY_PRAGMAS
    return pragma in _ARGUMENT_PRAGMAS


def authorizer(denials: list[str]) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    """A SQLite authorizer that lets only reads through; each denial's reason is appended to ``denials``."""

    def decide(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
        if action in (_SELECT, _READ, _RECURSIVE):
            return _OK
        if action == _FUNCTION:
            if (arg2 or "").lower() in _DENIED_FUNCTIONS:
                denials.append(f"the function {arg2} is not allowed")
                return _DENY
            return _OK
        if action == _PRAGMA:
            if pragma_allowed(arg1, arg2):
                return _OK
            denials.append(f"PRAGMA {arg1} may change the database")
            return _DENY
        denials.append("the statement would change the database or attach another")
        return _DENY

    return decide


def collect(names: Sequence[str], rows: Any) -> list[dict[str, Any]]:
    """Rows as dicts (a repeated name keeps its last value), refusing more than :data:`MAX_ROWS`."""
    result: list[dict[str, Any]] = []
    for row in rows:
        if len(result) >= MAX_ROWS:
            raise refused(f"the result has more than {MAX_ROWS} rows")
        result.append(dict(zip(names, row, strict=True)))
    return result


def time_limit() -> float:
    """Seconds the statement may run: :data:`TIME_LIMIT_SECONDS`, or less when the caller's deadline is sooner."""
    left = deadline.remaining()
    return TIME_LIMIT_SECONDS if left is None else max(0.001, min(TIME_LIMIT_SECONDS, left))
