"""The candidate pool (bounded, shedding, context-copying) and the watchdog."""

from __future__ import annotations

import contextvars
import threading
import time

import pytest

from shim.runner import CandidatePool, Watchdog

NAME: contextvars.ContextVar[str] = contextvars.ContextVar("name", default="-")


def test_pool_runs_jobs_in_the_submitters_context_and_drains() -> None:
    pool = CandidatePool(2, 4)
    seen: list[str] = []
    lock = threading.Lock()
    try:
        for i in range(6):
            token = NAME.set(f"call-{i}")
            try:
                assert pool.submit(lambda: (lock.acquire(), seen.append(NAME.get()), lock.release()))
            finally:
                NAME.reset(token)
        assert pool.drain(5)
        assert sorted(seen) == [f"call-{i}" for i in range(6)]
        assert pool.pending == 0
    finally:
        pool.close()


def test_pool_sheds_when_workers_and_waiting_room_are_full() -> None:
    gate = threading.Event()
    pool = CandidatePool(1, 1)
    try:
        assert pool.submit(gate.wait)
        assert pool.submit(gate.wait)
        started = time.monotonic()
        assert not pool.submit(gate.wait), "a third job has no room: shed"
        assert time.monotonic() - started < 0.2, "shedding never blocks"
        gate.set()
        assert pool.drain(5)
        assert pool.submit(lambda: None)
    finally:
        gate.set()
        pool.close()
    assert not pool.submit(lambda: None), "a closed pool accepts nothing"
    with pytest.raises(ValueError, match="at least one worker"):
        CandidatePool(0, 1)


def test_a_failing_job_does_not_kill_its_worker(log_output) -> None:
    pool = CandidatePool(1, 2)
    done = threading.Event()
    try:
        pool.submit(lambda: 1 / 0)
        pool.submit(done.set)
        assert done.wait(2)
    finally:
        pool.close()
    assert any(e["event"] == "shim.pool_job_failed" for e in log_output.entries)


def test_watchdog_calls_back_in_time_order() -> None:
    fired: list[str] = []
    all_done = threading.Event()
    dog = Watchdog()
    try:
        dog.watch(0.12, lambda: (fired.append("late"), all_done.set()))
        dog.watch(0.02, lambda: fired.append("early"))
        dog.watch(0.06, lambda: 1 / 0)  # a failing callback does not stop the others
        assert all_done.wait(2)
    finally:
        dog.close()
    assert fired == ["early", "late"]
