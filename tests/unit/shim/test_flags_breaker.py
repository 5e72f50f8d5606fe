"""Automatic demotion (the circuit breaker) and the re-run that labels a mismatch ``race`` or ``real``."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from shim.breaker import DemotionBreaker, attach
from shim.clock import FrozenClock
from shim.flags import FlagStore
from shim.modes import Mode
from shim.observation import Outcome, ParityEvent
from shim.operation import Kind, Operation
from shim.recheck import RACE, REAL, RecheckingRouter
from shim.report import ReportRun
from shim.router import Paths, Router
from shim.runner import CandidatePool
from shim.testing import RecordingPublisher

READ = Operation(domain="d", name="get_rows")
WRITE = Operation(domain="d", name="set_row", kind=Kind.WRITE)
ROWS = [{"id": 1, "title": "Alpha"}]


def _event(outcome: Outcome, mode: str = "reverse-shadow", aa: bool = False, domain: str = "d") -> ParityEvent:
    return ParityEvent(outcome=outcome, seq=1, domain=domain, operation="get_rows", mode=mode,
                       answering="sqlalchemy", compared="legacy", aa=aa, difference="[0].title: 'A' != 'B'")


def test_the_breaker_trips_on_the_threshold_within_its_window(log_output) -> None:
    flags = FlagStore(["d", "e"], {"d": "reverse-shadow", "e": "reverse-shadow"})
    seen: list[Any] = []
    breaker = DemotionBreaker(flags, failures=3, window=5, clock=FrozenClock(1_768_478_400), listeners=[seen.append])
    for outcome in (Outcome.MISMATCH, Outcome.MATCH, Outcome.MATCH, Outcome.MATCH, Outcome.MATCH,
                    Outcome.CANDIDATE_ERROR, Outcome.WRONG_TYPE):
        breaker.publish(_event(outcome))
    assert flags.mode("d") is Mode.REVERSE_SHADOW, "the first mismatch left the window of 5"
    breaker.publish(_event(Outcome.MISMATCH))
    assert flags.mode("d") is Mode.SHADOW and flags.mode("e") is Mode.REVERSE_SHADOW
    (demotion,) = seen
    assert (demotion.domain, demotion.before, demotion.after, demotion.failures) == ("d", Mode.REVERSE_SHADOW,
                                                                                   Mode.SHADOW, 3)
    assert demotion.as_dict()["at"] == "2026-01-15T12:00:00Z" and "moved the domain back to shadow" in demotion.reason
    (entry,) = [e for e in log_output.entries if e["event"] == "flags.demoted"]
    assert entry["domain"] == "d" and entry["from"] == "reverse-shadow" and entry["log_level"] == "warning"


def test_races_timeouts_aa_and_other_modes_never_trip_it() -> None:
    flags = FlagStore(["d"], {"d": "reverse-shadow"})
    breaker = DemotionBreaker(flags, failures=1, window=1)
    for event in (_event(Outcome.RACED), _event(Outcome.TIMED_OUT), _event(Outcome.SHED),
                  _event(Outcome.MISMATCH, aa=True), _event(Outcome.MISMATCH, mode="shadow")):
        breaker.publish(event)
    assert flags.mode("d") is Mode.REVERSE_SHADOW and breaker.demotions == []
    with pytest.raises(ValueError, match="failures <= window"):
        DemotionBreaker(flags, failures=5, window=2)


def test_a_demoted_router_answers_with_legacy_at_once_and_the_report_shows_it(tmp_path: Path) -> None:
    report = ReportRun(tmp_path, clock=FrozenClock(1_768_478_400))
    router = Router({"d": Mode.REVERSE_SHADOW}, publishers=[report], rng=random.Random(3), candidate_timeout=None)
    breaker = attach(router, failures=2, window=10)
    answered: list[str] = []

    def legacy() -> list[dict[str, Any]]:
        answered.append("legacy")
        return ROWS

    def sqlalchemy() -> list[dict[str, Any]]:
        answered.append("sqlalchemy")
        return [{"id": 1, "title": "Alpha "}]

    paths = Paths(legacy=legacy, sqlalchemy=sqlalchemy)
    assert router.call(READ, paths, {}) == [{"id": 1, "title": "Alpha "}]
    router.call(READ, paths, {})
    assert router.mode("d") is Mode.SHADOW and len(breaker.demotions) == 1
    answered.clear()
    assert router.call(READ, paths, {}) == ROWS, "the very next call is answered by the legacy path"
    folder = router.finish()
    assert folder is not None
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["demotions"][0]["domain"] == "d" and summary["domains"][0]["demotions"] == 1
    lines = [json.loads(line) for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["event"] for line in lines].count("flags.demoted") == 1
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Automatic demotions" in html and "demoted×1" in html and "reverse-shadow → shadow" in html
    assert "## Automatic demotions" in (folder / "report.md").read_text(encoding="utf-8")


def _flaky(good: list[dict[str, Any]], bad: list[dict[str, Any]], bad_calls: int) -> Any:
    calls = itertools.count()

    def path(**_kwargs: Any) -> list[dict[str, Any]]:
        return bad if next(calls) < bad_calls else good

    return path


def _recheck_router(publisher: RecordingPublisher, mode: Mode = Mode.SHADOW, **kwargs: Any) -> RecheckingRouter:
    return RecheckingRouter({"d": mode}, publishers=[publisher], rng=random.Random(5), candidate_timeout=1.0, **kwargs)


def test_a_mismatch_that_vanishes_on_the_rerun_is_a_race() -> None:
    publisher = RecordingPublisher()
    router = _recheck_router(publisher)
    paths = Paths(legacy=lambda **_: ROWS, sqlalchemy=_flaky(ROWS, [{"id": 1, "title": "stale"}], bad_calls=1))
    assert router.call(READ, paths, {"kwargs": {"x": 1}}) == ROWS
    (event,) = publisher.events
    assert event.outcome is Outcome.RACED and event.reason == RACE
    assert event.difference == "[0].title: 'Alpha' != 'stale'", "the first difference is kept for the reviewer"


def test_a_mismatch_that_repeats_is_real_and_says_what_differed_again() -> None:
    publisher = RecordingPublisher()
    router = _recheck_router(publisher)
    paths = Paths(legacy=lambda **_: ROWS, sqlalchemy=lambda **_: [{"id": 1, "title": "Beta"}])
    router.call(READ, paths, {})
    (event,) = publisher.events
    assert event.outcome is Outcome.MISMATCH and event.reason.startswith(REAL)
    assert "[0].title: 'Alpha' != 'Beta'" in event.reason


def test_aa_noise_is_labelled_and_arguments_are_private_to_each_run() -> None:
    publisher = RecordingPublisher()
    router = _recheck_router(publisher, aa=True)
    seen: list[dict[str, Any]] = []
    flaky = _flaky(ROWS, [], bad_calls=1)

    def legacy(kwargs: dict[str, Any]) -> Any:
        seen.append(dict(kwargs))
        kwargs["mutated"] = True  # a path that changes its arguments must not leak into the re-run
        return flaky()

    router.call(READ, Paths(legacy=legacy, sqlalchemy=lambda **_: pytest.fail("A/A never runs sqlalchemy")),
                {"kwargs": {"user_id": 7}})
    (event,) = publisher.events
    assert event.aa and event.outcome is Outcome.RACED
    assert seen == [{"user_id": 7}] * 4


def test_writes_and_matches_are_never_rerun_and_recheck_can_be_turned_off() -> None:
    publisher = RecordingPublisher()
    calls = itertools.count()

    def counted(**_: Any) -> list[dict[str, Any]]:
        next(calls)
        return ROWS

    router = _recheck_router(publisher)
    router.call(READ, Paths(legacy=counted, sqlalchemy=counted), {})
    assert next(calls) == 2 and publisher.events[-1].outcome is Outcome.MATCH
    router.call(WRITE, Paths(legacy=lambda **_: 1, sqlalchemy=lambda **_: 2), {})
    assert publisher.events[-1].outcome is Outcome.SKIPPED, "no write verifier: the write ran once, not re-run"
    off = _recheck_router(publisher, recheck=False)
    off.call(READ, Paths(legacy=lambda **_: ROWS, sqlalchemy=lambda **_: []), {})
    assert publisher.events[-1].outcome is Outcome.MISMATCH and publisher.events[-1].reason is None


def test_the_rerun_works_off_the_callers_thread() -> None:
    publisher = RecordingPublisher()
    router = _recheck_router(publisher, pool=CandidatePool(1, 4))
    try:
        paths = Paths(legacy=lambda **_: ROWS, sqlalchemy=_flaky(ROWS, [{"id": 2}], bad_calls=1))
        assert router.call(READ, paths, {}) == ROWS
        (event,) = publisher.wait_for(1)
        assert event.threaded and event.outcome is Outcome.RACED
    finally:
        router.close()


def test_a_labelled_race_does_not_trip_the_breaker() -> None:
    router = _recheck_router(RecordingPublisher(), mode=Mode.REVERSE_SHADOW)
    breaker = attach(router, failures=1, window=5)
    flaky = Paths(legacy=_flaky(ROWS, [], bad_calls=1), sqlalchemy=lambda **_: ROWS)
    router.call(READ, flaky, {})
    assert router.mode("d") is Mode.REVERSE_SHADOW and breaker.demotions == []
    router.call(READ, Paths(legacy=lambda **_: [], sqlalchemy=lambda **_: ROWS), {})
    assert router.mode("d") is Mode.SHADOW
