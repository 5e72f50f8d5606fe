"""Re-run on a mismatch: tell a race from a real difference (reads only).

When the two paths of a read disagree, :class:`RecheckingRouter` runs both once more, with the same
arguments and call context, before it publishes:

- equal on the re-run: the first difference came from something that moved in between (a write from another
  connection, the clock, a cache refresh), so the event is published as ``parity.raced`` with the reason
  ``recheck: race`` (still shown, never counted as a mismatch by the gate or the circuit breaker);
- different again: ``parity.mismatch`` (or ``candidate.wrong_type``) with the reason ``recheck: real`` and the
  re-run's difference.

It matters most in A/A mode (the answering path compared with itself), where every mismatch is noise by
construction: the labels measure how much of it is races. The caller's answer is never re-run for the caller:
it has its first value already; the re-run costs time only on a mismatch. Writes are never re-run.
"""

from __future__ import annotations

import contextvars
import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shim.clean import clean_text
from shim.judging import judge
from shim.observation import Comparison, Outcome, ParityEvent
from shim.operation import Kind, Operation
from shim.router import Paths, Router

__all__ = ["RACE", "REAL", "RecheckingRouter"]

RACE = "recheck: race (equal when both paths ran again)"
REAL = "recheck: real"

_RECHECKED = (Outcome.MISMATCH, Outcome.WRONG_TYPE)


@dataclass(frozen=True, slots=True)
class _Again:
    """What a re-run needs: both paths and a private copy of the call's arguments."""

    paths: Paths
    arguments: Mapping[str, Any]


_AGAIN: contextvars.ContextVar[_Again | None] = contextvars.ContextVar("shim_recheck", default=None)


class RecheckingRouter(Router):
    """A :class:`~shim.router.Router` that re-runs a read's two paths once when they disagree."""

    def __init__(self, *args: Any, recheck: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recheck = recheck

    def call(self, op: Operation, paths: Paths, arguments: Mapping[str, Any]) -> Any:
        """Route like the router; in a shadow mode, keep what a re-run of this read would need."""
        if not self.recheck or op.kind is not Kind.READ or self.flags.mode(op.domain).compared is None:
            return super().call(op, paths, arguments)
        try:
            again = _Again(paths, copy.deepcopy(dict(arguments)))
        except Exception as exc:
            self.raised("recheck", exc)
            return super().call(op, paths, arguments)
        token = _AGAIN.set(again)  # off-thread comparisons inherit it with the copied context
        try:
            return super().call(op, paths, arguments)
        finally:
            _AGAIN.reset(token)

    def _publish(self, call: Any, outcome: Outcome, **kwargs: Any) -> ParityEvent | None:
        again = _AGAIN.get()
        if again is not None and outcome in _RECHECKED and call.op.kind is Kind.READ:
            try:
                outcome, kwargs = self._rerun(call, outcome, again, kwargs)
            except Exception as exc:
                self.raised("recheck", exc, call)
        return super()._publish(call, outcome, **kwargs)

    def _rerun(self, call: Any, outcome: Outcome, again: _Again,
               kwargs: dict[str, Any]) -> tuple[Outcome, dict[str, Any]]:
        answering = functools.partial(again.paths.get(call.answering), **copy.deepcopy(dict(again.arguments)))
        compared = functools.partial(again.paths.get(call.compared), **copy.deepcopy(dict(again.arguments)))
        control = self._observe(call.answering, answering)
        candidate = self._observe(call.compared, compared, self.candidate_timeout)
        second: Comparison = judge(control, candidate, ordered=call.ordered is not False, tie_keys=call.tie_keys,
                                   error_signature=self._error_signature)
        if second.outcome is Outcome.MATCH:
            return Outcome.RACED, {**kwargs, "reason": RACE}
        detail = clean_text(second.difference or second.outcome.value)
        return outcome, {**kwargs, "reason": f"{REAL} (again: {detail})"}
