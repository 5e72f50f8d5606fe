"""Fault injection at the router: whatever the compared path does, the caller gets the answering path's result.

Every fault runs in both shadow modes, inline and off-thread; the two single-path modes never run the other
path at all. Each test asserts what the caller got and the one event the call produced.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from shim_fakes import ROWS, paths_for

from shim import deadline
from shim.modes import Mode
from shim.observation import Outcome
from shim.operation import Operation

OP = Operation(domain="d", name="read_rows")
SHADOW_MODES = [Mode.SHADOW, Mode.REVERSE_SHADOW]
THREADING = [pytest.param(False, id="inline"), pytest.param(True, id="off-thread")]


def answer(**_: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in ROWS]


def raises(**_: Any) -> Any:
    raise RuntimeError("compared path exploded: password=hunter2 from 10.1.2.3")


def hangs_cooperatively(**_: Any) -> Any:
    while not deadline.expired():
        time.sleep(0.002)
    raise deadline.DeadlineExceeded("interrupted")


def wrong_type(**_: Any) -> Any:
    return {"rows": ROWS}


def unserialisable(**_: Any) -> Any:
    return object()


def huge(**_: Any) -> Any:
    return [{"id": i, "title": "x" * 50} for i in range(100_000)]


def _only_event(router, publisher, count: int = 1):
    router.drain(5)
    events = publisher.wait_for(count)
    assert len(events) == count, publisher.names
    return events[-1]


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_compared_path_raising_is_recorded_not_raised(make_router, publisher, mode, threaded) -> None:
    router = make_router(mode, threaded=threaded)
    result = router.call(OP, paths_for(mode, answer, raises), {"user_id": 1})
    assert result == ROWS
    event = _only_event(router, publisher)
    assert event.outcome is Outcome.CANDIDATE_ERROR
    assert event.compared == Mode(mode).compared and event.answering == Mode(mode).answering
    assert "RuntimeError" in event.compared_error
    assert "hunter2" not in event.compared_error and "10.1.2.3" not in event.compared_error
    assert event.threaded is threaded


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_compared_path_hanging_past_the_deadline_times_out(make_router, publisher, mode, threaded) -> None:
    router = make_router(mode, threaded=threaded, timeout=0.3)
    started = time.monotonic()
    result = router.call(OP, paths_for(mode, answer, hangs_cooperatively), {})
    caller_waited = time.monotonic() - started
    assert result == ROWS
    if threaded:
        assert caller_waited < 0.25, "off-thread, the caller never waits for the compared path"
    else:
        assert 0.3 <= caller_waited < 2.0, "inline, the deadline stops the compared path"
    event = _only_event(router, publisher)
    assert event.outcome is Outcome.TIMED_OUT
    assert event.compared_ns >= 0.3e9


@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_off_thread_router_stops_waiting_for_a_candidate_no_deadline_reaches(make_router, publisher, mode) -> None:
    def stuck(**_: Any) -> Any:
        time.sleep(1.0)  # not a statement: the deadline cannot interrupt it, the watchdog stops waiting
        return ROWS

    router = make_router(mode, threaded=True, timeout=0.1)
    started = time.monotonic()
    assert router.call(OP, paths_for(mode, answer, stuck), {}) == ROWS
    assert time.monotonic() - started < 0.25
    events = publisher.wait_for(1, timeout=0.8)
    assert time.monotonic() - started < 0.8, "the timeout must be recorded before the stuck job returns"
    assert events[0].outcome is Outcome.TIMED_OUT
    assert router.drain(2)
    time.sleep(1.0)
    assert len(publisher.events) == 1, "the late result must not produce a second event"


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
@pytest.mark.parametrize("fault", [wrong_type, unserialisable], ids=["other-json-type", "not-serialisable"])
def test_compared_path_returning_a_wrong_type_is_recorded(make_router, publisher, mode, threaded, fault) -> None:
    router = make_router(mode, threaded=threaded)
    assert router.call(OP, paths_for(mode, answer, fault), {}) == ROWS
    event = _only_event(router, publisher)
    assert event.outcome is Outcome.WRONG_TYPE
    assert event.difference.startswith("$:")


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_compared_path_returning_a_huge_result_stays_a_small_event(make_router, publisher, mode, threaded) -> None:
    router = make_router(mode, threaded=threaded, timeout=5.0)
    assert router.call(OP, paths_for(mode, answer, huge), {}) == ROWS
    event = _only_event(router, publisher)
    assert event.outcome is Outcome.MISMATCH
    assert event.answering_rows == 2 and event.compared_rows == 100_000
    assert len(json.dumps(event.as_dict())) < 4000


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_answering_path_raising_reaches_the_caller_unchanged(make_router, publisher, mode, threaded) -> None:
    failure = LookupError("no such user")

    def answering_raises(**_: Any) -> Any:
        raise failure

    router = make_router(mode, threaded=threaded)
    with pytest.raises(LookupError) as caught:
        router.call(OP, paths_for(mode, answering_raises, answer), {})
    assert caught.value is failure
    event = _only_event(router, publisher)
    assert event.outcome is Outcome.MISMATCH
    assert "answering raised LookupError" in event.difference


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_both_paths_raising_the_same_error_match(make_router, publisher, mode, threaded) -> None:
    def fails(**_: Any) -> Any:
        raise ValueError("bad limit")

    router = make_router(mode, threaded=threaded)
    with pytest.raises(ValueError, match="bad limit"):
        router.call(OP, paths_for(mode, fails, fails), {})
    event = _only_event(router, publisher)
    assert event.outcome is Outcome.MATCH
    assert event.tolerances == {"error_signature": 1}


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", [Mode.LEGACY, Mode.SQLALCHEMY])
def test_single_path_modes_never_run_the_other_path(make_router, publisher, mode, threaded) -> None:
    ran = []

    def other(**_: Any) -> Any:
        ran.append(1)
        raise AssertionError("must not run")

    router = make_router(mode, threaded=threaded)
    assert router.call(OP, paths_for(mode, answer, other), {}) == ROWS
    with pytest.raises(RuntimeError):
        router.call(OP, paths_for(mode, raises, other), {})
    router.drain(1)
    assert ran == [] and publisher.events == []


@pytest.mark.parametrize("threaded", THREADING)
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_every_fault_appears_in_the_report(make_router, tmp_path, mode, threaded) -> None:
    from shim.report import ReportRun

    report = ReportRun(tmp_path)
    # long enough for the huge result to be built on a loaded machine, short enough for the hang to time out
    router = make_router(mode, threaded=threaded, timeout=0.5, publishers=[report])
    for fault in (answer, raises, hangs_cooperatively, wrong_type, huge):
        assert router.call(OP, paths_for(mode, answer, fault), {"user_id": 7}) == ROWS
    folder = router.finish()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    op = summary["domains"][0]["operations"][0]
    assert (op["calls"], op["matches"], op["candidate_errors"], op["timeouts"], op["wrong_type"],
            op["mismatches"]) == (5, 1, 1, 1, 1, 1)
    assert op["verdict"] == "fail"
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert "hunter2" not in (folder / "events.jsonl").read_text(encoding="utf-8")
