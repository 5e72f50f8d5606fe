"""Which routed calls also run the compared path: a rate per operation, per domain, or overall."""

from __future__ import annotations

import random
from collections.abc import Mapping

from shim.errors import ConfigError
from shim.operation import Operation

__all__ = ["Sampler"]


def _checked(name: str, rate: float) -> float:
    value = float(rate)
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"sample rate of {name}: expected a number between 0 and 1, got {rate!r}")
    return value


class Sampler:
    """Decides per call whether the compared path runs; chance comes from an injected ``random.Random``.

    The most specific rate wins: ``per_operation`` (keys ``domain.operation``), then ``per_domain``, then
    ``rate``. A rate of 1 always samples and 0 never does, without drawing a number.
    """

    def __init__(
        self,
        rate: float = 1.0,
        *,
        per_domain: Mapping[str, float] | None = None,
        per_operation: Mapping[str, float] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.rate = _checked("default", rate)
        self.per_domain = {k: _checked(k, v) for k, v in (per_domain or {}).items()}
        self.per_operation = {k: _checked(k, v) for k, v in (per_operation or {}).items()}
        self._rng = rng or random.Random()  # noqa: S311 - sampling, not security

    def rate_for(self, op: Operation) -> float:
        """The sampling rate that applies to ``op``."""
        if op.key in self.per_operation:
            return self.per_operation[op.key]
        return self.per_domain.get(op.domain, self.rate)

    def sampled(self, op: Operation) -> bool:
        """Whether this call of ``op`` runs the compared path."""
        rate = self.rate_for(op)
        if rate >= 1.0:
            return True
        if rate <= 0.0:
            return False
        return self._rng.random() < rate
