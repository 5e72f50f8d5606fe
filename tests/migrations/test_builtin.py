"""pytest-alembic's built-in checks: one head, upgrade from empty, model definitions equal the DDL.

``test_up_down_consistency`` runs too, over no revision: every revision refuses to downgrade
(Tautulli has none), so ``minimum_downgrade_revision`` is the head; ``test_downgrades_refuse``
checks that each one says why.
"""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from pytest_alembic.tests import (  # noqa: F401 - collected as tests
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from plexpy.commands.migrate import alembic_config


def test_revisions_are_sequential_and_documented() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(reversed(list(script.walk_revisions())))
    assert [r.revision for r in revisions] == [f"{n:04d}" for n in range(1, len(revisions) + 1)]
    for rev in revisions:
        assert rev.module.__doc__ and "Tautulli equivalent:" in rev.module.__doc__, rev.revision
        assert rev.path.endswith(f"{rev.revision}_{rev.path.rsplit('/', 1)[-1][5:]}")


#: Revisions that are the project's additions beyond Tautulli's schema (performance indexes): reversible.
PROJECT_REVISIONS = frozenset({"0016"})


def test_downgrades_refuse() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for rev in script.walk_revisions():
        if rev.revision in PROJECT_REVISIONS:
            continue
        with pytest.raises(NotImplementedError, match="Tautulli has no downgrade"):
            rev.module.downgrade()


def test_no_package_init_in_alembic_folder() -> None:
    from plexpy.commands.migrate import ALEMBIC_DIR

    assert not (ALEMBIC_DIR / "__init__.py").exists()
