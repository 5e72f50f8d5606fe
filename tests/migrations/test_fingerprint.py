"""Recognising a database by its schema, not by its version string."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from migration_corpus import CORPUS, FRESH, release_dirs

from plexpy.db import fingerprint, release_shapes
from plexpy.db.fingerprint import State, detect

TAGS = {d["name"]: d["tag"] for d in json.loads((CORPUS / "index.json").read_text())}
ORDER = {tag: n for n, tag in enumerate(release_shapes.RELEASES)}


def _detect(path: Path) -> fingerprint.Detection:
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as conn:
            return detect(conn)
    finally:
        engine.dispose()


def _in_range(tag: str, release_range: str) -> bool:
    first, _, last = release_range.partition(" ... ")
    return ORDER[first] <= ORDER[tag] <= ORDER[last or first]


@pytest.mark.parametrize("release", release_dirs(), ids=lambda d: d.name)
def test_each_release_is_recognised_as_itself(release: Path) -> None:
    found = _detect(release / "before.db")
    assert found.exact, found.differences
    assert _in_range(TAGS[release.name], found.release_range or "")
    assert found.unknown == ()
    expected = {"v1.0": State.FAILING, "v2.1.4": State.FAILING, "v2.17.2": State.CURRENT}
    assert found.state is expected.get(release.name, State.LEGACY)


@pytest.mark.parametrize("release", [d for d in release_dirs() if (d / "steady_after.db").exists()],
                         ids=lambda d: d.name)
def test_tautulli_one_run_state_is_not_current_but_its_steady_state_is(release: Path) -> None:
    assert _detect(release / "expected_after.db").state is State.LEGACY
    assert _detect(release / "steady_after.db").state is State.CURRENT


def test_fresh_database_is_current_and_the_latest_shape() -> None:
    found = _detect(FRESH)
    assert (found.state, found.exact, found.release_range) == (State.CURRENT, True, "v2.17.0 ... v2.17.2")
    assert fingerprint.missing_for_current(found.fingerprint) == []


def test_known_failures_name_their_releases() -> None:
    ranges = {f.name: f.releases for f in fingerprint.known_failures()}
    assert ranges == {"notify_log_without_on_created": "v1.0 ... v1.2.3",
                      "newsletters_without_id_name": "v2.1.0-beta ... v2.1.5-beta"}


def test_catalogue_covers_every_release_tag() -> None:
    shapes = release_shapes.SHAPES
    assert shapes[0][0] == release_shapes.RELEASES[0] and shapes[-1][1] == "v2.17.2"
    covered = [t for first, last, _a, _r in shapes
               for t in release_shapes.RELEASES[ORDER[first]:ORDER[last] + 1]]
    assert covered == list(release_shapes.RELEASES)


def test_empty_file_is_a_fresh_install(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    assert _detect(db).state is State.EMPTY
