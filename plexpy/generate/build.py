"""The entry point: :func:`generate` and its :class:`GenerateResult`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plexpy.generate.builder import _Builder
from plexpy.generate.constants import ANCHOR, Progress
from plexpy.generate.load import _create_schema, _load


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """What :func:`generate` built."""

    path: Path
    seed: int
    sessions: int
    plays: int
    users: int
    items: int
    now: int
    tz: str
    seconds: float
    counts: Mapping[str, int]


def generate(
    out: str | Path,
    *,
    sessions: int = 10_000,
    seed: int = 42,
    now: int = ANCHOR,
    tz: str = "UTC",
    months: int = 18,
    users: int | None = None,
    overwrite: bool = False,
    with_indexes: bool = False,
    progress: Progress | None = None,
) -> GenerateResult:
    """Build a database of ``sessions`` history rows at ``out``.

    Args:
        out: the file to create.
        sessions: ``session_history`` rows (a resumed play is several rows sharing a ``reference_id``).
        seed: the seed of the one ``random.Random`` every value comes from.
        now: the epoch the history ends at (a few streams are still playing then).
        tz: the zone whose evenings and weekends the plays follow.
        months: how far back the history goes.
        users: how many users (default: grows with the square root of ``sessions``, 10 to 500).
        overwrite: replace an existing file instead of refusing.
        with_indexes: also create the project's performance indexes (revision 0016, ``plexpy.db.perf_indexes``),
            as ``tautulli-db migrate`` would; without, the file has Tautulli's own indexes only.
        progress: called with (phase, history rows written so far) while building.

    Raises:
        FileExistsError: ``out`` exists and ``overwrite`` is false.
        ValueError: a negative size, an empty history window or an unknown time zone.
    """
    started = time.perf_counter()
    path = Path(out)
    if sessions < 0 or months < 1 or (users is not None and users < 1):
        raise ValueError("sessions must be >= 0, months and users >= 1")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists (pass overwrite=True to replace it)")
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    report = progress or (lambda _phase, _done: None)
    report("catalogue", 0)
    _create_schema(path)
    builder = _Builder(seed, sessions, now, tz, months, users)
    builder.catalogue()
    user_rows, devices = builder.people()
    report("plays", 0)
    builder.plays(devices)
    written, counts = _load(path, builder, user_rows, devices, report, with_indexes=with_indexes)
    return GenerateResult(path=path, seed=seed, sessions=written, plays=len(builder.p_user),
                          users=len(user_rows), items=len(builder.items), now=now, tz=tz,
                          seconds=time.perf_counter() - started, counts=counts)
