"""Every release of the bundled corpus: migrated once to its target, a second run changes nothing.

The target is Tautulli's steady state: ``steady_after.db`` where a second start of Tautulli still
changes the file, else ``expected_after.db``. compare.py runs without ``--ignore-column-order``
and ignores only ``alembic_version``. Releases Tautulli itself cannot upgrade are refused with the
file untouched, byte for byte.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from migration_corpus import FRESH, differences, release_dirs, target_of

from plexpy.commands.migrate import UnsupportedReleaseError, migrate

RELEASES = release_dirs()
UPGRADABLE = [d for d in RELEASES if target_of(d) is not None]
FAILING = [d for d in RELEASES if (d / "expected_failure.json").exists()]
ONE_RUN = [d for d in RELEASES if (d / "steady_after.db").exists()]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corpus_is_complete() -> None:
    assert len(RELEASES) == 18
    assert {d.name for d in FAILING} == {"v1.0", "v2.1.4"}
    assert len(UPGRADABLE) + len(FAILING) == len(RELEASES)


@pytest.mark.parametrize("release", UPGRADABLE, ids=lambda d: d.name)
def test_release_reaches_its_target_in_one_run(release: Path, copy_of) -> None:
    db = copy_of(release / "before.db")
    result = migrate(db)
    assert result.changed and result.to_revision == "0016"
    assert differences(db, target_of(release), ignore_tables=["alembic_version"]) == []
    assert result.backup is not None and differences(result.backup, release / "before.db") == []

    settled = _sha(db)
    again = migrate(db)
    assert (again.changed, again.applied, again.backup) == (False, (), None)
    assert _sha(db) == settled


@pytest.mark.parametrize("release", ONE_RUN, ids=lambda d: d.name)
def test_tautulli_one_run_state_reaches_the_steady_state(release: Path, copy_of) -> None:
    db = copy_of(release / "expected_after.db")
    migrate(db, backup=False)
    assert differences(db, release / "steady_after.db", ignore_tables=["alembic_version"]) == []


@pytest.mark.parametrize("release", FAILING, ids=lambda d: d.name)
@pytest.mark.parametrize("source", ["before.db", "after_failed_dbcheck.db"])
def test_failing_release_is_refused_untouched(release: Path, source: str, copy_of) -> None:
    db = copy_of(release / source)
    digest = _sha(db)
    with pytest.raises(UnsupportedReleaseError) as refused:
        migrate(db)
    error = refused.value
    assert error.release in str(error) and "cannot upgrade" in str(error) and "Nothing was changed" in str(error)
    assert _sha(db) == digest
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]  # no backup, no -wal/-shm left


def test_new_database_is_a_fresh_v2_17_2(tmp_path: Path) -> None:
    db = tmp_path / "tautulli.db"
    result = migrate(db)
    assert result.state == "empty" and result.backup is None and len(result.applied) == 16
    assert differences(db, FRESH, ignore_tables=["alembic_version"]) == []
