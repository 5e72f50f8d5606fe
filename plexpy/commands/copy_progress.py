"""Rich rendering of ``copy``/``reconcile`` progress ticks (:class:`TableProgress`)."""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from plexpy.commands.copy_results import CopyProgress
from shim.reconcile import ReconcileProgress

__all__ = ["TableProgress"]


class TableProgress:
    """A rich progress display, one bar per table and phase; pass the instance as ``progress``.

    Use as a context manager around the command: ``with TableProgress() as bar: copy(..., progress=bar)``.
    """

    def __init__(self, **progress_kwargs: Any) -> None:
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), **progress_kwargs)
        self._tasks: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> TableProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, tick: CopyProgress | ReconcileProgress) -> None:
        """Show one tick."""
        key = (tick.table, tick.phase)
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(f"{tick.phase} {tick.table}", total=max(tick.total, 1))
        self._progress.update(self._tasks[key], completed=tick.done, total=max(tick.total, 1))
