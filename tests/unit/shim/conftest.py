"""Router fixtures: a one-domain router in any mode, inline or off-thread, with a recording publisher."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shim.clock import SystemClock
from shim.modes import Mode
from shim.router import Router
from shim.runner import CandidatePool
from shim.testing import RecordingPublisher


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def make_router(publisher: RecordingPublisher) -> Iterator[Callable[..., Router]]:
    """``make_router(mode, threaded=False, timeout=0.2, **kwargs)`` → a router over the domain ``d``."""
    built: list[Router] = []

    def make(mode: Mode | str = Mode.SHADOW, *, threaded: bool = False, timeout: float | None = 0.2,
             workers: int = 2, queue_size: int = 16, seed: int = 7, **kwargs: Any) -> Router:
        kwargs.setdefault("publishers", [publisher])
        router = Router({"d": Mode(mode)}, clock=kwargs.pop("clock", SystemClock()), rng=random.Random(seed),
                        candidate_timeout=timeout, pool=CandidatePool(workers, queue_size) if threaded else None,
                        **kwargs)
        built.append(router)
        return router

    yield make
    for router in built:
        router.close()
