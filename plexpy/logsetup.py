"""structlog configuration: key/value events, redaction before rendering, JSON off a TTY, console on one."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog

from shim.redact import structlog_processor

__all__ = ["configure"]


def configure(*, level: str = "WARNING", stream: TextIO | None = None, json: bool | None = None) -> None:
    """Configure structlog once for the process (the CLI and tests call it).

    Args:
        level: minimum level to emit.
        stream: where lines go (default: standard error, so command output stays clean).
        json: force JSON (True) or console (False) rendering; default: JSON unless ``stream`` is a TTY.
    """
    out = stream if stream is not None else sys.stderr
    as_json = (not out.isatty()) if json is None else json
    renderer: Any = structlog.processors.JSONRenderer(sort_keys=True) if as_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.WARNING)),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
