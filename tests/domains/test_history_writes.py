"""History writes on both paths: the deletes of ``plexpy.database`` and re-keying metadata (``update_metadata``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from plexpy import context
from plexpy.datafactory import DataFactory
from plexpy.domains.history import writing
from plexpy.facades.history_deletes import (
    delete_library_history,
    delete_rows_from_table,
    delete_session_history_rows,
    delete_user_history,
)
from plexpy.plex import RecordedPlex

HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")


@pytest.fixture(autouse=True)
def _forget_rekeyed_rows():
    """``update_metadata`` remembers re-keyed rows per process (as Tautulli does); each test starts afresh."""
    writing.remember_updated_ids({})
    yield
    writing.remember_updated_ids({})


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def counts(db: Path, where: str = "1 = 1") -> list[int]:
    return [rows(db, f"SELECT COUNT(*) FROM {t} WHERE {where}")[0][0] for t in HISTORY]


def pms(key: int, body: str) -> dict[str, Any]:
    return {"url": f"/library/metadata/{key}?includeMarkers=1", "status": 200, "body": body}


def test_deleting_rows_by_comma_string_or_list(facade_mode: str, sample_db: Path) -> None:
    total = counts(sample_db)
    assert delete_session_history_rows(row_ids="1,2,3,4,10") is True
    assert counts(sample_db) == [n - 5 for n in total]
    assert delete_session_history_rows(row_ids="999999999,abc, 5") is True  # 'abc' is id 0; ' 5' is 5
    assert delete_session_history_rows(row_ids=["6", 7, 7.0, None, "x"]) is True
    assert counts(sample_db) == [n - 8 for n in total]
    assert counts(sample_db, "id IN (1, 2, 3, 4, 5, 6, 7, 10)") == [0, 0, 0]
    assert delete_session_history_rows(row_ids="") is True
    assert delete_session_history_rows(row_ids=None) is True
    assert delete_session_history_rows(row_ids=[]) is True
    assert delete_session_history_rows(row_ids=12) is False  # not a list: Tautulli's chunking fails
    assert delete_session_history_rows(row_ids=[{"id": 12}]) is False
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'session_history'") == [(4133,)]


def test_deleting_more_than_a_chunk_and_vacuuming_once(facade_mode: str, sample_db: Path, monkeypatch) -> None:
    from plexpy.db import sqlite_executor
    from plexpy.domains.history import _sqla_writes

    vacuums = []
    monkeypatch.setattr(sqlite_executor.SqliteExecutor, "vacuum", lambda self: vacuums.append("legacy"))
    monkeypatch.setattr(_sqla_writes, "vacuum", lambda engine: vacuums.append("sqlalchemy"))
    ids = [r[0] for r in rows(sample_db, "SELECT id FROM session_history ORDER BY id LIMIT 1500")]
    assert delete_session_history_rows(row_ids=",".join(map(str, ids))) is True
    assert counts(sample_db, f"id <= {ids[-1]}") == [0, 0, 0]
    assert vacuums == [facade_mode]  # after the commit; nothing to vacuum when nothing was asked
    assert delete_session_history_rows(row_ids=[]) is True
    assert vacuums == [facade_mode]


def test_deleting_from_one_table(facade_mode: str, sample_db: Path) -> None:
    assert delete_rows_from_table("session_history_media_info", "11,12") is True
    assert counts(sample_db, "id IN (11, 12)") == [2, 0, 2]
    assert delete_rows_from_table("Session_History", [11]) is True  # SQLite's names ignore case
    assert delete_rows_from_table("no_such_table", "13") is False
    assert delete_rows_from_table("version_info", "1") is False  # no id column
    assert delete_rows_from_table("users; DROP TABLE users", "1") is False
    assert delete_rows_from_table("no_such_table", "") is True  # nothing asked, nothing checked
    assert rows(sample_db, "SELECT COUNT(*) FROM users")[0][0] > 0


def test_deleting_a_users_and_a_librarys_history(facade_mode: str, sample_db: Path) -> None:
    assert counts(sample_db, "id IN (SELECT id FROM session_history WHERE user_id = 8067931)")[0] == 175
    assert delete_user_history(user_id=8067931) is True
    assert counts(sample_db, "id IN (SELECT id FROM session_history WHERE user_id = 8067931)") == [0, 0, 0]
    assert delete_user_history(user_id="abc") is None
    assert delete_user_history(user_id="-1") is None
    assert delete_user_history(user_id=424242) is True  # no plays: nothing to delete
    before = counts(sample_db)
    nine = rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE section_id = 9")[0][0]
    assert nine == 63  # 65 plays, 2 of them the user's
    assert delete_library_history(section_id="9") is True  # by section id alone, whatever the server
    assert counts(sample_db) == [n - nine for n in before]
    assert delete_library_history(section_id=None) is None


def test_a_failing_delete_leaves_all_three_tables(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER boom BEFORE DELETE ON session_history_metadata BEGIN SELECT RAISE(ABORT, 'boom'); END")
    before = counts(sample_db)
    assert delete_session_history_rows(row_ids="20,21") is False
    assert delete_user_history(user_id=8067931) is False
    assert counts(sample_db) == before


MOVIE = ('<MediaContainer size="1" librarySectionID="5"><Video ratingKey="5001119" type="movie" title="Canyon II" '
         'guid="plex://movie/new" year="2009" duration="100" addedAt="1" updatedAt="2" thumb="/t">'
         '<Genre tag="Drama"/><Genre tag="Noir"/><Writer tag="O\'Hara"/></Video></MediaContainer>')
SHOW = ('<MediaContainer size="1" librarySectionID="2"><Directory ratingKey="5020579" type="show" '
        'title="Voyage" duration="42"/></MediaContainer>')
SEASON = ('<MediaContainer size="1" librarySectionID="2"><Directory ratingKey="5020595" type="season" title="S2" '
          'parentRatingKey="5020579" index="2"/></MediaContainer>')


def test_update_metadata_rekeys_an_item_and_rewrites_its_rows(facade_mode: str, sample_db: Path) -> None:
    old = rows(sample_db, "SELECT id FROM session_history WHERE rating_key = 1119 ORDER BY id")
    with context.call_context(plex=RecordedPlex([pms(5001119, MOVIE)])):
        result = DataFactory().update_metadata(old_key_list={0: {"rating_key": 1119}},
                                               new_key_list={0: {"rating_key": 5001119}}, media_type="movie",
                                               single_update=True)
    assert result == "Updated metadata in database."
    ids = tuple(r[0] for r in old)
    marks = ",".join("?" * len(ids))
    assert rows(sample_db, f"SELECT DISTINCT rating_key, section_id FROM session_history WHERE id IN ({marks})",
                ids) == [(5001119, 5)]
    assert rows(sample_db, f"SELECT DISTINCT rating_key FROM session_history_media_info WHERE id IN ({marks})",
                ids) == [(5001119,)]
    assert rows(sample_db, f"SELECT DISTINCT rating_key, parent_rating_key, title, full_title, year, genres, "
                f"writers, media_index FROM session_history_metadata WHERE id IN ({marks})", ids) == [
        (5001119, "", "Canyon II", "Canyon II", 2009, "Drama;Noir", "O'Hara", "")]


def test_update_metadata_levels_and_the_rows_already_rekeyed(facade_mode: str, sample_db: Path) -> None:
    data = DataFactory()
    before = rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE grandparent_rating_key = 20579")[0][0]
    old = {"0": {"rating_key": 20579, "children": {"2": {"rating_key": 20595}}}, "x": {"rating_key": 1}}
    new = {"0": {"rating_key": 5020579, "children": {"2": {"rating_key": 5020595}}}, "section_id": "2"}
    plex = RecordedPlex([pms(5020579, SHOW), pms(5020595, SEASON), pms(5020579, SHOW)])
    with context.call_context(plex=plex):
        assert data.update_metadata(old_key_list=old, new_key_list=new, single_update=True) == \
            "Updated metadata in database."
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE grandparent_rating_key = 5020579") == [(before,)]
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history_metadata WHERE grandparent_rating_key = 5020579"
                ) == [(before,)]
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE parent_rating_key = 20595") == [(0,)]
    # Without single_update, rows re-keyed by the last run are left alone: moving the show back does nothing.
    back_old = {"0": {"rating_key": 5020579}}
    back_new = {"0": {"rating_key": 20579}}
    show_again = ('<MediaContainer size="1"><Directory ratingKey="20579" type="show" title="Voyage"/>'
                  '</MediaContainer>')
    with context.call_context(plex=RecordedPlex([pms(20579, show_again)])):
        assert data.update_metadata(old_key_list=back_old, new_key_list=back_new) == "Updated metadata in database."
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE grandparent_rating_key = 20579") == [(0,)]
    with context.call_context(plex=RecordedPlex([pms(20579, show_again)])):
        data.update_metadata(old_key_list=back_old, new_key_list=back_new, single_update=True)
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE grandparent_rating_key = 20579") == [(before,)]
    assert data.update_metadata(old_key_list={}, new_key_list=new) == \
        "Unable to update metadata in database. No changes were made."
    with context.call_context(plex=RecordedPlex([])):  # Plex knows nothing: the pair is skipped
        assert data.update_metadata(old_key_list=back_old, new_key_list=back_new, single_update=True) == \
            "Updated metadata in database."
    with pytest.raises(TypeError):
        data.update_metadata(old_key_list={"0": "x"}, new_key_list={"0": "y"})


def test_update_metadata_details_takes_ids_as_text(facade_mode: str, sample_db: Path) -> None:
    metadata = {"media_type": "episode", "section_id": "7", "rating_key": "9", "parent_rating_key": "8",
                "grandparent_rating_key": "7", "title": "T", "parent_title": "P", "grandparent_title": "G",
                "original_title": "", "media_index": "3", "parent_media_index": "1", "thumb": "", "parent_thumb": "",
                "grandparent_thumb": "", "art": "", "year": "", "originally_available_at": "", "added_at": "",
                "updated_at": "", "last_viewed_at": "", "content_rating": "", "summary": "", "tagline": "",
                "rating": "", "duration": "", "guid": "g", "directors": [], "writers": [], "actors": ["A", "B"],
                "genres": [], "studio": "", "labels": []}
    data = DataFactory()
    assert data.update_metadata_details(metadata=metadata, ids=["30", "31"]) is None
    assert rows(sample_db, "SELECT id, rating_key, full_title, media_index, actors, year FROM "
                "session_history_metadata WHERE id IN (30, 31)") == [(30, 9, "G - T", 3, "A;B", ""),
                                                                     (31, 9, "G - T", 3, "A;B", "")]
    assert rows(sample_db, "SELECT DISTINCT section_id FROM session_history WHERE id IN (30, 31)") == [(7,)]
    assert data.update_metadata_details(metadata=None, ids=["30"]) is None
    with pytest.raises(TypeError):
        data.update_metadata_details(metadata=metadata, ids=[30])  # Tautulli joins the ids as text
    with pytest.raises(ValueError, match="invalid literal"):
        data.update_metadata_details(metadata=metadata, ids=["30) OR (1=1"])


def test_pairs_follow_the_old_tree() -> None:
    old = {0: {"rating_key": 1, "children": {1: {"rating_key": 2}, 2: {"rating_key": 3}}}, 9: {"rating_key": 4}}
    new = {0: {"rating_key": 11, "children": {1: {"rating_key": 12}}}, "section_id": "2"}
    assert writing.key_pairs(old, new) == {1: 11, 2: 12}
    assert writing.key_pairs("", new) == {}
    assert writing.row_ids("1, 2,x,") == [1, 2, 0, 0]


def _history_script() -> dict[str, Any]:
    """Every history write once; their answers."""
    data = DataFactory()
    answers: dict[str, Any] = {}
    with context.call_context(plex=RecordedPlex([pms(5001119, MOVIE)])):
        answers["update_metadata"] = data.update_metadata(old_key_list={0: {"rating_key": 1119}},
                                                          new_key_list={0: {"rating_key": 5001119}},
                                                          single_update=True)
    blank = ("parent_rating_key", "grandparent_rating_key", "parent_title", "grandparent_title", "original_title",
             "media_index", "parent_media_index", "thumb", "parent_thumb", "grandparent_thumb", "art", "year",
             "originally_available_at", "added_at", "updated_at", "last_viewed_at", "content_rating", "summary",
             "tagline", "rating", "duration", "studio")
    metadata = {**dict.fromkeys(blank, ""), "media_type": "track", "section_id": "3", "rating_key": "77",
                "title": "Song", "guid": "g", "directors": [], "writers": [], "actors": [], "genres": ["Folk"],
                "labels": []}
    answers["update_metadata_details"] = data.update_metadata_details(metadata=metadata, ids=["40", "41"])
    answers["delete_session_history_rows"] = delete_session_history_rows(row_ids="1,2,3,abc")
    answers["delete_rows_from_table"] = delete_rows_from_table("session_history_media_info", [50, "51"])
    answers["delete_user_history"] = delete_user_history(user_id="8067931")
    answers["delete_library_history"] = delete_library_history(section_id=9)
    return answers


@pytest.fixture
def shadow(sample_db: Path, tmp_path: Path):
    from plexpy import bootstrap, config, runtime
    from shim.testing import RecordingPublisher

    built = []

    def make(mode: str) -> RecordingPublisher:
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "backends": {"default": mode},
            "report_dir": str(tmp_path / "reports")})
        recorder = RecordingPublisher()
        rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[recorder]))
        built.append(rt)
        scope = runtime.use(rt)
        scope.__enter__()
        built.append(scope)
        return recorder

    with context.call_context(now=1768478400, tz="UTC"):
        yield make
    for item in reversed(built):
        item.__exit__(None, None, None) if hasattr(item, "__exit__") else item.close()


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_every_history_write_is_verified_in_shadow(shadow, sample_db: Path, mode: str) -> None:
    from shim.observation import Outcome

    recorder = shadow(mode)
    total = counts(sample_db)
    answers = _history_script()
    assert answers == {"update_metadata": "Updated metadata in database.", "update_metadata_details": None,
                       "delete_session_history_rows": True, "delete_rows_from_table": True,
                       "delete_user_history": True, "delete_library_history": True}
    writes = {e.operation: e for e in recorder.events if e.domain == "history"}
    assert set(writes) == set(answers)
    for name in answers:
        assert writes[name].outcome is Outcome.MATCH, (name, writes[name].difference)
        assert writes[name].verification == "transaction"
    assert writes["delete_user_history"].changes["answering"]["rows"] == 3 * 175
    assert counts(sample_db) == [total[0] - 3 - 175 - 63, total[1] - 5 - 175 - 63, total[2] - 3 - 175 - 63]


def test_both_paths_leave_identical_rows(sample_db: Path, tmp_path: Path) -> None:
    from plexpy import bootstrap, config, runtime
    from plexpy.db.engine import build_engine
    from plexpy.db.state import dump_state

    states = []
    for mode in ("legacy", "sqlalchemy"):
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=1768478400, tz="UTC"):
            answers = _history_script()
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        states.append((answers, dump_state(engine, [*HISTORY, "sqlite_sequence"])))
        engine.dispose()
    assert states[0] == states[1]


#: The recorded steps of the history writes and of the activity writer (28 + 8 of the 105).
_OURS = ("plexpy.activity_processor:", "plexpy.datafactory:DataFactory.update_metadata", "plexpy.database:delete_")


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str, monkeypatch) -> None:
    import plexpy.database
    from plexpy.commands.replay_writes import replay_writes
    from plexpy.facades import history_deletes

    for name in history_deletes.__all__:  # what plexpy.database re-exports (added by its owner)
        monkeypatch.setattr(plexpy.database, name, getattr(history_deletes, name), raising=False)
    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=101)
    ours = [s for s in result.steps if s.target.startswith(_OURS) and "delete_sessions" not in s.target]
    assert len(ours) == 36, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
