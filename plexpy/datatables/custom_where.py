"""``custom_where`` filters: the SQL-looking vocabulary Tautulli's pages send, recognised and made structured.

Tautulli pastes each ``[expression, value]`` pair into SQL (``datatables.build_custom_where``). Here the
expression is *recognised* instead: a column (``session_history.user_id``, a bare name such as
``media_type_live``) or the local-date expression
``strftime('%Y-%m-%d', datetime(started, 'unixepoch', 'localtime'))``, followed by an optional operator
(`` IN``, `` LIKE``, ``<``, ``>``) and an optional `` OR`` suffix. Each pair becomes a :class:`Condition` of
:class:`Term` objects that each path renders itself with bound values; no input text ever reaches SQL except
identifiers that match ``[A-Za-z_][A-Za-z0-9_]*``.

Tautulli's rules, kept: a list value becomes ``IN (...)`` after `` IN`` and an OR group otherwise; ``<`` and
``>`` are inclusive (``<=``/``>=``); None means ``IS NULL``; an entry ending in ``OR`` is joined to the next
with OR instead of AND (SQL precedence: AND binds first). Input Tautulli's SQL would fail on (an empty IN
list, a list bound as a value, ``LIKE IS NULL``) raises :class:`CustomWhereFailure`, which callers turn into
Tautulli's fallback answer; anything outside the vocabulary raises :class:`CustomWhereError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "Column",
    "Condition",
    "CustomWhere",
    "CustomWhereError",
    "CustomWhereFailure",
    "LocalDate",
    "Term",
    "parse",
    "sqlite_numeric",
    "sqlite_text",
    "with_guest",
]

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_COLUMN = re.compile(rf"(?:(?P<table>{_IDENT})\.)?(?P<name>{_IDENT})")
_LOCAL_DATE = re.compile(
    r"strftime\(\s*'(?P<fmt>[^']*)'\s*,\s*datetime\(\s*(?P<column>" + _IDENT + r")\s*,\s*'unixepoch'\s*,"
    r"\s*'localtime'\s*\)\s*\)",
    re.IGNORECASE,
)
_DATE_FORMAT = re.compile(r"(?:%[YmdHMS]|[-:/ T])+")
_DATE_COLUMNS = frozenset({"started", "stopped"})
_NUMERIC = re.compile(r"[ \t\n\r\f\v]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\f\v]*")
_INTEGER = re.compile(r"[ \t\n\r\f\v]*[+-]?[0-9]+[ \t\n\r\f\v]*")
_INT64 = (-(2**63), 2**63 - 1)


class CustomWhereError(ValueError):
    """A ``custom_where`` entry outside the recognised vocabulary (refused, never run)."""


class CustomWhereFailure(Exception):
    """Input that Tautulli accepts but whose SQL fails; the caller answers as Tautulli does on a query error.

    ``at_build`` marks failures Tautulli hits while *building* the WHERE clause (a malformed entry), which
    ``get_total_duration`` does not catch.
    """

    def __init__(self, message: str, *, at_build: bool = False) -> None:
        super().__init__(message)
        self.at_build = at_build


@dataclass(frozen=True, slots=True)
class Column:
    """A column reference: ``table.name``, or a bare ``name`` resolved the way SQLite resolves it."""

    table: str | None
    name: str


@dataclass(frozen=True, slots=True)
class LocalDate:
    """``strftime(fmt, datetime(column, 'unixepoch', 'localtime'))``: a column's local date text."""

    fmt: str
    column: str


Target = Column | LocalDate


@dataclass(frozen=True, slots=True)
class Term:
    """One comparison: ``kind`` is ``eq``, ``le``, ``ge``, ``like``, ``in`` or ``null``."""

    target: Target
    kind: str
    values: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``custom_where`` entry: its terms are ORed; ``or_next`` joins it to the next entry with OR."""

    terms: tuple[Term, ...]
    or_next: bool = False


@dataclass(frozen=True, slots=True)
class CustomWhere:
    """A parsed ``custom_where`` list."""

    conditions: tuple[Condition, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def groups(self) -> list[list[Condition]]:
        """The conditions as OR-joined groups of AND-joined conditions (SQL precedence)."""
        groups: list[list[Condition]] = [[]]
        for index, condition in enumerate(self.conditions):
            groups[-1].append(condition)
            if condition.or_next and index < len(self.conditions) - 1:
                groups.append([])
        return groups

    def anded(self) -> CustomWhere:
        """Every entry joined with AND: what Tautulli's caller list holds once its ``OR`` suffixes were stripped."""
        return CustomWhere(tuple(replace(c, or_next=False) for c in self.conditions))

    def unqualified(self) -> CustomWhere:
        """Table prefixes dropped (``session_history.user_id`` → ``user_id``), as Tautulli filters live sessions."""
        return CustomWhere(tuple(
            replace(c, terms=tuple(replace(t, target=_unqualified(t.target)) for t in c.terms))
            for c in self.conditions
        ))

    def targets(self) -> list[Target]:
        """Every target the filter compares, in order."""
        return [t.target for c in self.conditions for t in c.terms]


def _unqualified(target: Target) -> Target:
    return Column(None, target.name) if isinstance(target, Column) else target


def _target(text: str) -> Target:
    stripped = text.strip()
    found = _COLUMN.fullmatch(stripped)
    if found:
        table = found.group("table")
        return Column(table.lower() if table else None, found.group("name").lower())
    found = _LOCAL_DATE.fullmatch(stripped)
    if found:
        fmt, column = found.group("fmt"), found.group("column").lower()
        if _DATE_FORMAT.fullmatch(fmt) and column in _DATE_COLUMNS:
            return LocalDate(fmt, column)
    raise CustomWhereError(f"custom_where expression {text!r} is not one the history filters recognise")


def _split(expression: str) -> tuple[Target, str]:
    if expression.endswith(" IN"):
        return _target(expression[:-3]), "in"
    if expression.endswith(" LIKE"):
        return _target(expression[:-5]), "like"
    if expression.endswith("<"):
        return _target(expression[:-1]), "le"
    if expression.endswith(">"):
        return _target(expression[:-1]), "ge"
    return _target(expression), "eq"


def _bindable(value: Any) -> Any:
    if value is None or isinstance(value, (str, float, bytes)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise CustomWhereFailure("integer value out of SQLite's range")
        return value
    raise CustomWhereFailure(f"a {type(value).__name__} value cannot be bound as a query parameter")


def _term(target: Target, operator: str, value: Any) -> Term:
    if value is None:
        if operator != "eq":
            raise CustomWhereFailure("IS NULL after an operator is a syntax error")
        return Term(target, "null")
    return Term(target, operator, (_bindable(value),))


def _condition(entry: Any) -> Condition:
    if not isinstance(entry, list):
        raise CustomWhereFailure("each custom_where entry must be a [expression, value] list", at_build=True)
    if len(entry) < 2:
        raise CustomWhereFailure("a custom_where entry needs an expression and a value", at_build=True)
    raw, value = entry[0], entry[1]
    if not isinstance(raw, str):
        raise CustomWhereFailure("a custom_where expression must be text", at_build=True)
    or_next = raw.endswith("OR")
    target, operator = _split(raw.rstrip(" OR"))
    if isinstance(value, (list, tuple)) and value:
        if operator == "in":
            return Condition((Term(target, "in", tuple(_bindable(v) for v in value)),), or_next)
        return Condition(tuple(_term(target, operator, v) for v in value), or_next)
    if operator == "in":
        raise CustomWhereFailure("IN needs a non-empty list")
    return Condition((_term(target, operator, value),), or_next)


def parse(custom_where: Any) -> CustomWhere:
    """Recognise a ``custom_where`` list (None or empty means no filter).

    Raises:
        CustomWhereError: an expression outside the vocabulary.
        CustomWhereFailure: input Tautulli accepts but whose query fails.
    """
    if custom_where is None:
        return CustomWhere()
    if not isinstance(custom_where, (list, tuple)):
        raise CustomWhereFailure("custom_where must be a list of [expression, value] entries", at_build=True)
    return CustomWhere(tuple(_condition(entry) for entry in custom_where))


def with_guest(custom_where: Any, guest_id: str | None) -> list[Any]:
    """A copy of ``custom_where`` with a guest's own id added to its user filter (Tautulli's rule).

    The first entry whose expression mentions ``user_id`` gets the guest's id added to its list (a single
    value becomes a two-item list); without one, ``session_history.user_id = guest`` is appended. Unlike
    Tautulli, the caller's list is left unchanged.

    Raises:
        CustomWhereError: an entry that is not an ``[expression, value]`` list.
    """
    if not guest_id and not isinstance(custom_where, (list, tuple)):
        return custom_where or []  # Tautulli iterates it inside its query's error handling: parse refuses it there
    entries = [list(w) if isinstance(w, (list, tuple)) else w for w in (custom_where or [])]
    if not guest_id:
        return entries
    for index, entry in enumerate(entries):
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            raise CustomWhereError("each custom_where entry must be an [expression, value] list")
        if "user_id" in entry[0]:
            if len(entry) > 1 and isinstance(entry[1], list) and guest_id not in entry[1]:
                entries[index] = [entry[0], [*entry[1], guest_id], *entry[2:]]
            elif len(entry) > 1 and isinstance(entry[1], str) and entry[1] != guest_id:
                entries[index] = [entry[0], [entry[1], guest_id], *entry[2:]]
            return entries
    entries.append(["session_history.user_id", [guest_id]])
    return entries


def sqlite_numeric(value: Any) -> int | float | None:
    """The number SQLite's numeric affinity makes of ``value``, or None when it stays text.

    Text converts when it is a well-formed decimal literal (surrounding ASCII whitespace allowed); hex,
    ``inf`` and ``1_000`` stay text, as in SQLite.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        if _INTEGER.fullmatch(value):
            number = int(value.strip())
            return number if _INT64[0] <= number <= _INT64[1] else float(number)
        return float(value.strip())
    return None


def sqlite_text(value: Any) -> Any:
    """``value`` as SQLite's TEXT affinity stores or compares it (numbers become their SQLite text)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _real_text(value)
    return value


def _real_text(value: float) -> str:
    """SQLite's ``%!.15g`` rendering of a REAL."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    text = format(value, ".15g")
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa

