"""Fakes shared by the shim's tests: rows and paths placed by mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shim.modes import Mode
from shim.router import Paths

ROWS = [{"id": 1, "title": "Alpha", "plays": 3}, {"id": 2, "title": "Beta", "plays": 1}]


def paths_for(mode: Mode | str, answering: Callable[..., Any], compared: Callable[..., Any]) -> Paths:
    """Put ``answering`` on the path that answers in ``mode`` and ``compared`` on the other one."""
    if Mode(mode).answering == "legacy":
        return Paths(legacy=answering, sqlalchemy=compared)
    return Paths(legacy=compared, sqlalchemy=answering)
