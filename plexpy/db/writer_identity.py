"""Who wrote an outbox intent, and whether that writer is gone (so its intents must be recovered).

An identity is ``pid:start:token``: the process id, the process start time in clock ticks since boot (from
``/proc``; ``-`` where there is none) and a token per open writer. A writer is gone when its process is
dead, when its pid now belongs to a process started at another time, or — in this very process — when that
writer was closed (or belonged to an earlier incarnation with the same pid, as after a container restart).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["forget_identity", "new_identity", "writer_gone"]

#: The identities of the writers open in this process (their intents are live).
_LIVE: set[str] = set()


def _started(pid: int) -> str:
    """The start time of process ``pid`` in clock ticks since boot (``-`` where /proc cannot tell)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "-"
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_identity() -> str:
    """A fresh identity for a writer opened in this process (live until :func:`forget_identity`)."""
    identity = f"{os.getpid()}:{_started(os.getpid())}:{uuid.uuid4().hex}"
    _LIVE.add(identity)
    return identity


def forget_identity(identity: str) -> None:
    """Mark a writer of this process closed: its leftover intents may be recovered."""
    _LIVE.discard(identity)


def writer_gone(identity: str) -> bool:
    """Whether the writer ``identity`` (``pid:start:token``) can no longer settle its intents."""
    pid_text, started, _token = identity.split(":", 2)
    pid = int(pid_text)
    if pid == os.getpid() and started == _started(pid):
        return identity not in _LIVE
    if not _alive(pid):
        return True
    return started != "-" and started != _started(pid)  # the pid now belongs to another process
