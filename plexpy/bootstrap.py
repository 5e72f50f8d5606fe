"""Composition root: settings → executor, engine, twins, router. The only place that wires collaborators."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from plexpy import context
from plexpy.config import Settings
from plexpy.db.engine import build_engine
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains import DOMAINS
from shim.modes import Mode
from shim.operation import Operation
from shim.router import Paths, Router

__all__ = ["Runtime", "build"]


@dataclass
class Runtime:
    """The wired objects of one process (or one replay)."""

    settings: Settings
    executor: SqliteExecutor | None
    engine: Engine
    router: Any
    twins: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    def twin(self, domain: str, path: str) -> Any:
        """The legacy or sqlalchemy twin of ``domain``."""
        legacy, sqla = self.twins[domain]
        return legacy if path == "legacy" else sqla

    def route(self, op: Operation, /, **arguments: Any) -> Any:
        """Route one call: build both paths and let the router pick, run and compare."""
        legacy, sqla = self.twins[op.domain]
        paths = Paths(
            legacy=functools.partial(getattr(legacy, op.name), **arguments),
            sqlalchemy=functools.partial(getattr(sqla, op.name), **arguments),
        )
        return self.router.call(op, paths, arguments)

    def close(self) -> None:
        """Close every connection."""
        if self.executor is not None:
            self.executor.close()
        self.engine.dispose()


class _MissingTwin:
    """Stands in for a domain whose twin does not exist yet: every call fails clearly."""

    def __init__(self, domain: str, path: str) -> None:
        self._domain = domain
        self._path = path

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"{self._domain}.{name} has no {self._path} implementation yet")


def _load_twin(domain: str, module: str, *args: Any) -> Any:
    try:
        mod = importlib.import_module(f"plexpy.domains.{domain}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"plexpy.domains.{domain}"):
            return _MissingTwin(domain, module)
        raise
    return mod.TWIN(*args)


def build(settings: Settings, *, router: Any = None) -> Runtime:
    """Wire a runtime from settings (and install its config as the process default)."""
    cfg = settings.tautulli
    context.set_base_config(cfg, tz=settings.db.timezone)
    path = settings.db.sqlite_path
    executor = None
    if path is not None:
        executor = SqliteExecutor(
            path, journal_mode=cfg["JOURNAL_MODE"], synchronous=cfg["SYNCHRONOUS_MODE"],
            cache_size_mb=cfg["CACHE_SIZEMB"],
        )
    engine = build_engine(
        settings.db.url, journal_mode=cfg["JOURNAL_MODE"], synchronous=cfg["SYNCHRONOUS_MODE"],
        cache_size_mb=cfg["CACHE_SIZEMB"],
    )
    twins = {
        domain: (
            _load_twin(domain, "legacy", executor) if executor is not None else _MissingTwin(domain, "legacy"),
            _load_twin(domain, "sqla", engine),
        )
        for domain in DOMAINS
    }
    modes: Mapping[str, Mode] = settings.shim.backends
    return Runtime(settings=settings, executor=executor, engine=engine, router=router or Router(modes), twins=twins)
