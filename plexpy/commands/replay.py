"""Replay recorded Tautulli calls against this project's facades and judge each result.

The conformance tool: every record of ``calls.jsonl`` runs through ``plexpy`` with the record's clock, time
zone, guest session, config and Plex responses, on a copy of the recorded database, and is compared with the
result the real Tautulli returned (rules in ``shim.compare``).

In ``shadow`` or ``reverse-shadow`` mode the shim's router runs both paths for every record, so each record
yields a parity event (legacy vs SQLAlchemy) and an oracle verdict; both go to a parity report run.

With ``url`` (PostgreSQL) the recorded database is first loaded into a fresh schema of that server
(``plexpy.commands.replay_pg``) and the SQLAlchemy twins answer there; records that are SQLite by nature are
counted as *not applicable* when they raise a ``TautulliDBError``, with the reason.
"""

from __future__ import annotations

import importlib
import json
import shutil
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from plexpy import bootstrap, config, context, runtime
from plexpy.db.errors import TautulliDBError
from plexpy.domains import DOMAINS
from plexpy.plex import RecordedPlex
from shim.compare import compare_results, to_jsonable
from shim.redact import redact_text

__all__ = [
    "RECORDED_PMS",
    "SHIM_SETTINGS",
    "RecordResult",
    "ReplayResult",
    "call_target",
    "load_records",
    "replay_calls",
]

#: Shim settings a replay may override (names of ``plexpy.config.SETTINGS``).
SHIM_SETTINGS = ("sample_rate", "candidate_timeout", "off_thread", "pool_size", "queue_size", "report_dir")

#: Config values the recording Tautulli had besides each record's own keys (see the sample README).
RECORDED_PMS = {
    "PMS_IDENTIFIER": "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
    "PMS_URL": "http://pms.oracle.invalid:32400",
    "PMS_UUID": "0f0e0d0c0b0a09080706050403020100",
}


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The verdict on one record."""

    id: str
    domain: str
    target: str
    passed: bool
    difference: str | None
    seconds: float
    tolerances: Mapping[str, int] = field(default_factory=dict)
    not_applicable: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The record's line in ``--json`` output."""
        verdict = "pass" if self.passed else "not applicable" if self.not_applicable else "fail"
        return {
            "id": self.id, "domain": self.domain, "target": self.target,
            "verdict": verdict, "difference": self.difference or self.not_applicable,
            "seconds": round(self.seconds, 6), "tolerances": dict(self.tolerances),
        }


@dataclass(slots=True)
class ReplayResult:
    """Every record's verdict, with per-domain figures."""

    results: list[RecordResult]
    backend: str
    mode: str | None = None
    report_dir: Path | None = None
    parity: Mapping[str, Any] | None = None
    dialect: str = "sqlite"

    @property
    def parity_failures(self) -> int:
        """Shadowed calls that did not match (mismatch, wrong type, candidate or shim error, timeout, shed)."""
        if not self.parity:
            return 0
        totals = self.parity.get("totals", {})
        return sum(int(totals.get(k, 0)) for k in ("mismatches", "wrong_type", "candidate_errors", "shim_errors",
                                                  "timeouts", "shed"))

    @property
    def passed(self) -> int:
        """Records whose result matched."""
        return sum(r.passed for r in self.results)

    @property
    def not_applicable(self) -> list[RecordResult]:
        """Records SQLite-only by nature that raised a database error on this backend, as they must."""
        return [r for r in self.results if r.not_applicable]

    @property
    def failed(self) -> int:
        """Records that did not match (or whose target does not exist), not counting the not applicable."""
        return len(self.results) - self.passed - len(self.not_applicable)

    def by_domain(self) -> list[dict[str, Any]]:
        """Per-domain rows: records, passed, failed, median call time in ms, tolerances applied."""
        groups: dict[str, list[RecordResult]] = defaultdict(list)
        for r in self.results:
            groups[r.domain].append(r)
        rows = []
        for domain in sorted(groups, key=lambda d: DOMAINS.index(d) if d in DOMAINS else len(DOMAINS)):
            items = groups[domain]
            tolerances: Counter[str] = Counter()
            for r in items:
                tolerances.update(r.tolerances)
            rows.append({
                "domain": domain, "records": len(items), "passed": sum(r.passed for r in items),
                "failed": sum(not r.passed and not r.not_applicable for r in items),
                "not_applicable": sum(bool(r.not_applicable) for r in items),
                "median_ms": round(statistics.median(r.seconds for r in items) * 1000, 3),
                "tolerances": dict(tolerances),
            })
        return rows


def load_records(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file of records."""
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def resolve_target(target: str) -> Callable[..., Any]:
    """``module:Class.method`` (a fresh ``Class()``) or ``module:function`` → a callable.

    Raises:
        LookupError: the module, class or function does not exist in this project.
    """
    module_name, _, attr_path = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise LookupError(f"{target}: module {module_name} is not implemented") from exc
    obj: Any = module
    parts = attr_path.split(".")
    for index, part in enumerate(parts):
        if not hasattr(obj, part):
            raise LookupError(f"{target}: {'.'.join(parts[: index + 1])} is not implemented")
        obj = getattr(obj, part)
        if isinstance(obj, type) and index < len(parts) - 1:
            obj = obj()
    if not callable(obj):
        raise LookupError(f"{target} is not callable")
    return obj  # type: ignore[no-any-return]


def call_target(target: str, kwargs: Mapping[str, Any]) -> Any:
    """Import and call a record's target with its keyword arguments."""
    return resolve_target(target)(**dict(kwargs))


def record_config(record: Mapping[str, Any], data_dir: Path) -> dict[str, Any]:
    """The config overlay of a record: the recording server's values, then the record's own keys."""
    overlay: dict[str, Any] = dict(RECORDED_PMS)
    for key, value in (record.get("config") or {}).items():
        overlay[key] = config.resolve_tautulli_value(key, value, data_dir)
    return overlay


@contextmanager
def record_context(record: Mapping[str, Any], data_dir: Path) -> Iterator[None]:
    """Set the call context of one record: frozen clock, zone, guest, config overlay and Plex answers."""
    with context.call_context(
        now=record.get("now"), tz=record.get("tz") or "UTC", session=record.get("session"),
        config=record_config(record, data_dir), plex=RecordedPlex(record.get("pms") or []),
    ):
        yield


def _error_name(exc: BaseException) -> str:
    cause = exc.__cause__ if isinstance(exc, TautulliDBError) and exc.__cause__ is not None else exc
    return type(cause).__name__


def judge(record: Mapping[str, Any], outcome: Any, error: BaseException | None) -> tuple[str | None, Counter[str]]:
    """Compare one call's outcome with its record; return the first difference (None when equal)."""
    expected_raise = record.get("raises")
    if expected_raise:
        if error is None:
            return f"expected {expected_raise['type']} to be raised, got a result", Counter()
        if _error_name(error) != expected_raise["type"]:
            return f"raised {_error_name(error)}: {error}, expected {expected_raise['type']}", Counter()
        if not isinstance(error, TautulliDBError) and str(error) != expected_raise.get("message", str(error)):
            return f"message {str(error)!r} != {expected_raise.get('message')!r}", Counter()
        return None, Counter()
    if error is not None:
        return f"raised {type(error).__name__}: {error}", Counter()
    try:
        actual = to_jsonable(outcome)
    except (TypeError, ValueError) as exc:
        return f"result is not JSON-serialisable: {exc}", Counter()
    difference, tolerances = compare_results(record["result"], actual, ordered=bool(record.get("ordered", True)))
    return (str(difference) if difference else None), tolerances


def _copy_database(source: Path, workdir: Path) -> Path:
    target = workdir / "tautulli.db"
    shutil.copy2(source, target)
    for suffix in ("-wal", "-shm"):
        side = source.with_name(source.name + suffix)
        if side.exists():
            shutil.copy2(side, target.with_name(target.name + suffix))
    return target


def replay_calls(
    calls: str | Path,
    db: str | Path,
    *,
    backend: str = "legacy",
    domains: Sequence[str] | None = None,
    mode: str | None = None,
    records: Iterable[Mapping[str, Any]] | None = None,
    router_factory: Callable[[config.Settings], Any] | None = None,
    progress: Callable[[RecordResult], None] | None = None,
    shim: Mapping[str, Any] | None = None,
    aa: bool = False,
    declare: Sequence[str] | None = None,
    not_implemented: Sequence[str] = (),
    report_title: str = "Parity report: replay of recorded calls",
    url: str | None = None,
) -> ReplayResult:
    """Replay recorded read calls on a copy of ``db``.

    Args:
        calls: the JSON-lines file of records.
        db: the recorded database (never modified: a copy is used).
        backend: ``legacy`` or ``sqlalchemy``: which path answers every domain.
        domains: only records of these domains (default: all).
        mode: a routing mode for every domain (``shadow`` …) instead of ``backend``.
        records: records to use instead of reading ``calls``.
        router_factory: builds the router from settings (default: the shim's router with a parity report run
            in shadow modes, without race detection: nothing else writes during a replay).
        progress: called after each record.
        shim: shim settings for this replay (``sample_rate``, ``candidate_timeout``, ``off_thread``,
            ``pool_size``, ``queue_size``, ``report_dir``). Unless ``queue_size`` is given, the off-thread queue
            holds the whole replay: a conformance run compares every call instead of shedding.
        aa: A/A run: the compared path is the answering path again (measures the comparison's own noise).
        declare: domains the parity report shows even without calls (default: the selected records' domains).
        not_implemented: domains the report lists as not implemented yet.
        report_title: the parity report's title.
        url: a PostgreSQL URL: ``db`` is loaded into a fresh schema there (dropped at the end) and the
            SQLAlchemy twins answer every record on it (``backend`` must be ``sqlalchemy``, no ``mode``).

    Raises:
        ConfigError: an unknown backend, mode or domain, or ``url`` with the legacy backend or a mode.
    """
    chosen = mode or backend
    unknown = [d for d in (domains or ()) if d not in DOMAINS]
    if unknown:
        raise config.ConfigError(f"unknown domain(s) {', '.join(unknown)}; valid domains: {', '.join(DOMAINS)}")
    unknown_shim = sorted(set(shim or {}) - set(SHIM_SETTINGS))
    if unknown_shim:
        raise config.ConfigError(
            f"unknown shim setting(s) {', '.join(unknown_shim)}; valid: {', '.join(SHIM_SETTINGS)}"
        )
    if url is not None and (mode is not None or backend != "sqlalchemy"):
        raise config.ConfigError("--url runs the sqlalchemy twins: use --backend sqlalchemy without --mode "
                                 "(the legacy twins read SQLite only)")
    all_records = list(records) if records is not None else load_records(calls)
    selected = [r for r in all_records if not domains or r.get("domain") in domains]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tautulli-db-replay-")))
        if url is None:
            db_url, dialect = f"sqlite:///{_copy_database(Path(db), workdir)}", "sqlite"
        else:
            from plexpy.commands.replay_pg import loaded_into_postgresql  # noqa: PLC0415 - PostgreSQL only

            db_url = stack.enter_context(loaded_into_postgresql(db, url)).render_as_string(hide_password=False)
            dialect = "postgresql"
        shim_overrides = {k: v for k, v in (shim or {}).items() if v is not None}
        shim_overrides.setdefault("queue_size", max(64, len(selected)))
        settings = config.load(None, environ={}, overrides={
            **shim_overrides,
            "db_url": db_url, "data_dir": str(workdir), "timezone": "UTC",
            "backends": {"default": chosen},
        })
        if router_factory is not None:
            router = router_factory(settings)
        else:
            where = "" if url is None else " in PostgreSQL"
            meta = {"database": f"a copy of {Path(db).name}{where}", "records": len(selected),
                    "calls file": Path(calls).name}
            router = bootstrap.build_router(settings, aa=aa, always_report=True, report_title=report_title,
                                            report_meta=meta)
        rt = bootstrap.build(settings, router=router)
        stack.callback(rt.close)
        stack.enter_context(runtime.use(rt))
        if hasattr(router, "declare"):
            seen = list(dict.fromkeys(str(r.get("domain")) for r in selected))
            router.declare(declare if declare is not None else seen, not_implemented=not_implemented)
        results = []
        for record in selected:
            result = _replay_one(record, workdir, dialect)
            results.append(result)
            _record_oracle_check(router, result)
            if progress is not None:
                progress(result)
        report_dir = getattr(router, "finish", lambda: None)()
    parity = None
    if report_dir is not None and (Path(report_dir) / "summary.json").exists():
        parity = json.loads((Path(report_dir) / "summary.json").read_text(encoding="utf-8"))
    return ReplayResult(results=results, backend=backend, mode=mode, report_dir=report_dir, parity=parity,
                        dialect=dialect)


def _record_oracle_check(router: Any, result: RecordResult) -> None:
    """Give the oracle's verdict on a record to the parity report (operation = the target's method name)."""
    record_check = getattr(router, "record_check", None)
    if record_check is not None:
        operation = result.target.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
        record_check(result.domain, operation, "oracle", result.passed, detail=result.difference, ref=result.id)


def _replay_one(record: Mapping[str, Any], workdir: Path, dialect: str = "sqlite") -> RecordResult:
    base = {"id": str(record.get("id")), "domain": str(record.get("domain")), "target": str(record.get("target"))}
    try:
        func = resolve_target(str(record["target"]))
    except LookupError as exc:
        return RecordResult(**base, passed=False, difference=f"not implemented: {exc}", seconds=0.0)
    outcome: Any = None
    error: BaseException | None = None
    with record_context(record, workdir), structlog.contextvars.bound_contextvars(record=base["id"]):
        started = time.perf_counter()
        try:
            outcome = func(**dict(record.get("kwargs") or {}))
        except Exception as exc:
            error = exc
        seconds = time.perf_counter() - started
        difference, tolerances = judge(record, outcome, error)
    if dialect != "sqlite":
        from plexpy.commands.replay_pg import sqlite_only_reason  # noqa: PLC0415 - PostgreSQL only

        reason = sqlite_only_reason(record)
        if reason is not None:
            if isinstance(error, TautulliDBError):
                return RecordResult(**base, passed=False, difference=None, seconds=seconds,
                                    not_applicable=f"{reason}: {error}")
            difference = f"SQLite only ({reason}): expected a TautulliDBError on {dialect}, got " + (
                f"{type(error).__name__}: {error}" if error is not None else "a result")
    shown = redact_text(difference) if difference else None  # printed and written: never a secret in clear
    return RecordResult(**base, passed=difference is None, difference=shown, seconds=seconds,
                        tolerances=dict(tolerances))
