"""Libraries writes on both paths: Tautulli's answers and rows, atomicity, and identical rows on both paths."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plexpy import context, libraries
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.db.state import dump_state
from plexpy.domains.libraries import legacy, sqla
from plexpy.libraries import Libraries
from plexpy.plex import PlexResponse, PlexUnavailableError
from shim.observation import Outcome

SERVER = "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"
ANCHOR = 1768478400
HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")
FLAGS = "SELECT deleted_section, keep_history, do_notify, do_notify_created FROM library_sections WHERE id = ?"


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def history_of(db: Path, section_id: int) -> list[int]:
    ids = [r[0] for r in rows(db, "SELECT id FROM session_history WHERE section_id = ?", (section_id,))]
    marks = ",".join("?" * len(ids))
    return [rows(db, f"SELECT COUNT(*) FROM {t} WHERE id IN ({marks})", tuple(ids))[0][0] for t in HISTORY]


@pytest.fixture
def server():
    """The configured Plex server of the sample."""
    with context.call_context(config={"PMS_IDENTIFIER": SERVER}):
        yield SERVER


class FakePlex:
    """A server listing an existing library (Movies, 161 items) and a new one (Kids, 3 items)."""

    SECTIONS = ('<MediaContainer size="2">'
                '<Directory key="1" type="movie" title="Movies" agent="tv.plex.agents.movie" '
                'thumb="/:/resources/movie.png" art="/:/resources/movie-fanart.jpg"/>'
                '<Directory key="12" type="movie" title="Kids ✓" agent="tv.plex.agents.movie" thumb="/k.png" art=""/>'
                "</MediaContainer>")
    COUNTS = (("1", "161"), ("12", "3"))

    def __init__(self) -> None:
        self.asked: list[str] = []

    def get(self, path: str) -> PlexResponse:
        self.asked.append(path)
        if path == "/library/sections":
            return PlexResponse(200, self.SECTIONS)
        for key, total in self.COUNTS:
            if path.startswith(f"/library/sections/{key}/all?"):
                return PlexResponse(200, f'<MediaContainer size="1" totalSize="{total}"><Video ratingKey="9"/>'
                                         "</MediaContainer>")
        raise PlexUnavailableError(path)


def test_set_config_is_keyed_by_section_id_alone(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("INSERT INTO library_sections (server_id, section_id, section_name) VALUES ('other-server', 2, 'TV')")
    assert Libraries().set_config(section_id="2", custom_thumb="t ✓", custom_art="a", do_notify="0",
                                  keep_history=0, do_notify_created=0) is None
    assert rows(sample_db, "SELECT server_id, custom_thumb_url, custom_art_url, do_notify, keep_history, "
                           "do_notify_created FROM library_sections WHERE section_id = 2 ORDER BY id") == [
        (SERVER, "t ✓", "a", 0, 0, 0), ("other-server", "t ✓", "a", 0, 0, 0)]
    assert Libraries().set_config(section_id=None, custom_thumb="x") is None
    assert Libraries().set_config(section_id=77) is None  # nothing matched: Tautulli's upsert inserts a bare row
    assert rows(sample_db, "SELECT server_id, section_name, is_active, deleted_section, custom_thumb_url, do_notify "
                           "FROM library_sections WHERE section_id = 77") == [(None, None, 1, 0, "", 1)]


def test_delete_purges_only_the_configured_servers_history(facade_mode: str, sample_db: Path, server: str) -> None:
    before = history_of(sample_db, 2)
    assert before[0] > 0
    assert Libraries().delete(section_id=2, server_id="other-server") is True
    assert history_of(sample_db, 2) == before
    assert rows(sample_db, FLAGS, (2,)) == [(0, 1, 1, 1)]
    assert Libraries().delete(section_id="2") is True
    assert history_of(sample_db, 2) == [0, 0, 0]
    assert rows(sample_db, FLAGS, (2,)) == [(1, 0, 0, 0)]
    assert Libraries().undelete(section_id="2") is True
    assert rows(sample_db, FLAGS, (2,)) == [(0, 1, 1, 1)]
    assert Libraries().delete(section_id="abc") is False
    assert Libraries().delete(section_id=None) is False


def test_delete_by_row_ids_and_purge_only(facade_mode: str, sample_db: Path, server: str) -> None:
    assert history_of(sample_db, 6)[0] > 0
    assert Libraries().delete(row_ids="5,999", purge_only=True) is True  # row 5 is section 6; 999 is unknown
    assert history_of(sample_db, 6) == [0, 0, 0]
    assert rows(sample_db, FLAGS, (5,)) == [(0, 1, 1, 1)]
    assert Libraries().delete(row_ids="abc") is True  # cast to 0: no library, all([]) is True
    with pytest.raises(AttributeError):
        Libraries().delete(row_ids=5)
    assert Libraries().delete(row_ids="3") is True
    assert rows(sample_db, FLAGS, (3,)) == [(1, 0, 0, 0)]


def test_undelete_by_id_or_name(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("UPDATE library_sections SET deleted_section = 1, keep_history = 0, do_notify = 0, do_notify_created = 0")
    assert Libraries().undelete(section_id=3) is None  # not a string: Tautulli's isdigit fails inside its try
    assert Libraries().undelete(section_id="abc") is None
    assert Libraries().undelete(section_id="424242") is False
    assert Libraries().undelete(section_name="Nope") is False
    for hostile in ("music", "Music%", "M_sic", "Music' OR '1'='1", "Müsic"):  # binary '=', bound, never LIKE
        assert Libraries().undelete(section_name=hostile) is False
    assert Libraries().undelete(section_id="abc", section_name="Music") is True
    assert Libraries().undelete(section_id="0999999") is True  # numeric text meets the INTEGER column as a number
    assert rows(sample_db, "SELECT id FROM library_sections WHERE deleted_section = 0 ORDER BY id") == [(3,), (9,)]
    assert rows(sample_db, FLAGS, (9,)) == [(0, 1, 1, 1)]


def test_add_live_tv_library_adds_once_and_refreshes_only_when_present(facade_mode: str, sample_db: Path,
                                                                       edit_db, server: str) -> None:
    edit_db("UPDATE library_sections SET section_name = 'Renamed', is_active = 0 WHERE id = 9")
    assert libraries.add_live_tv_library() is None  # present and no refresh: untouched
    assert rows(sample_db, "SELECT section_name, is_active FROM library_sections WHERE id = 9") == [("Renamed", 0)]
    assert libraries.add_live_tv_library(refresh=True) is None
    assert rows(sample_db, "SELECT section_name, section_type, thumb, art, is_active FROM library_sections "
                           "WHERE id = 9") == [("Live TV", "live", "interfaces/default/images/libraries/live.png",
                                                "interfaces/default/images/art-live-full.png", 1)]
    edit_db("DELETE FROM library_sections WHERE id = 9")
    assert libraries.add_live_tv_library(refresh=True) is None  # missing and refresh: nothing
    assert rows(sample_db, "SELECT COUNT(*) FROM library_sections WHERE section_id = 999999") == [(0,)]
    assert libraries.add_live_tv_library() is None
    assert rows(sample_db, "SELECT id, server_id, section_name, do_notify, deleted_section FROM library_sections "
                           "WHERE section_id = 999999") == [(11, SERVER, "Live TV", 1, 0)]


def test_refresh_libraries_stores_the_servers_libraries(facade_mode: str, sample_db: Path) -> None:
    assert libraries.refresh_libraries() is None  # no server configured
    with context.call_context(config={"PMS_IDENTIFIER": SERVER}):
        assert libraries.refresh_libraries() is False  # offline
    config = {"PMS_IDENTIFIER": SERVER, "HOME_LIBRARY_CARDS": ["1", "2"]}
    with context.call_context(plex=FakePlex(), config=config), libraries.config_changes() as changes:
        assert libraries.refresh_libraries() is True
    assert changes == {"HOME_LIBRARY_CARDS": ["1", "2", "12"]}
    assert rows(sample_db, "SELECT id, section_id, section_name, count, is_active FROM library_sections "
                           "WHERE section_id IN (1, 12) ORDER BY id") == [(1, 1, "Movies", 161, 1),
                                                                        (11, 12, "Kids ✓", 3, 1)]
    assert rows(sample_db, "SELECT section_id FROM library_sections WHERE is_active = 1 ORDER BY section_id") == [
        (1,), (12,), (999999,)]
    assert rows(sample_db, "SELECT typeof(section_id), typeof(count) FROM library_sections WHERE id = 11") == [
        ("integer", "integer")]


def test_delete_duplicate_libraries_keeps_the_configured_server(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("INSERT INTO library_sections (server_id, section_id) VALUES ('other-server', 1), (NULL, 2)")
    with context.call_context(config={"PMS_IDENTIFIER": None}):
        assert Libraries().delete_duplicate_libraries() == "Deleted duplicate libraries from the database."
    assert rows(sample_db, "SELECT COUNT(*) FROM library_sections") == [(12,)]  # '!= NULL' matches nothing
    with context.call_context(config={"PMS_IDENTIFIER": SERVER}):
        assert Libraries().delete_duplicate_libraries() == "Deleted duplicate libraries from the database."
    assert rows(sample_db, "SELECT COUNT(*), COUNT(server_id) FROM library_sections") == [(11, 10)]


def test_a_failing_purge_leaves_every_history_table_intact(facade_mode: str, sample_db: Path, edit_db,
                                                            server: str) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON session_history_metadata BEGIN SELECT RAISE(ABORT, 'no'); END")
    before = history_of(sample_db, 2)
    assert Libraries().delete(section_id=2) is False
    assert history_of(sample_db, 2) == before
    assert rows(sample_db, FLAGS, (2,)) == [(1, 0, 0, 0)]  # Tautulli still marks the library deleted


def test_a_failing_refresh_leaves_the_libraries_as_before(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE UPDATE ON library_sections WHEN NEW.is_active = 0 "
            "BEGIN SELECT RAISE(ABORT, 'no'); END")
    tables = ["library_sections", "sqlite_sequence"]
    engine = build_engine(f"sqlite:///{sample_db}")
    before = dump_state(engine, tables)
    with context.call_context(plex=FakePlex(), config={"PMS_IDENTIFIER": SERVER}), pytest.raises(TautulliDBError):
        libraries.refresh_libraries()  # the upserts ran; deactivating the others fails last
    assert dump_state(engine, tables) == before
    engine.dispose()


@pytest.mark.parametrize("side", ["legacy", "sqla"])
def test_a_locked_database_raises_instead_of_answering_a_default(side: str, sample_db: Path, monkeypatch) -> None:
    monkeypatch.setattr("plexpy.db.retry.ATTEMPTS", 2)
    executor = SqliteExecutor(sample_db, busy_timeout=0.05)
    engine = build_engine(f"sqlite:///{sample_db}", busy_timeout=0.05)
    twin = legacy.TWIN(executor) if side == "legacy" else sqla.TWIN(engine)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with context.call_context(now=1768478400, tz="UTC", config={"PMS_IDENTIFIER": SERVER}):
            for write in (lambda: twin.set_config(section_id=2), lambda: twin.delete(section_id=2),
                          lambda: twin.undelete(section_id="2"), twin.delete_duplicate_libraries):
                with pytest.raises(TautulliDBError, match="locked"):
                    write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        executor.close()
        engine.dispose()


def _script() -> None:
    lib = Libraries()
    lib.set_config(section_id="2", custom_thumb="t", do_notify=0)
    lib.set_config(section_id="abc", custom_art="junk")
    lib.delete(section_id=999999)
    lib.undelete(section_id="999999")
    lib.delete(row_ids="5,1", purge_only=True)
    lib.undelete(section_name="Anime")
    lib.delete(section_id=3, server_id="other-server")
    lib.delete(section_id="4")
    libraries.add_live_tv_library(refresh=True)
    with context.call_context(plex=FakePlex()):
        libraries.refresh_libraries()
    lib.delete_duplicate_libraries()


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=1768478400, tz="UTC", config={"PMS_IDENTIFIER": SERVER}):
            _script()
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, ["library_sections", *HISTORY, "sqlite_sequence"])
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert [r[2] for r in legacy_state["library_sections"]["rows"]] == [1, 2, 3, 4, 6, 7, 8, 9, 999999, 5, "abc", 12]


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_shadowed_writes_match_and_apply_once(shadowed, sample_db: Path, mode: str) -> None:
    recorder = shadowed(mode)
    plex = FakePlex()
    with context.call_context(plex=plex, config={"PMS_IDENTIFIER": SERVER}):
        assert Libraries().set_config(section_id=2, custom_thumb="once") is None
        assert Libraries().delete(section_id=2) is True
        assert libraries.refresh_libraries() is True
    assert [e.outcome for e in recorder.events] == [Outcome.MATCH] * 3, [e.difference for e in recorder.events]
    assert plex.asked.count("/library/sections") == 1 and len(plex.asked) == 3  # one listing for both paths
    assert history_of(sample_db, 2) == [0, 0, 0]
    assert rows(sample_db, "SELECT COUNT(*) FROM library_sections WHERE section_id = 12") == [(1,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'library_sections'") == [(11,)]


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str) -> None:
    from plexpy.commands.replay_writes import replay_writes

    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=21)
    ours = [s for s in result.steps if s.target.startswith("plexpy.libraries:")]
    assert len(ours) == 7, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
