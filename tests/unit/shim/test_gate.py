"""The flip gate: which events count as evidence, each rule measured, and the step a flip plans."""

from __future__ import annotations

from typing import Any

import pytest

from shim.gate import Evidence, GateRules, collect, evaluate, evidence_modes, plan
from shim.modes import Mode

RULES = GateRules(min_calls=10, min_operations=3, max_mismatches=0, max_error_rate=0.1, max_latency_ratio=2.0,
                  latency_floor_ms=5.0)


def _event(name: str = "parity.match", *, domain: str = "users", op: str = "get_details", mode: str = "shadow",
           answering_ms: float | None = 1.0, compared_ms: float | None = 1.5, **extra: Any) -> dict[str, Any]:
    answering, compared = ("legacy", "sqlalchemy") if mode != "reverse-shadow" else ("sqlalchemy", "legacy")
    event = {"event": name, "domain": domain, "operation": op, "mode": mode, "answering": answering,
             "compared": compared, "answering_ms": answering_ms, "compared_ms": compared_ms, **extra}
    return {k: v for k, v in event.items() if v is not None}


def _evidence(events: list[dict[str, Any]], modes: tuple[str, ...] = ("shadow",)) -> Evidence:
    return collect("users", (("run-1", e) for e in events), modes=modes)


def _clean(n: int = 12, ops: int = 4, **kwargs: Any) -> list[dict[str, Any]]:
    return [_event(op=f"op{i % ops}", **kwargs) for i in range(n)]


def _failed(verdict: Any) -> list[str]:
    return [c.name for c in verdict.checks if not c.passed]


def test_the_step_out_of_each_mode_counts_that_modes_comparisons() -> None:
    assert evidence_modes(Mode.LEGACY) == ("shadow", "reverse-shadow")
    assert evidence_modes(Mode.SHADOW) == ("shadow",)
    assert evidence_modes(Mode.REVERSE_SHADOW) == ("reverse-shadow",)
    assert evidence_modes(Mode.SQLALCHEMY) == ()


def test_plan_moves_one_step_forward_by_default_and_anywhere_back() -> None:
    assert plan(Mode.LEGACY, None) == (Mode.SHADOW, "forward")
    assert plan(Mode.SQLALCHEMY, Mode.LEGACY) == (Mode.LEGACY, "back")
    assert plan(Mode.SHADOW, Mode.SHADOW) == (Mode.SHADOW, "none")
    assert plan(Mode.LEGACY, Mode.SQLALCHEMY) == (Mode.SQLALCHEMY, "forward")
    with pytest.raises(ValueError, match="last mode"):
        plan(Mode.SQLALCHEMY, None)


def test_evidence_keeps_only_this_domain_its_modes_and_no_aa() -> None:
    events = [*_clean(3), _event(domain="history"), _event(mode="reverse-shadow"), _event(aa=True),
              _event("parity.mismatch", aa=True), _event("candidate.skipped", answering_ms=None, compared_ms=None),
              {"event": "flags.demoted", "domain": "users", "from": "reverse-shadow", "to": "shadow"}]
    evidence = _evidence(events)
    assert (evidence.compared, evidence.matches, len(evidence.demotions)) == (3, 3, 1)
    assert evidence.aa == {"calls": 2, "mismatches": 1}
    assert evidence.runs == {"run-1"} and evidence.operations == {"op0", "op1", "op2"}
    assert evidence.p("legacy", 0.5) == 1.0 and evidence.p("sqlalchemy", 0.95) == 1.5
    assert evidence.latency_ratio == 1.5


def test_clean_evidence_meets_every_rule() -> None:
    verdict = evaluate(_evidence(_clean()), RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW,
                       total_operations=15)
    assert verdict.passed and verdict.missing == []
    assert verdict.as_dict()["checks"][0] == {"name": "calls", "passed": True,
                                              "detail": "calls: 12 compared in shadow, at least 10 needed"}


def test_each_rule_says_what_is_missing() -> None:
    verdict = evaluate(_evidence([]), RULES, current=Mode.LEGACY, target=Mode.SHADOW, total_operations=15)
    assert _failed(verdict) == ["calls", "operations"]
    assert verdict.missing[0] == "calls: 0 compared in shadow, at least 10 needed"
    assert verdict.missing[1] == "operations: 0 of 15 covered, at least 3 needed"


def test_operations_needed_are_capped_at_the_domains_size() -> None:
    evidence = _evidence(_clean(12, ops=2))
    assert _failed(evaluate(evidence, RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW,
                            total_operations=15)) == ["operations"]
    assert evaluate(evidence, RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW, total_operations=2).passed


def test_an_unexplained_mismatch_blocks_but_a_race_does_not() -> None:
    raced = _evidence([*_clean(), _event("parity.raced", reason="recheck: race (equal when both paths ran again)")])
    verdict = evaluate(raced, RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW)
    assert verdict.passed and raced.recheck == {"race": 1} and raced.raced == 1
    for name in ("parity.mismatch", "candidate.wrong_type"):
        blocked = evaluate(_evidence([*_clean(), _event(name)]), RULES, current=Mode.SHADOW,
                           target=Mode.REVERSE_SHADOW)
        assert _failed(blocked) == ["mismatches"]
        assert "1 unexplained (0 explained as races), at most 0 allowed" in blocked.missing[0]


def test_the_error_rate_counts_candidate_errors_and_timeouts() -> None:
    events = [*_clean(16), _event("candidate.error"), _event("candidate.timed_out")]
    evidence = _evidence(events)
    assert evidence.error_rate == pytest.approx(2 / 18)
    verdict = evaluate(evidence, RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW)
    assert _failed(verdict) == ["errors"] and "1 errors and 1 timeouts (11.11%)" in verdict.missing[0]


def test_latency_regresses_only_when_both_relatively_and_absolutely_slower() -> None:
    fast_but_tripled = _evidence(_clean(compared_ms=3.0))  # ×3 yet only 2 ms slower: not a regression
    assert evaluate(fast_but_tripled, RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW).passed
    slower = _evidence(_clean(answering_ms=10.0, compared_ms=30.0))  # ×3 and 20 ms slower
    verdict = evaluate(slower, RULES, current=Mode.SHADOW, target=Mode.REVERSE_SHADOW)
    assert _failed(verdict) == ["latency"] and "(×3.00, +20.00 ms)" in verdict.missing[0]
    in_reverse = _evidence(_clean(mode="reverse-shadow", answering_ms=30.0, compared_ms=10.0), ("reverse-shadow",))
    assert in_reverse.latency_ratio == 3.0, "the ratio is always sqlalchemy over legacy, whichever answered"


def test_evidence_as_json_is_what_the_history_records() -> None:
    data = _evidence(_clean(4)).as_dict()
    assert data["compared"] == 4 and data["operations"] == ["op0", "op1", "op2", "op3"]
    assert data["p95_ms"] == {"legacy": 1.0, "sqlalchemy": 1.5} and data["latency_ratio"] == 1.5
