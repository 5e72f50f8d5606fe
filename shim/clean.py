"""Cleaning on the way out: redact, then trim, so an event or report stays small and safe.

Scientist's rule: cleaning never feeds comparison. The router compares raw results and only cleans what it
publishes (arguments, differences, error messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shim.redact import redact, redact_text

__all__ = ["MAX_ITEMS", "MAX_TEXT", "clean", "clean_text", "trim"]

MAX_TEXT = 400
MAX_ITEMS = 40


def _trim_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…(+{len(text) - limit} chars)"


def trim(value: Any, *, max_text: int = MAX_TEXT, max_items: int = MAX_ITEMS, _depth: int = 0) -> Any:
    """Shorten long strings and long lists or mappings (marking what was left out); keep the shape."""
    if _depth > 12:
        return "…"
    if isinstance(value, str):
        return _trim_text(value, max_text)
    if isinstance(value, Mapping):
        items = list(value.items())
        out = {str(k): trim(v, max_text=max_text, max_items=max_items, _depth=_depth + 1)
               for k, v in items[:max_items]}
        if len(items) > max_items:
            out["…"] = f"+{len(items) - max_items} keys"
        return out
    if isinstance(value, (list, tuple)):
        shown = [trim(v, max_text=max_text, max_items=max_items, _depth=_depth + 1) for v in value[:max_items]]
        if len(value) > max_items:
            shown.append(f"…(+{len(value) - max_items} items)")
        return shown
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _trim_text(repr(value), max_text)


def clean(value: Any) -> Any:
    """Redact secrets, then trim: the form in which a value may leave the shim."""
    return trim(redact(value))


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """Redact and trim one string (None stays None)."""
    return None if text is None else _trim_text(redact_text(text), limit)
