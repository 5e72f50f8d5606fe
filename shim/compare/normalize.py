"""Normalisation before comparison, and the named tolerances a comparison may apply.

Results are compared the way the oracle records were made: through JSON (tuples become lists, dictionary keys
strings, sets sorted lists). Every latitude the comparator takes is a :class:`Tolerance` with a name that
reports count and ``docs/comparison_rules.md`` explains. Redaction never happens here.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ERROR_SIGNATURE",
    "FLOAT_CLOSE",
    "FLOAT_REL",
    "INT_FLOAT",
    "TIE_ORDER",
    "TOLERANCES",
    "UNORDERED_ROWS",
    "Tolerance",
    "canonical",
    "numbers_equal",
    "to_jsonable",
]

FLOAT_REL = 1e-9


@dataclass(frozen=True, slots=True)
class Tolerance:
    """A named, documented latitude of the comparator."""

    name: str
    description: str


INT_FLOAT = Tolerance("int_float", "an int and a float of equal value are equal (1 == 1.0)")
FLOAT_CLOSE = Tolerance("float_close", "floats equal within a relative 1e-9")
UNORDERED_ROWS = Tolerance(
    "unordered_rows", "rows of a call whose query defines no order are compared as a multiset"
)
TIE_ORDER = Tolerance(
    "tie_order", "rows that tie on every ORDER BY key are compared as a multiset within each tie group"
)
ERROR_SIGNATURE = Tolerance(
    "error_signature", "two raised exceptions are equal when their signatures are (class and the driver cause's "
    "class for database errors, whose messages differ by driver; class and normalised message otherwise)"
)
TOLERANCES: dict[str, Tolerance] = {
    t.name: t for t in (INT_FLOAT, FLOAT_CLOSE, UNORDERED_ROWS, TIE_ORDER, ERROR_SIGNATURE)
}


def _default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda v: (str(type(v)), v))
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if hasattr(value, "_asdict"):
        return value._asdict()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_jsonable(value: Any) -> Any:
    """Round-trip through JSON as the records were made (tuples → lists, keys → strings, sets → sorted)."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False, allow_nan=True))


def numbers_equal(a: float, b: float) -> bool:
    """Numeric equality: exact for ints, relative 1e-9 for floats; NaN equals NaN."""
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    return math.isclose(a, b, rel_tol=FLOAT_REL, abs_tol=0.0)


def _canonical_number(value: float) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return float(f"{value:.9g}")
    return value


def canonical(value: Any) -> str:
    """A hashable text form under which equal values (by the comparator's rules) usually coincide.

    Used to match multiset rows quickly; pairs it fails to match are re-checked with the full rules.
    """

    def walk(v: Any) -> Any:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)):
            return _canonical_number(v)
        if isinstance(v, dict):
            return {k: walk(v[k]) for k in sorted(v)}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return json.dumps(walk(value), sort_keys=True, ensure_ascii=False)
