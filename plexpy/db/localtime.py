"""SQLite's 'localtime' date arithmetic, with the time zone made explicit.

Pure functions (no driver import) that both paths register on their SQLite connections, so a graph bucket
or a date filter follows the configured zone instead of the process's ``TZ``. PostgreSQL gets the same
semantics from native ``AT TIME ZONE`` (see ``plexpy/db/sqlfuncs/``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["SQL_FUNCTIONS", "epoch_seconds", "tz_strftime"]


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def epoch_seconds(value: object) -> float | None:
    """Coerce a stored epoch value as SQLite's 'unixepoch' does: numbers and numeric text; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    try:
        return float(str(value).strip())
    except ValueError:
        return None


_BUCKET = 900  # zone offsets only change at quarter-hour boundaries in practice; checked per bucket anyway


@lru_cache(maxsize=131072)
def _bucket_offset(tz: str, bucket: int) -> int | None:
    """The zone's UTC offset (seconds) over a whole 15-minute bucket, or None if it changes inside it."""
    zone = _zone(tz)
    first = datetime.fromtimestamp(bucket * _BUCKET, UTC).astimezone(zone).utcoffset()
    last = datetime.fromtimestamp(bucket * _BUCKET + _BUCKET - 1, UTC).astimezone(zone).utcoffset()
    if first is None or first != last:
        return None
    return int(first.total_seconds())


def tz_strftime(fmt: str | None, epoch: object, tz: str | None) -> str | None:
    """``strftime(fmt, epoch, 'unixepoch', 'localtime')`` with 'localtime' meaning zone ``tz``."""
    seconds = epoch_seconds(epoch)
    if fmt is None or seconds is None:
        return None
    whole = int(seconds)
    zone_name = tz or "UTC"
    try:
        offset = _bucket_offset(zone_name, whole // _BUCKET)
        if offset is not None:
            return time.strftime(fmt, time.gmtime(whole + offset))
        moment = datetime.fromtimestamp(whole, UTC).astimezone(_zone(zone_name))
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime(fmt)


#: name → (number of arguments, function), registered on every SQLite connection of both paths.
SQL_FUNCTIONS = {"tz_strftime": (3, tz_strftime)}
