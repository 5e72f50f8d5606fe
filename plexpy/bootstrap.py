"""Composition root: settings → executor, engine, twins, router. The only place that wires collaborators."""

from __future__ import annotations

import importlib
import importlib.util
import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from plexpy import config, context
from plexpy.config import Settings
from plexpy.db import backup_on_first_run, dual_write
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.db.write_verifier import SqliteWriteVerifier
from plexpy.domains import DOMAINS
from shim.breaker import attach as attach_breaker
from shim.clock import Clock
from shim.flags import FlagStore
from shim.judging import default_error_signature
from shim.operation import Operation
from shim.recheck import RecheckingRouter
from shim.report import LogPublisher, ReportRun
from shim.router import Paths, Router
from shim.runner import CandidatePool
from shim.sampling import Sampler

__all__ = ["Runtime", "build", "build_router", "error_signature", "implemented_domains"]


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
        """Route one call: name both twins' methods and let the router pick, run and compare."""
        legacy, sqla = self.twins[op.domain]
        name = op.name
        paths = Paths(legacy=_late(legacy, name), sqlalchemy=_late(sqla, name))
        return self.router.call(op, paths, arguments)

    def close(self) -> None:
        """Finish the router's reports, then close every connection."""
        close = getattr(self.router, "close", None)
        if close is not None:
            close()
        if self.executor is not None:
            self.executor.close()
        self.engine.dispose()


def _late(twin: Any, name: str) -> Callable[..., Any]:
    """``twin.name(**kwargs)``, looked up only when called (a missing twin fails only the path that runs)."""

    def call(**kwargs: Any) -> Any:
        return getattr(twin, name)(**kwargs)

    return call


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


def implemented_domains() -> list[str]:
    """The domains whose two twins (``legacy`` and ``sqla`` modules) exist, in canonical order."""
    found = []
    for domain in DOMAINS:
        try:
            both = all(importlib.util.find_spec(f"plexpy.domains.{domain}.{m}") for m in ("legacy", "sqla"))
        except ModuleNotFoundError:
            both = False
        if both:
            found.append(domain)
    return found


def error_signature(error: BaseException) -> Hashable:
    """How two raised errors are compared: database errors by class and driver cause class, others by message.

    The drivers word the same failure differently (``sqlite3`` vs SQLAlchemy), so a database error's
    message is not compared, as the oracle's rule 4 says.
    """
    if isinstance(error, TautulliDBError):
        cause = error.__cause__
        return (type(error).__name__, type(cause).__name__ if cause is not None else "")
    return default_error_signature(error)


def _data_version_probe(executor: SqliteExecutor) -> Callable[[], object]:
    """``PRAGMA data_version`` on this thread's connection: it changes when another connection commits."""

    def probe() -> object:
        return executor.connection().execute("PRAGMA data_version").fetchone()

    return probe


def build_router(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    publishers: Sequence[Any] | None = None,
    race_probe: Callable[[], object] | None = None,
    aa: bool = False,
    report_title: str = "Parity report",
    report_meta: Mapping[str, Any] | None = None,
    always_report: bool = False,
) -> Router:
    """The shim's router from ``settings.shim``: modes, sampling, candidate timeout, pool, reports.

    Publishers default to the structured log plus, when some domain is in a shadow mode, a parity report
    run under ``settings.shim.report_dir`` (created on its first event, or at once with ``always_report``).
    """
    shim = settings.shim
    flags = FlagStore(DOMAINS, shim.backends, sources=shim.sources)
    pool = CandidatePool(shim.pool_size, shim.queue_size) if shim.off_thread and shim.pool_size > 0 else None
    if publishers is None:
        publishers = [LogPublisher()]
        if flags.any_compared():
            modes = flags.as_dict()
            meta = {
                "modes": (f"every domain: {next(iter(modes.values()))}" if len(set(modes.values())) == 1 else
                          ", ".join(f"{d}={m}" for d, m in modes.items() if m != "legacy")),
                "database": settings.db.url.render_as_string(hide_password=True),
                "sample_rate": shim.sample_rate, "candidate_timeout_s": shim.candidate_timeout,
                "off_thread": pool is not None, "aa": aa, **dict(report_meta or {}),
            }
            publishers.append(ReportRun(shim.report_dir, clock=clock, title=report_title, meta=meta,
                                        always=always_report))
    router = RecheckingRouter(
        flags, sampler=Sampler(shim.sample_rate, rng=rng), publishers=publishers, clock=clock, rng=rng,
        candidate_timeout=shim.candidate_timeout, pool=pool, error_signature=error_signature,
        race_probe=race_probe, aa=aa, recheck=shim.recheck,
    )
    if shim.demote_failures:
        listeners = [config.demotion_recorder(settings)] if settings.config_path is not None else []
        attach_breaker(router, failures=shim.demote_failures, window=shim.demote_window, listeners=listeners)
    return router


def build(settings: Settings, *, router: Any = None, detect_races: bool = True) -> Runtime:
    """Wire a runtime from settings (and install its config as the process default).

    Args:
        settings: the validated configuration.
        router: a router to use instead of :func:`build_router`'s (replays pass their own).
        detect_races: classify mismatches of reads that raced a commit on another connection as ``raced``
            (SQLite ``PRAGMA data_version``).
    """
    cfg = settings.tautulli
    context.set_base_config(cfg, tz=settings.db.timezone)
    path = settings.db.sqlite_path
    backup_on_first_run.on_open(settings)  # once per database file, before anything opens it (see the module)
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
    if router is None:
        probe = _data_version_probe(executor) if executor is not None and detect_races else None
        router = build_router(settings, race_probe=probe)
    if executor is not None and hasattr(router, "write_verifier") and router.write_verifier is None:
        router.write_verifier = SqliteWriteVerifier(executor, engine, twin_factory=_load_twin)
    router = dual_write.attach(settings, router)  # unchanged unless second_db_url is set
    return Runtime(settings=settings, executor=executor, engine=engine, router=router, twins=twins)
