"""Every recorded read call of the bundled oracle sample, through the facades, on both paths.

A domain is listed in IMPLEMENTED once both of its twins exist; its records must then all match what the real
Tautulli v2.17.2 returned. The test also checks that it ran every record of those domains in the file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from plexpy.commands.replay import load_records, replay_calls

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
RECORDS = load_records(SAMPLE / "calls.jsonl")
COUNTS = Counter(r["domain"] for r in RECORDS)

IMPLEMENTED = [
    "users", "notifications", "newsletters", "lookups",
    "libraries", "mobile_devices", "exports", "auth", "api_sql", "maintenance",
    "home_stats", "graphs",
    "history", "activity",
]


@pytest.fixture(scope="module", params=["legacy", "sqlalchemy"])
def replayed(request: pytest.FixtureRequest):
    return replay_calls(SAMPLE / "calls.jsonl", SAMPLE / "tautulli.db", backend=request.param,
                        domains=IMPLEMENTED, records=RECORDS)


@pytest.mark.parametrize("domain", IMPLEMENTED)
def test_every_record_of_the_domain_matches(replayed, domain: str) -> None:
    results = [r for r in replayed.results if r.domain == domain]
    assert len(results) == COUNTS[domain], "every record of the domain in calls.jsonl must be replayed"
    failures = [f"{r.id} {r.target}: {r.difference}" for r in results if not r.passed]
    print(f"{domain} ({replayed.backend}): {len(results) - len(failures)} of {COUNTS[domain]} records match")
    assert not failures, "\n".join(failures[:15])


def test_coverage_is_reported(replayed) -> None:
    covered = sum(COUNTS[d] for d in IMPLEMENTED)
    print(f"{covered} of {len(RECORDS)} recorded calls covered ({replayed.backend})")
    assert replayed.passed + replayed.failed == covered
