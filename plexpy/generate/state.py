"""The builder's shared state: the one seeded ``random.Random``, the catalogue lists and word helpers."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from plexpy.generate.constants import _WORDS


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    running = 0.0
    for weight in weights:
        running += weight
        yield running



class _BuilderState:
    """One seeded ``random.Random`` and what the mixins draw into it (catalogue, users, plays)."""

    user_devices: list[list[int]]
    user_weights: list[float]
    weekend: list[bool]

    def __init__(self, seed: int, sessions: int, now: int, tz: str, months: int, users: int | None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.sessions = sessions
        self.now = now
        self.zone = ZoneInfo(tz)
        self.span_days = max(1, round(months * 30.44))
        self.user_count = users or max(10, min(500, round(sessions**0.5)))
        self.items: list[tuple[Any, ...]] = []  # (rating_key, parent, grandparent, media_type, section, ms, source)
        self.meta: list[tuple[Any, ...]] = []   # metadata row without its id
        self.by_section: dict[int, tuple[list[int], list[float]]] = {}

    # -- words -------------------------------------------------------------------------------------------
    def title(self, words: int = 2) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(words))

    def hexid(self, size: int = 24) -> str:
        return "%0*x" % (size, self.rng.getrandbits(size * 4))  # noqa: UP031 - fixed-width hex

