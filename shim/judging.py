"""Judge two observations of one call: the rules of ``shim.compare`` plus errors, timeouts and wrong types.

Scientist's rules: an answering exception and a compared exception match when their signatures do (class
and normalised message by default; the application may pass its own signature); a compared path that ran out
of time is *timed out*, one that raised is a *candidate error*; a compared result of another JSON type than
the answer (or one that cannot be normalised at all) is a *wrong type*.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from shim.compare import compare_results, json_kind, row_count, to_jsonable
from shim.compare.normalize import ERROR_SIGNATURE
from shim.errors import ShimError
from shim.observation import Comparison, Observation, Outcome, Unserialisable

__all__ = ["ErrorSignature", "NotComparable", "default_error_signature", "describe_error", "judge", "snapshot"]

ErrorSignature = Callable[[BaseException], Hashable]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_SPACE = re.compile(r"\s+")


class NotComparable(ShimError):
    """The answering result cannot be normalised, so nothing can be compared with it."""


def default_error_signature(error: BaseException) -> Hashable:
    """Class name and message with whitespace collapsed and memory addresses removed."""
    message = _SPACE.sub(" ", _ADDRESS.sub("0x?", str(error))).strip()
    return (type(error).__name__, message)


def describe_error(error: BaseException | None) -> str | None:
    """``Type: message`` of an exception (raw: clean it before it leaves the shim)."""
    if error is None:
        return None
    return f"{type(error).__name__}: {error}"


def snapshot(observation: Observation) -> Observation:
    """A copy whose value is normalised to JSON now (the caller may change the original after it returns)."""
    if observation.error is not None:
        return observation
    try:
        value: Any = to_jsonable(observation.value)
    except (TypeError, ValueError, RecursionError) as exc:
        value = Unserialisable(type(observation.value).__name__, f"{type(exc).__name__}: {exc}")
    return Observation(observation.path, value, None, observation.duration_ns, observation.timed_out,
                       observation.raced)


def _normalised(observation: Observation) -> Any:
    value = observation.value
    if isinstance(value, Unserialisable):
        raise TypeError(value.error)
    return to_jsonable(value)


def judge(
    answering: Observation,
    compared: Observation,
    *,
    ordered: bool = True,
    tie_keys: Sequence[str] | None = None,
    error_signature: ErrorSignature = default_error_signature,
) -> Comparison:
    """Compare the answering and the compared observation of one call.

    Raises:
        NotComparable: the answering result cannot be normalised to JSON.
    """
    if compared.timed_out:
        return Comparison(Outcome.TIMED_OUT)
    if answering.error is not None:
        if compared.error is None:
            return Comparison(Outcome.MISMATCH, difference=(
                f"$: answering raised {type(answering.error).__name__}, compared returned a result"))
        if error_signature(answering.error) == error_signature(compared.error):
            return Comparison(Outcome.MATCH, tolerances={ERROR_SIGNATURE.name: 1})
        return Comparison(Outcome.MISMATCH, difference=(
            f"$: answering raised {type(answering.error).__name__}, compared raised {type(compared.error).__name__}"))
    if compared.error is not None:
        return Comparison(Outcome.CANDIDATE_ERROR, difference=f"$: compared raised {type(compared.error).__name__}")
    try:
        expected = _normalised(answering)
    except (TypeError, ValueError, RecursionError) as exc:
        raise NotComparable(f"the answering result is not JSON-serialisable: {exc}") from exc
    try:
        actual = _normalised(compared)
    except (TypeError, ValueError, RecursionError) as exc:
        return Comparison(Outcome.WRONG_TYPE, difference=f"$: the compared result is not JSON-serialisable ({exc})",
                          answering_rows=row_count(expected))
    rows = {"answering_rows": row_count(expected), "compared_rows": row_count(actual)}
    if json_kind(expected) != json_kind(actual):
        return Comparison(Outcome.WRONG_TYPE, **rows,
                          difference=f"$: answering returned {json_kind(expected)}, compared {json_kind(actual)}")
    difference, tolerances = compare_results(expected, actual, ordered=ordered, tie_keys=tie_keys)
    applied: dict[str, int] = dict(Counter(tolerances))
    if difference is None:
        return Comparison(Outcome.MATCH, tolerances=applied, **rows)
    return Comparison(Outcome.MISMATCH, difference=str(difference), tolerances=applied, **rows)
