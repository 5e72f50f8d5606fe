"""The router: runs the answering path for the caller and, in a shadow mode, compares the other path with it.

Scientist's rules, and what its users asked for:

- the answering path's value or exception reaches the caller unchanged (the same object);
- the compared path's exception, timeout or wrong type is recorded, never raised;
- both are timed with the injected clock; sampling decides per domain and operation whether to compare;
- the compared path runs under a deadline (``shim.deadline``) that the executors enforce on statements;
- reads may compare off the caller's thread on a bounded pool (shedding, not blocking, when it is full),
  with the caller's ``contextvars`` copied; the order of the two runs is drawn from an injected
  ``random.Random``; writes run inline and, until write verification exists, only on the answering path;
- failures inside the shim (compare, publish …) go to :meth:`Router.raised`: logged, counted, never raised.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import structlog

from shim import deadline
from shim.clean import clean, clean_text
from shim.clock import Clock, SystemClock
from shim.flags import FlagStore
from shim.judging import ErrorSignature, default_error_signature, describe_error, judge, snapshot
from shim.modes import Mode
from shim.observation import SAMPLED_OUT, Comparison, Observation, Outcome, ParityEvent
from shim.operation import Kind, Operation
from shim.runner import CandidatePool, Handoff, Watchdog
from shim.sampling import Sampler
from shim.writes import ChangeBox, WriteVerifier

__all__ = ["WRITE_PENDING", "Paths", "Router"]

log = structlog.get_logger(__name__)

#: Why a write's compared path does not run yet (write verification comes with its own issue).
WRITE_PENDING = "write verification not implemented yet: only the answering path ran"


@dataclass(frozen=True, slots=True)
class Paths:
    """The two implementations of one operation; each is called with the call's keyword arguments."""

    legacy: Callable[..., Any]
    sqlalchemy: Callable[..., Any]

    def get(self, name: str) -> Callable[..., Any]:
        """The path called ``name`` ('legacy' or 'sqlalchemy')."""
        return self.legacy if name == "legacy" else self.sqlalchemy


@dataclass(frozen=True, slots=True)
class _Call:
    op: Operation
    mode: Mode
    answering: str
    compared: str
    arguments: Mapping[str, Any]
    context: Mapping[str, Any]
    threaded: bool = False
    ordered: bool | None = None
    tie_keys: tuple[str, ...] | None = None


class Router:
    """Routes each call by its domain's mode and, in shadow modes, publishes one parity event per call."""

    def __init__(
        self,
        modes: Mapping[str, Mode] | FlagStore,
        *,
        sampler: Sampler | None = None,
        publishers: Sequence[Any] = (),
        clock: Clock | None = None,
        rng: random.Random | None = None,
        candidate_timeout: float | None = 5.0,
        pool: CandidatePool | None = None,
        error_signature: ErrorSignature = default_error_signature,
        race_probe: Callable[[], object] | None = None,
        aa: bool = False,
        log_context: Callable[[], Mapping[str, Any]] = structlog.contextvars.get_contextvars,
        write_verifier: WriteVerifier | None = None,
    ) -> None:
        self.flags = modes if isinstance(modes, FlagStore) else FlagStore(list(modes), modes)
        self.sampler = sampler or Sampler(1.0)
        self.publishers = list(publishers)
        self.clock = clock or SystemClock()
        self._rng = rng or random.Random()  # noqa: S311 - run order, not security
        self.candidate_timeout = candidate_timeout
        self.pool = pool
        self._watchdog = Watchdog() if pool is not None and candidate_timeout is not None else None
        self._error_signature = error_signature
        self._race_probe = race_probe
        self.aa = aa
        self._log_context = log_context
        self.write_verifier = write_verifier
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._outstanding = 0
        self.shim_errors: Counter[str] = Counter()
        self._finished = False
        self._report_dir: Path | None = None

    # -- routing -------------------------------------------------------------------------------------------
    def mode(self, domain: str) -> Mode:
        """The current mode of ``domain``."""
        return self.flags.mode(domain)

    def call(self, op: Operation, paths: Paths, arguments: Mapping[str, Any]) -> Any:
        """Return the answering path's value (or raise its exception); compare the other path in shadow modes."""
        mode = self.flags.mode(op.domain)
        answer = paths.get(mode.answering)
        if mode.compared is None:
            return answer(**arguments)
        call = _Call(op, mode, mode.answering, mode.answering if self.aa else mode.compared, arguments,
                     self._context())
        answering = functools.partial(answer, **arguments)
        if op.kind is Kind.WRITE:
            return self._write(call, paths, arguments, answering)
        if not self.sampler.sampled(op):
            self._publish(call, Outcome.SKIPPED, reason=SAMPLED_OUT)
            return answering()
        try:
            isolated = copy.deepcopy(dict(arguments))
        except Exception as exc:
            self.raised("isolate", exc, call)
            return self._answer_alone(call, answering, "arguments cannot be copied for the compared path")
        compared = functools.partial(paths.get(call.compared), **isolated)
        call = replace(call, ordered=op.is_ordered(arguments), tie_keys=op.ties(arguments),
                       threaded=self.pool is not None)
        if self.pool is not None:
            return self._read_off_thread(call, answering, compared)
        return self._read_inline(call, answering, compared)

    def _context(self) -> Mapping[str, Any]:
        try:
            return dict(self._log_context())
        except Exception as exc:
            self.raised("context", exc)
            return {}

    def _answer_alone(self, call: _Call, answering: Callable[[], Any], reason: str) -> Any:
        control = self._observe(call.answering, answering)
        self._publish(call, Outcome.SKIPPED, answering=control, reason=reason)
        return control.unwrap()

    # -- writes ------------------------------------------------------------------------------------------
    def _write(self, call: _Call, paths: Paths, arguments: Mapping[str, Any], answering: Callable[[], Any]) -> Any:
        """Verify a write on one store: compared path captured and rolled back, then the answer for real."""
        verifier = self.write_verifier
        method = None
        if verifier is not None:
            try:
                method = verifier.method(call.op)
            except Exception as exc:
                self.raised("write_method", exc, call)
        if verifier is None or method is None:
            return self._answer_alone(call, answering, WRITE_PENDING if verifier is None else
                                      "this write cannot be verified on one store (side effects outside it)")
        if not self.sampler.sampled(call.op):
            self._publish(call, Outcome.SKIPPED, reason=SAMPLED_OUT)
            return answering()
        try:
            isolated = copy.deepcopy(dict(arguments))
        except Exception as exc:
            self.raised("isolate", exc, call)
            return self._answer_alone(call, answering, "arguments cannot be copied for the compared path")
        compared_box = ChangeBox()
        answering_box = ChangeBox()

        def compared() -> Any:
            nonlocal compared_box
            with verifier.trial(call.compared, call.op) as box:
                compared_box = box
                run = box.target if box.target is not None else paths.get(call.compared)
                return run(**isolated)

        def answered() -> Any:
            nonlocal answering_box
            with verifier.real(call.answering, call.op) as box:
                answering_box = box
                return answering()

        call = replace(call, ordered=True)
        candidate = self._observe(call.compared, compared, self.candidate_timeout)
        control = self._observe(call.answering, answered)
        self._conclude_write(call, control, candidate, answering_box, compared_box, method)
        return control.unwrap()

    def _conclude_write(self, call: _Call, control: Observation, candidate: Observation, answering_box: ChangeBox,
                        compared_box: ChangeBox, method: str) -> None:
        try:
            comparison = judge(control, candidate, ordered=True, error_signature=self._error_signature)
            if comparison.outcome is Outcome.MATCH:
                failure = answering_box.failure or compared_box.failure
                difference = (f"change capture failed: {failure}" if failure
                              else self.write_verifier.diff(answering_box, compared_box))  # type: ignore[union-attr]
                if difference is not None:
                    comparison = Comparison(Outcome.MISMATCH, difference=f"changes: {difference}",
                                            tolerances=comparison.tolerances)
        except Exception as exc:
            self.raised("compare", exc, call)
            comparison = Comparison(Outcome.SHIM_ERROR, difference=f"comparison failed: {describe_error(exc)}")
        self._publish(call, comparison.outcome, answering=control, compared=candidate, comparison=comparison,
                      order="compared_first", verification=method,
                      changes={"answering": answering_box.summary, "compared": compared_box.summary})

    def _read_inline(self, call: _Call, answering: Callable[[], Any], compared: Callable[[], Any]) -> Any:
        if self._rng.random() < 0.5:
            candidate = self._observe(call.compared, compared, self.candidate_timeout)
            control = self._observe(call.answering, answering)
            order = "compared_first"
        else:
            control = self._observe(call.answering, answering)
            candidate = self._observe(call.compared, compared, self.candidate_timeout)
            order = "answering_first"
        event = self._conclude(call, control, candidate, order)
        self._after_conclusion(event, control)
        return control.unwrap()

    def _read_off_thread(self, call: _Call, answering: Callable[[], Any], compared: Callable[[], Any]) -> Any:
        # The candidate is queued once the answer is there: it never competes with the caller's own call for
        # the CPUs and the GIL (off-thread, "first" would mean "at the same time"; inline runs draw the order).
        pending = Handoff()
        job = functools.partial(self._compared_job, call, compared, pending, "answering_first")
        control = self._observe(call.answering, answering)
        queued = self._submit(job)
        if queued:
            pending.set_control(self._frozen(control, call))
        else:
            self._publish(call, Outcome.SHED, answering=control, reason="candidate pool and queue are full")
        return control.unwrap()

    def _frozen(self, control: Observation, call: _Call) -> Observation:
        try:
            return snapshot(control)
        except Exception as exc:
            self.raised("snapshot", exc, call)
            return control

    def _submit(self, job: Callable[[], None]) -> bool:
        if self.pool is None:  # pragma: no cover - only called off-thread
            return False
        with self._idle:
            self._outstanding += 1
        try:
            queued = self.pool.submit(job)
        except Exception as exc:
            self.raised("submit", exc)
            queued = False
        if not queued:
            self._settle()
        return queued

    def _settle(self) -> None:
        with self._idle:
            self._outstanding -= 1
            self._idle.notify_all()

    def _compared_job(self, call: _Call, compared: Callable[[], Any], pending: Handoff, order: str) -> None:
        started = self.clock.monotonic_ns()
        try:
            if self._watchdog is not None and self.candidate_timeout is not None:
                grace = self.candidate_timeout * 0.1 + 0.05
                self._watchdog.watch(self.candidate_timeout + grace,
                                     functools.partial(self._expire, call, pending, order, started))
            candidate = self._observe(call.compared, compared, self.candidate_timeout)
        except Exception as exc:  # the watchdog or a probe failed outside the observed call
            self.raised("candidate_job", exc, call)
            candidate = Observation(call.compared, error=exc, duration_ns=self.clock.monotonic_ns() - started)
        if not pending.claim(candidate):
            log.info("candidate.late", domain=call.op.domain, operation=call.op.name,
                     compared_ms=round(candidate.duration_ms, 3))
            return
        pending.ready.wait()
        self._conclude_pending(call, pending, candidate, order)

    def _expire(self, call: _Call, pending: Handoff, order: str, started: int) -> None:
        stuck = Observation(call.compared, duration_ns=self.clock.monotonic_ns() - started, timed_out=True)
        if pending.claim(stuck):
            pending.when_control(functools.partial(self._conclude_pending, call, pending, stuck, order))

    def _conclude_pending(self, call: _Call, pending: Handoff, candidate: Observation, order: str) -> None:
        try:
            if pending.control is not None:
                self._conclude(call, pending.control, candidate, order)
        finally:
            self._settle()

    # -- observing and concluding -------------------------------------------------------------------------
    def _probe(self) -> object:
        if self._race_probe is None:
            return None
        try:
            return self._race_probe()
        except Exception as exc:
            self.raised("probe", exc)
            return None

    def _observe(self, path: str, func: Callable[[], Any], timeout: float | None = None) -> Observation:
        before = self._probe()
        started = self.clock.monotonic_ns()
        value: Any = None
        error: Exception | None = None
        expired = False
        try:
            if timeout is None:
                value = func()
            else:
                with deadline.within(timeout):
                    try:
                        value = func()
                    finally:
                        expired = deadline.expired()
        except Exception as exc:
            error = exc
        duration = self.clock.monotonic_ns() - started
        raced = before is not None and self._probe() != before
        timed_out = timeout is not None and (expired or duration > timeout * 1e9)
        return Observation(path, value, error, duration, timed_out, raced)

    def _conclude(self, call: _Call, control: Observation, candidate: Observation, order: str) -> ParityEvent | None:
        try:
            comparison = judge(control, candidate, ordered=call.ordered is not False, tie_keys=call.tie_keys,
                               error_signature=self._error_signature)
            if comparison.outcome.failed and (control.raced or candidate.raced):
                comparison = replace(comparison, outcome=Outcome.RACED)
        except Exception as exc:
            self.raised("compare", exc, call)
            comparison = Comparison(Outcome.SHIM_ERROR, difference=f"comparison failed: {describe_error(exc)}")
        return self._publish(call, comparison.outcome, answering=control, compared=candidate,
                             comparison=comparison, order=order)

    def _after_conclusion(self, event: ParityEvent | None, control: Observation) -> None:
        """Hook for test routers (``shim.testing.StrictRouter``); the router itself does nothing."""

    # -- publishing --------------------------------------------------------------------------------------
    def _publish(self, call: _Call, outcome: Outcome, *, answering: Observation | None = None,
                 compared: Observation | None = None, comparison: Comparison | None = None,
                 order: str | None = None, reason: str | None = None, verification: str | None = None,
                 changes: Mapping[str, Any] | None = None) -> ParityEvent | None:
        try:
            event = ParityEvent(
                outcome=outcome, seq=next(self._seq), domain=call.op.domain, operation=call.op.name,
                mode=call.mode.value, answering=call.answering, compared=call.compared, aa=self.aa,
                threaded=call.threaded, order=order, ordered=call.ordered,
                arguments=clean(dict(call.arguments)) if outcome is not Outcome.SKIPPED else {},
                answering_ns=answering.duration_ns if answering else None,
                compared_ns=compared.duration_ns if compared else None,
                answering_rows=comparison.answering_rows if comparison else None,
                compared_rows=comparison.compared_rows if comparison else None,
                difference=clean_text(comparison.difference) if comparison else None,
                tolerances=dict(comparison.tolerances) if comparison else {},
                answering_error=clean_text(describe_error(answering.error)) if answering else None,
                compared_error=clean_text(describe_error(compared.error)) if compared else None,
                reason=reason, context=clean(dict(call.context)), verification=verification,
                changes=clean(dict(changes or {})),
            )
        except Exception as exc:
            self.raised("publish", exc, call)
            return None
        for publisher in self.publishers:
            try:
                publisher.publish(event)
            except Exception as exc:
                self.raised("publish", exc, call)
        return event

    def raised(self, stage: str, error: BaseException, call: _Call | None = None) -> None:
        """A failure inside the shim: log it and count it; never raise."""
        with self._lock:
            self.shim_errors[stage] += 1
        with contextlib.suppress(Exception):  # logging itself failed: the count above still records it
            log.error("shim.raised", stage=stage, error=clean_text(describe_error(error)),
                      domain=call.op.domain if call else None, operation=call.op.name if call else None,
                      exc_info=error)

    def record_check(self, domain: str, operation: str, check: str, passed: bool, *, detail: str | None = None,
                     ref: str | None = None) -> None:
        """Pass an external check of one call (e.g. the oracle's verdict) to the publishers that report it."""
        for publisher in self.publishers:
            if hasattr(publisher, "record_check"):
                try:
                    publisher.record_check(domain, operation, check, passed, detail=clean_text(detail), ref=ref)
                except Exception as exc:
                    self.raised("publish", exc)

    def declare(self, domains: Iterable[str], *, not_implemented: Iterable[str] = ()) -> None:
        """Tell the reports which domains to show even without events, and which are not implemented."""
        domains, missing = list(domains), list(not_implemented)
        for publisher in self.publishers:
            if hasattr(publisher, "declare"):
                try:
                    publisher.declare(domains, not_implemented=missing)
                except Exception as exc:
                    self.raised("publish", exc)

    # -- lifecycle ------------------------------------------------------------------------------------------
    def drain(self, timeout: float | None = None) -> bool:
        """Wait for off-thread comparisons to conclude; True when none is outstanding."""
        if timeout is None:
            timeout = (self.candidate_timeout or 5.0) * 1.2 + 1.0
        end = time.monotonic() + timeout
        with self._idle:
            while self._outstanding:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def finish(self) -> Path | None:
        """Drain, then let each report publisher write its files; return the report folder (or None)."""
        if self._finished:
            return self._report_dir
        if not self.drain():
            log.warning("shim.drain_incomplete", outstanding=self._outstanding)
        self._finished = True
        for publisher in self.publishers:
            if hasattr(publisher, "finish"):
                try:
                    folder = publisher.finish(dict(self.shim_errors))
                except Exception as exc:
                    self.raised("report", exc)
                    continue
                self._report_dir = self._report_dir or folder
        return self._report_dir

    def close(self) -> None:
        """Finish the reports and stop the pool and watchdog."""
        self.finish()
        if self.pool is not None:
            self.pool.close()
        if self._watchdog is not None:
            self._watchdog.close()
