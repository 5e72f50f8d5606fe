"""Generic strangler-fig machinery: modes, routing, comparison and parity reports.

The shim knows nothing about Tautulli: the application passes it domains, operations and paths. Only pure
modules are re-exported here (none of them imports SQLAlchemy or the application).
"""

from shim.flags import FlagStore
from shim.modes import Mode
from shim.observation import Comparison, Observation, Outcome, ParityEvent
from shim.operation import Kind, Operation, Ordering, operations
from shim.router import Paths, Router
from shim.runner import CandidatePool
from shim.sampling import Sampler

__all__ = [
    "CandidatePool",
    "Comparison",
    "FlagStore",
    "Kind",
    "Mode",
    "Observation",
    "Operation",
    "Ordering",
    "Outcome",
    "ParityEvent",
    "Paths",
    "Router",
    "Sampler",
    "operations",
]
