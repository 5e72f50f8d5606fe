"""The Alembic side of :mod:`plexpy.commands.migrate`: the revisions, the upgrade plan and running ``env.py``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from plexpy.commands.migrate_results import PlannedRevision

__all__ = ["ALEMBIC_DIR", "BASELINE_REVISION", "TAUTULLI_SHAPE_REVISION", "alembic_config"]

#: The top-level ``alembic/`` folder of the project (no ``__init__.py``: never importable).
ALEMBIC_DIR: Final = Path(__file__).resolve().parents[2] / "alembic"
#: The revision whose post-state is "every v2.17.2 table exists"; older shapes start before it.
BASELINE_REVISION: Final = "0001"
#: The last revision of Tautulli v2.17.2's own schema; later ones (``0016``: performance indexes) are the
#: project's additions, so a current Tautulli database is stamped here and upgraded through them.
TAUTULLI_SHAPE_REVISION: Final = "0015"


def alembic_config(connection: Connection | None = None, on_version_apply: Any = ()) -> Config:
    """An Alembic :class:`Config` for the project's revisions, optionally bound to ``connection``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    cfg.attributes["on_version_apply"] = on_version_apply
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    """The revisions, read once per process."""
    return ScriptDirectory.from_config(alembic_config())


def _plan(start: str | None) -> tuple[PlannedRevision, ...]:
    script = _script()
    revisions = list(script.iterate_revisions("head", start or "base"))
    revisions.reverse()
    return tuple(
        PlannedRevision(r.revision, (r.doc or "").strip().splitlines()[0] if r.doc else "")
        for r in revisions if r.revision != start
    )


def _run_env(cfg: Config, fn: Callable[..., Any], **kw: Any) -> None:
    """Run env.py once, ``fn`` choosing the steps.

    This is what ``alembic.command.stamp``/``upgrade`` do, on the revisions :func:`_script` has
    already read instead of reading them again for each command.
    """
    script = _script()
    with EnvironmentContext(cfg, script, fn=fn, **kw):
        script.run_env()


def _head() -> str | None:
    return _script().get_current_head()
