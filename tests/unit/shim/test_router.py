"""The router's rules besides faults: order, isolation, context, shedding, writes, sampling, failures inside
the shim, A/A, strict mode, races, row order and the canonical log line."""

from __future__ import annotations

import contextvars
import random
import threading
from collections import Counter
from typing import Any

import pytest
from shim_fakes import ROWS, paths_for

from shim.errors import ConfigError
from shim.flags import FlagStore
from shim.modes import Mode
from shim.observation import Outcome
from shim.operation import Kind, Operation, Ordering
from shim.report import LogPublisher
from shim.router import WRITE_PENDING, Paths, Router
from shim.sampling import Sampler
from shim.testing import ParityAssertion, RecordingPublisher, SteppingClock, StrictRouter

OP = Operation(domain="d", name="read_rows")
UNORDERED = Operation(domain="d", name="read_any_order", ordering=Ordering.MULTISET)
WRITE = Operation(domain="d", name="save", kind=Kind.WRITE)
SHADOW_MODES = [Mode.SHADOW, Mode.REVERSE_SHADOW]


def answer(**_: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in ROWS]


def test_off_thread_the_candidate_starts_after_the_answer(make_router, publisher) -> None:
    started: list[str] = []
    paths = Paths(legacy=lambda **_: started.append("legacy") or 1,
                  sqlalchemy=lambda **_: started.append("sqla") or 1)
    router = make_router(threaded=True, seed=3, queue_size=64)
    for i in range(10):
        router.call(OP, paths, {"i": i})
        router.drain(5)
    assert started == ["legacy", "sqla"] * 10
    assert {e.order for e in publisher.wait_for(10)} == {"answering_first"}


@pytest.mark.parametrize("threaded", [False])
def test_run_order_is_drawn_from_the_injected_random(make_router, publisher, threaded) -> None:
    def orders(recorder: RecordingPublisher) -> list[str | None]:
        return [e.order for e in sorted(recorder.wait_for(30), key=lambda e: e.arguments["i"])]

    router = make_router(threaded=threaded, seed=3, queue_size=64)
    for i in range(30):
        router.call(OP, paths_for(Mode.SHADOW, answer, answer), {"i": i})
    router.drain(5)
    assert set(orders(publisher)) == {"answering_first", "compared_first"}

    again = RecordingPublisher()
    replayed = make_router(threaded=threaded, seed=3, publishers=[again], queue_size=64)
    for i in range(30):
        replayed.call(OP, paths_for(Mode.SHADOW, answer, answer), {"i": i})
    replayed.drain(5)
    assert orders(again) == orders(publisher)


def test_inline_order_really_changes_which_path_runs_first(make_router) -> None:
    ran: list[str] = []
    paths = Paths(legacy=lambda **_: ran.append("legacy") or 1, sqlalchemy=lambda **_: ran.append("sqla") or 1)
    router = make_router(seed=11)
    for _ in range(20):
        router.call(OP, paths, {})
    firsts = Counter(ran[i] for i in range(0, len(ran), 2))
    assert firsts["legacy"] and firsts["sqla"]


@pytest.mark.parametrize("threaded", [False, True])
def test_the_compared_path_gets_its_own_copy_of_the_arguments(make_router, publisher, threaded) -> None:
    seen: list[Any] = []

    def answering(kwargs: dict[str, Any]) -> list[Any]:
        kwargs["mutated"] = True  # Tautulli code pops and sets keys in kwargs
        return [1]

    def compared(kwargs: dict[str, Any]) -> list[Any]:
        seen.append(dict(kwargs))
        return [1]

    original = {"order": [1, 2]}
    router = make_router(threaded=threaded, seed=1)
    for _ in range(6):
        router.call(OP, Paths(legacy=answering, sqlalchemy=compared), {"kwargs": original})
        original.pop("mutated", None)
    router.drain(5)
    assert seen and all(s == {"order": [1, 2]} for s in seen)


def test_off_thread_compared_path_runs_in_the_callers_context(make_router, publisher) -> None:
    who: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")
    seen: dict[str, Any] = {}

    def compared(**_: Any) -> list[Any]:
        seen["who"], seen["thread"] = who.get(), threading.current_thread().name
        return [1]

    router = make_router(threaded=True)
    token = who.set("guest-42")
    try:
        router.call(OP, Paths(legacy=lambda **_: [1], sqlalchemy=compared), {})
    finally:
        who.reset(token)
    router.drain(5)
    assert seen["who"] == "guest-42"
    assert seen["thread"].startswith("shim-candidate")


def test_a_full_pool_sheds_instead_of_blocking(make_router, publisher) -> None:
    release = threading.Event()

    def blocked(**_: Any) -> list[Any]:
        release.wait(5)
        return [1]

    router = make_router(threaded=True, workers=1, queue_size=0, timeout=5.0)
    paths = Paths(legacy=lambda **_: [1], sqlalchemy=blocked)
    assert router.call(OP, paths, {}) == [1]
    assert router.call(OP, paths, {}) == [1]  # the only worker is busy and nothing may wait: shed
    shed = [e for e in publisher.wait_for(1) if e.outcome is Outcome.SHED]
    assert len(shed) == 1 and shed[0].answering_ns is not None
    release.set()
    assert router.drain(5)
    assert Counter(e.outcome for e in publisher.events) == {Outcome.SHED: 1, Outcome.MATCH: 1}


@pytest.mark.parametrize("threaded", [False, True])
@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_writes_run_only_the_answering_path_for_now(make_router, publisher, mode, threaded) -> None:
    ran: list[str] = []

    def answering(**kwargs: Any) -> str:
        ran.append(threading.current_thread().name)
        return "insert"

    def compared(**_: Any) -> str:
        raise AssertionError("a write's compared path must not run yet")

    router = make_router(mode, threaded=threaded)
    assert router.call(WRITE, paths_for(mode, answering, compared), {"user_id": 5}) == "insert"
    assert ran == [threading.current_thread().name], "writes run inline, on the caller's thread"
    event = publisher.wait_for(1)[0]
    assert event.outcome is Outcome.SKIPPED and event.reason == WRITE_PENDING
    assert event.answering_ns is not None and event.compared_ns is None


def test_sampling_per_domain_and_operation(make_router, publisher) -> None:
    ran: list[str] = []
    paths = Paths(legacy=lambda **_: [1], sqlalchemy=lambda **_: ran.append("x") or [1])
    sampler = Sampler(1.0, per_domain={"d": 0.0}, per_operation={"d.read_any_order": 1.0})
    router = make_router(sampler=sampler)
    router.call(OP, paths, {})
    router.call(UNORDERED, paths, {})
    assert ran == ["x"]
    assert [(e.operation, e.outcome, e.reason) for e in publisher.events] == [
        ("read_rows", Outcome.SKIPPED, "sampled_out"), ("read_any_order", Outcome.MATCH, None)]


def test_sampling_rate_is_honoured_with_an_injected_random() -> None:
    sampler = Sampler(0.25, rng=random.Random(5))
    hits = sum(sampler.sampled(OP) for _ in range(4000))
    assert 850 < hits < 1150
    with pytest.raises(ConfigError, match="between 0 and 1"):
        Sampler(1.5)


def test_failures_inside_the_shim_are_counted_never_raised(make_router, log_output) -> None:
    class Broken:
        def publish(self, event: Any) -> None:
            raise OSError("disk full")

    def bad_signature(error: BaseException) -> Any:
        raise RuntimeError("signature exploded")

    recorder = RecordingPublisher()
    router = make_router(publishers=[Broken(), recorder], error_signature=bad_signature)
    assert router.call(OP, paths_for(Mode.SHADOW, answer, answer), {}) == ROWS
    assert router.shim_errors["publish"] == 1

    def fails(**_: Any) -> Any:
        raise ValueError("x")

    with pytest.raises(ValueError, match="x"):
        router.call(OP, paths_for(Mode.SHADOW, fails, fails), {})
    assert router.shim_errors["compare"] == 1
    assert recorder.events[-1].outcome is Outcome.SHIM_ERROR

    unserialisable = object()
    assert router.call(OP, paths_for(Mode.SHADOW, lambda **_: unserialisable, answer), {}) is unserialisable
    assert router.shim_errors["compare"] == 2
    stages = [e["stage"] for e in log_output.entries if e["event"] == "shim.raised"]
    assert stages == ["publish", "compare", "publish", "compare", "publish"]


def test_arguments_that_cannot_be_copied_skip_the_comparison(make_router, publisher) -> None:
    lock = threading.Lock()  # cannot be deep-copied
    router = make_router()
    assert router.call(OP, paths_for(Mode.SHADOW, answer, answer), {"lock": lock}) == ROWS
    assert router.shim_errors["isolate"] == 1
    assert publisher.events[0].outcome is Outcome.SKIPPED


def test_aa_compares_the_answering_path_with_itself(make_router, publisher) -> None:
    calls: list[str] = []
    paths = Paths(legacy=lambda **_: calls.append("legacy") or [1], sqlalchemy=lambda **_: calls.append("sqla"))
    router = make_router(aa=True)
    router.call(OP, paths, {})
    assert calls == ["legacy", "legacy"]
    event = publisher.events[0]
    assert event.aa and event.answering == event.compared == "legacy" and event.outcome is Outcome.MATCH


def test_strict_router_raises_on_a_mismatch_for_tests_only(publisher) -> None:
    router = StrictRouter({"d": Mode.SHADOW}, publishers=[publisher], rng=random.Random(1))
    with pytest.raises(ParityAssertion, match=r"\[0\]\.plays: 3 != 4"):
        router.call(OP, Paths(legacy=answer, sqlalchemy=lambda **_: [dict(ROWS[0], plays=4), ROWS[1]]), {})
    assert router.call(OP, Paths(legacy=answer, sqlalchemy=answer), {}) == ROWS


def test_a_mismatch_that_raced_a_commit_is_classed_raced(make_router, publisher) -> None:
    version = iter(range(100))
    router = make_router(race_probe=lambda: next(version))
    router.call(OP, paths_for(Mode.SHADOW, answer, lambda **_: ROWS[:1]), {})
    assert publisher.events[0].outcome is Outcome.RACED
    steady = make_router(race_probe=lambda: 1, publishers=[again := RecordingPublisher()])
    steady.call(OP, paths_for(Mode.SHADOW, answer, lambda **_: ROWS[:1]), {})
    assert again.events[0].outcome is Outcome.MISMATCH


def test_rows_compare_as_a_list_or_a_multiset_by_operation(make_router, publisher) -> None:
    reversed_rows = list(reversed(ROWS))
    router = make_router()
    router.call(OP, paths_for(Mode.SHADOW, answer, lambda **_: reversed_rows), {})
    router.call(UNORDERED, paths_for(Mode.SHADOW, answer, lambda **_: reversed_rows), {})
    ordered, multiset = publisher.events
    assert ordered.outcome is Outcome.MISMATCH and ordered.difference == "[0].id: 1 != 2"
    assert multiset.outcome is Outcome.MATCH and multiset.tolerances == {"unordered_rows": 1}


def test_tie_keys_compare_tied_runs_as_multisets(make_router, publisher) -> None:
    tied = Operation(domain="d", name="top", tie_keys=lambda args: ["plays"])
    rows = [{"id": 1, "plays": 5}, {"id": 2, "plays": 3}, {"id": 3, "plays": 3}]
    swapped = [rows[0], rows[2], rows[1]]
    router = make_router()
    router.call(tied, paths_for(Mode.SHADOW, lambda **_: rows, lambda **_: swapped), {})
    router.call(tied, paths_for(Mode.SHADOW, lambda **_: rows, lambda **_: [rows[1], rows[0], rows[2]]), {})
    tie, order = publisher.events
    assert tie.outcome is Outcome.MATCH and tie.tolerances == {"tie_order": 1}
    assert order.outcome is Outcome.MISMATCH


def test_one_canonical_log_line_per_routed_call(make_router, log_output) -> None:
    router = make_router(publishers=[LogPublisher()], clock=SteppingClock(step_ns=2_000_000))
    router.call(OP, paths_for(Mode.SHADOW, answer, lambda **_: ROWS[:1]), {"email": "kim@example.com"})
    router.call(OP, paths_for(Mode.SHADOW, answer, answer), {"user_id": 3})
    lines = [e for e in log_output.entries if e["event"].startswith(("parity.", "candidate."))]
    assert [e["event"] for e in lines] == ["parity.mismatch", "parity.match"]
    mismatch = lines[0]
    assert mismatch["log_level"] == "warning" and lines[1]["log_level"] == "info"
    assert mismatch["domain"] == "d" and mismatch["operation"] == "read_rows"
    assert mismatch["difference"] == "length 2 != 1" or mismatch["difference"].startswith("$")
    assert mismatch["answering_ms"] == 2.0 and mismatch["compared_ms"] == 2.0
    assert mismatch["answering_rows"] == 2 and mismatch["compared_rows"] == 1
    assert mismatch["arguments"] == {"email": "***"}


def test_the_flag_store_names_valid_domains_and_modes() -> None:
    flags = FlagStore(["users", "history"], {"users": "shadow"})
    assert flags.mode("users") is Mode.SHADOW and flags.mode("history") is Mode.LEGACY
    with pytest.raises(ConfigError, match="valid domains: users, history"):
        flags.mode("nope")
    with pytest.raises(ConfigError, match="valid modes"):
        flags.set("users", "sideways")
    assert flags.set("users", Mode.REVERSE_SHADOW) is Mode.REVERSE_SHADOW and flags.any_compared()
    router = Router(flags)
    with pytest.raises(ConfigError):
        router.call(Operation(domain="nope", name="x"), Paths(legacy=answer, sqlalchemy=answer), {})


def test_finish_drains_and_is_idempotent(make_router, tmp_path) -> None:
    from shim.report import ReportRun

    router = make_router(threaded=True, publishers=[ReportRun(tmp_path)])
    for _ in range(5):
        router.call(OP, paths_for(Mode.SHADOW, answer, answer), {})
    folder = router.finish()
    assert folder is not None and (folder / "report.html").exists()
    assert router.finish() == folder
    assert len((folder / "events.jsonl").read_text(encoding="utf-8").splitlines()) == 5
