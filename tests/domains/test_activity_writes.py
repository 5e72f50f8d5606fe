"""Activity writes on both paths: live sessions, logging a play to history, grouping, regrouping, atomicity."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from plexpy import context
from plexpy.activity_processor import ActivityProcessor
from plexpy.db.errors import TautulliDBError
from plexpy.plex import RecordedPlex

ANCHOR = 1768478400  # the sample's frozen clock (tests/domains/conftest.py)

AOIFE = 3308933
MACHINE = "93d7604efe514771b61b3682"
HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")
MOVIE_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><MediaContainer size="1" librarySectionID="1" '
    'librarySectionTitle="Movies"><Video ratingKey="1119" type="movie" title="The Silent Canyon" '
    'guid="plex://movie/9e264b98bb01382652b771e9" year="2008" duration="6971683" addedAt="1710934076" '
    'updatedAt="1711279676" originallyAvailableAt="2008-09-04" thumb="/library/metadata/1119/thumb/1" '
    'art="/library/metadata/1119/art/1" contentRating="NC-17" summary="50% of a &quot;canyon&quot; \\ _x_">'
    '<Media id="11190" videoResolution="1080" audioChannels="2" container="mkv"><Part id="11191">'
    '<Stream streamType="1" scanType="progressive"/></Part></Media><Genre tag="Drama"/><Director tag="Zoë Dubois"/>'
    '<Role tag="Mei Reed"/><Role tag="Łukasz Ivanova"/><Marker type="intro" startTimeOffset="1000"/>'
    '<Marker type="credits" startTimeOffset="6500000" final="1"/></Video></MediaContainer>'
)
MOVIE_PMS = [{"url": "/library/metadata/1119?includeMarkers=1", "status": 200, "body": MOVIE_XML}]
WATCHED = {"MOVIE_WATCHED_PERCENT": 85, "TV_WATCHED_PERCENT": 85, "MUSIC_WATCHED_PERCENT": 85,
           "WATCHED_MARKER": 3, "LOGGING_IGNORE_INTERVAL": 120}


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def one(db: Path, sql: str, args: tuple = ()) -> Any:
    return rows(db, sql, args)[0][0]


def movie(session_key: str = "9201", **fields: Any) -> dict[str, Any]:
    """A Plex session as the activity handler hands it to ``write_session``."""
    return {"session_key": session_key, "session_id": f"oracle-{session_key}", "rating_key": "1119",
            "section_id": "1", "media_type": "movie", "state": "playing", "user_id": AOIFE, "user": "aoifepike10",
            "machine_id": MACHINE, "title": "The Silent Canyon", "full_title": "The Silent Canyon",
            "duration": "6971683", "view_offset": "0", "video_decision": "transcode", "bandwidth": "3600",
            "transcode_width": "1280", "stream_video_width": "1280", "subtitle_forced": 0, "live": 0,
            "product_version": "4.118.0", "quality_profile": "Original", "secure": 1, **fields}


def play(db: Path, session_key: str, stopped: int, view_offset: int, pms: list | None = None, **fields: Any) -> Any:
    """Start a session, stop it, and log it (as the activity handler does); the answer of the history write."""
    activity = ActivityProcessor()
    with context.call_context(now=stopped - 3000, tz="UTC", config={"NOTIFY_CONTINUED_SESSION_THRESHOLD": 15}):
        assert activity.write_session(session=movie(session_key, **fields), notify=False) is True
    with context.call_context(now=stopped, tz="UTC"):
        assert activity.set_session_state(session_key=session_key, state="stopped", stopped=stopped,
                                          view_offset=view_offset) == "update"
        session = activity.get_session_by_key(session_key=session_key)
    plex = RecordedPlex(MOVIE_PMS if pms is None else pms)
    with context.call_context(now=stopped + 1, tz="UTC", config=WATCHED, plex=plex):
        return activity.write_session_history(session=session)


def counts(db: Path) -> list[int]:
    return [one(db, f"SELECT COUNT(*) FROM {t}") for t in (*HISTORY, "sessions_continued")]


def test_write_session_inserts_once_then_updates(facade_mode: str, sample_db: Path) -> None:
    activity = ActivityProcessor()
    session = movie(bandwidth="3600", duration="", actors=["Zoë"], title="50% \"off\" _ \\")
    with context.call_context(now=ANCHOR + 5, config={"NOTIFY_CONTINUED_SESSION_THRESHOLD": 15}):
        assert activity.write_session(session=session, notify=False) is True
        assert activity.write_session(session=session, notify=False) is None
    assert activity.write_session(session=None) is None
    stored = rows(sample_db, "SELECT session_key, rating_key, bandwidth, duration, title, started, stopped, "
                  "initial_stream, transcode_width, secure, raw_stream_info FROM sessions WHERE session_key = 9201")
    assert len(stored) == 1
    key, rating_key, bandwidth, duration, title, started, stopped, initial, width, secure, raw = stored[0]
    assert (key, rating_key, bandwidth, duration, title) == (9201, 1119, 3600, 0, '50% "off" _ \\')
    assert (started, stopped, initial, width, secure) == (ANCHOR + 5, ANCHOR + 5, 1, 1280, 1)
    assert json.loads(raw) == session
    assert one(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'sessions'") == 5101


def test_session_state_is_keyed_by_session_key_alone(facade_mode: str, sample_db: Path) -> None:
    activity = ActivityProcessor()
    assert activity.set_session_state(session_key=5098, state="paused", view_offset=1234) == "update"
    assert rows(sample_db, "SELECT state, view_offset FROM sessions WHERE session_key = 5098") == [("paused", 1234)]
    assert activity.set_session_state(session_key="777", state="stopped", stopped=ANCHOR) == "insert"
    assert rows(sample_db, "SELECT state, stopped, rating_key, paused_counter FROM sessions WHERE session_key = 777"
                ) == [("stopped", ANCHOR, None, 0)]  # a partial row (trap 11)
    assert activity.set_session_state(session_key="7x", state="stopped") is None
    with pytest.raises(TautulliDBError):
        activity.set_session_state(session_key=5098, state="paused", not_a_column=1)
    with pytest.raises(TautulliDBError):
        activity.set_session_state(session_key=5098)


def test_pauses_buffers_markers_and_counters(facade_mode: str, sample_db: Path, edit_db) -> None:
    activity = ActivityProcessor()
    edit_db("UPDATE sessions SET last_paused = NULL, paused_counter = 0 WHERE session_key = 5108")
    with context.call_context(now=ANCHOR + 10):
        activity.set_session_last_paused(session_key=5108, timestamp=ANCHOR + 10)
    with context.call_context(now=ANCHOR + 70):
        activity.set_session_last_paused(session_key="5108", timestamp=None)  # resume: 60 s more paused
        activity.increment_session_buffer_count(session_key=5108)
        activity.set_session_buffer_trigger_time(session_key=5108)
        activity.set_marker(session_key=5108, marker_idx=2, marker_type="credits")
        activity.set_watched(session_key=5108)
        activity.increment_write_attempts(session_key=5108)
    assert rows(sample_db, "SELECT last_paused, paused_counter, buffer_count, buffer_last_triggered, intro, "
                "commercial, credits, marker, watched, write_attempts FROM sessions WHERE session_key = 5108") == [
        (None, 60, 1, ANCHOR + 70, 0, 0, 1, 2, 1, 1)]
    with context.call_context(now=ANCHOR + 80):
        activity.set_session_last_paused(session_key=31337, timestamp=ANCHOR)  # unknown key: a partial row
        activity.set_temp_stopped()
    assert rows(sample_db, "SELECT last_paused, stopped FROM sessions WHERE session_key = 31337") == [
        (ANCHOR, ANCHOR + 80)]
    assert rows(sample_db, "SELECT DISTINCT stopped FROM sessions") == [(ANCHOR + 80,)]  # every row
    with pytest.raises(TypeError):
        activity.increment_write_attempts(session_key=424242)  # no such session: Tautulli's TypeError
    edit_db("UPDATE sessions SET buffer_count = NULL WHERE session_key = 5110")
    activity.increment_session_buffer_count(session_key=5110)
    assert one(sample_db, "SELECT buffer_count FROM sessions WHERE session_key = 5110") is None
    activity.delete_session(session_key=5108)
    activity.delete_session(session_key="x", row_id="5100")
    activity.delete_session(session_key="x", row_id="y")
    assert one(sample_db, "SELECT COUNT(*) FROM sessions WHERE session_key = 5108 OR id = 5100") == 0


def test_continued_sessions_upsert_by_user_machine_and_type(facade_mode: str, sample_db: Path) -> None:
    activity = ActivityProcessor()
    activity.write_continued_session(user_id=str(AOIFE), machine_id=MACHINE, media_type="episode", stopped=5)
    assert rows(sample_db, "SELECT id, stopped FROM sessions_continued WHERE user_id = ? AND machine_id = ? AND "
                "media_type = 'episode'", (AOIFE, MACHINE)) == [(91, 5)]
    activity.write_continued_session(user_id=None, machine_id=MACHINE, media_type="movie", stopped=6)
    activity.write_continued_session(user_id=None, machine_id=MACHINE, media_type="movie", stopped=7)
    assert rows(sample_db, "SELECT stopped FROM sessions_continued WHERE user_id IS NULL") == [(6,), (7,)]


def test_a_play_is_logged_to_three_rows_and_resumed_plays_are_grouped(facade_mode: str, sample_db: Path) -> None:
    first = one(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'session_history'") + 1
    assert play(sample_db, "9201", ANCHOR + 4000, 2_000_000) == 5101
    assert play(sample_db, "9202", ANCHOR + 90000, 3_000_000, quality_profile="4 Mbps") == 5102
    assert play(sample_db, "9203", ANCHOR + 99000, 6_900_000) == 5103  # the second play was not watched
    assert rows(sample_db, "SELECT id, reference_id, view_offset, section_id, quality_profile FROM session_history "
                "WHERE id >= ? ORDER BY id", (first,)) == [
        (first, first, 2_000_000, 1, "Original"), (first + 1, first, 3_000_000, 1, "4 Mbps"),
        (first + 2, first, 6_900_000, 1, "Original")]
    for table in HISTORY[1:]:
        assert [r[0] for r in rows(sample_db, f"SELECT id FROM {table} WHERE id >= ?", (first,))] == [
            first, first + 1, first + 2]
    metadata = rows(sample_db, "SELECT rating_key, parent_rating_key, media_index, year, added_at, genres, directors, "
                    "actors, summary, marker_credits_first, marker_credits_final, live FROM "
                    "session_history_metadata WHERE id = ?", (first,))
    assert metadata == [(1119, "", "", 2008, 1710934076, "Drama", "Zoë Dubois", "Mei Reed;Łukasz Ivanova",
                         '50% of a "canyon" \\ _x_', 6500000, 6500000, 0)]
    assert rows(sample_db, "SELECT video_decision, transcode_width, subtitle_forced FROM session_history_media_info "
                "WHERE id = ?", (first,)) == [("transcode", 1280, 0)]
    assert rows(sample_db, "SELECT stopped FROM sessions_continued WHERE user_id = ? AND machine_id = ? AND "
                "media_type = 'movie'", (AOIFE, MACHINE)) == [(ANCHOR + 99000,)]


def test_plays_that_are_not_logged(facade_mode: str, sample_db: Path, edit_db) -> None:
    before = counts(sample_db)[:3]
    assert play(sample_db, "9301", ANCHOR + 4000, 50_000) == 5101
    assert counts(sample_db)[:3] == [n + 1 for n in before]
    with context.call_context(now=ANCHOR):
        ActivityProcessor().write_session(session=movie("9302"), notify=False)
    edit_db("UPDATE sessions SET stopped = ?, started = ? WHERE session_key = 9302", (ANCHOR + 100, ANCHOR))
    session = ActivityProcessor().get_session_by_key(session_key=9302)
    with context.call_context(now=ANCHOR + 101, config=WATCHED):
        assert ActivityProcessor().write_session_history(session=session) == session["id"]  # 100 s < 120 s
    edit_db("UPDATE users SET keep_history = 0 WHERE user_id = ?", (AOIFE,))
    assert play(sample_db, "9303", ANCHOR + 8000, 50_000) == 5103  # history off for the user
    edit_db("UPDATE users SET keep_history = 1 WHERE user_id = ?", (AOIFE,))
    assert play(sample_db, "9304", ANCHOR + 9000, 50_000, pms=[]) is False  # Plex unreachable: not written
    assert counts(sample_db)[:3] == [n + 1 for n in before]
    assert one(sample_db, "SELECT stopped FROM sessions_continued WHERE user_id = ? AND machine_id = ? AND "
               "media_type = 'movie'", (AOIFE, MACHINE)) == ANCHOR + 9000  # written before the metadata check
    with context.call_context(now=ANCHOR + 9500, config=WATCHED):
        clip = {**session, "id": 77, "media_type": "clip", "raw_stream_info": None}
        assert ActivityProcessor().write_session_history(session=clip) == 77
    with pytest.raises(KeyError):
        ActivityProcessor().write_session_history(session={})


def test_a_session_without_a_stop_is_stamped_stopped(facade_mode: str, sample_db: Path) -> None:
    activity = ActivityProcessor()
    with context.call_context(now=ANCHOR, config={"NOTIFY_CONTINUED_SESSION_THRESHOLD": 15}):
        activity.write_session(session=movie("9401"), notify=False)
    session = {**activity.get_session_by_key(session_key=9401), "stopped": None}
    with context.call_context(now=ANCHOR + 600, config=WATCHED, plex=RecordedPlex(MOVIE_PMS)):
        assert activity.write_session_history(session=session) == session["id"]
    assert rows(sample_db, "SELECT state, stopped FROM sessions WHERE session_key = 9401") == [
        ("stopped", ANCHOR + 600)]
    assert one(sample_db, "SELECT stopped FROM session_history ORDER BY id DESC LIMIT 1") == ANCHOR + 600


def test_live_tv_without_metadata_uses_the_session_and_groups_by_guid(facade_mode: str, sample_db: Path) -> None:
    live = {"live": 1, "rating_key": "88001", "section_id": "999999", "guid": "plex://episode/live-1",
            "media_type": "episode", "channel_title": "News 24", "directors": ["Ann"], "markers": []}
    first = one(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'session_history'") + 1
    assert play(sample_db, "9501", ANCHOR + 4000, 10, pms=[], **live) == 5101
    assert play(sample_db, "9502", ANCHOR + 9000, 10, pms=[], **live) == 5102
    assert rows(sample_db, "SELECT h.id, h.reference_id, h.section_id, m.live, m.channel_title, m.directors "
                "FROM session_history AS h JOIN session_history_metadata AS m ON m.id = h.id WHERE h.id >= ? "
                "ORDER BY h.id", (first,)) == [
        (first, first, 999999, 1, "News 24", "Ann"), (first + 1, first, 999999, 1, "News 24", "Ann")]


@pytest.mark.parametrize("zone, reference", [("UTC", 4132), ("America/New_York", 4133)])
def test_live_grouping_compares_local_start_with_utc_now(sample_db: Path, sample_runtime, zone: str,
                                                           reference: int) -> None:
    """Tautulli compares the local start time with SQL's UTC clock: a zone west of UTC shortens the window."""
    from plexpy import runtime

    conn = sqlite3.connect(sample_db)
    with conn:
        conn.execute("UPDATE session_history SET started = ? WHERE id = 4132", (ANCHOR - 86400 + 3 * 3600,))
    conn.close()
    session = {"live": 1, "user_id": 1350028, "guid": "plex://episode/fbd5d7735e6efb06b4dcf074", "rating_key": 1}
    for mode in ("legacy", "sqlalchemy"):
        with runtime.use(sample_runtime(mode)), context.call_context(now=ANCHOR, tz=zone):
            ActivityProcessor().group_history(4133, session)
        assert one(sample_db, "SELECT reference_id FROM session_history WHERE id = 4133") == reference


def test_a_failure_inside_the_play_leaves_history_as_before(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER boom BEFORE INSERT ON session_history_metadata BEGIN SELECT RAISE(ABORT, 'boom'); END")
    before = counts(sample_db)
    sequence = one(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'session_history'")
    with pytest.raises(TautulliDBError) as raised:
        play(sample_db, "9601", ANCHOR + 4000, 2_000_000)
    assert type(raised.value.__cause__).__name__ == "IntegrityError"
    assert counts(sample_db) == before  # the history row, its media info and the continued session: all undone
    assert one(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'session_history'") == sequence


def test_regroup_recomputes_every_reference_after_a_backup(facade_mode: str, sample_db: Path, edit_db,
                                                            tmp_path: Path) -> None:
    recorded = rows(sample_db, "SELECT id, reference_id FROM session_history ORDER BY id")
    edit_db("UPDATE session_history SET reference_id = NULL")
    backups = tmp_path / f"backups-{facade_mode}"
    with context.call_context(config={**WATCHED, "BACKUP_DIR": str(backups)}):
        assert ActivityProcessor().regroup_history() is True
    # Every play gets back the reference Tautulli gave it, except the one live play of the last day: during a
    # regroup its own metadata row exists, so it matches itself and keeps its own (here NULL) reference.
    assert rows(sample_db, "SELECT id, reference_id FROM session_history ORDER BY id") == [
        (row_id, None if row_id == 4132 else reference) for row_id, reference in recorded]
    [archive] = list(backups.iterdir())
    assert archive.name == "tautulli.backup-20260115120000.db.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.namelist() == ["tautulli.db"]


def test_a_failing_regroup_changes_nothing(facade_mode: str, sample_db: Path, edit_db, tmp_path: Path) -> None:
    before = rows(sample_db, "SELECT id, reference_id FROM session_history ORDER BY id")
    edit_db("CREATE TRIGGER boom BEFORE UPDATE ON session_history WHEN NEW.id = 3000 "
            "BEGIN SELECT RAISE(ABORT, 'boom'); END")
    with context.call_context(config={**WATCHED, "BACKUP_DIR": str(tmp_path / "b")}):
        assert ActivityProcessor().regroup_history() is False
    assert rows(sample_db, "SELECT id, reference_id FROM session_history ORDER BY id") == before


def _session_script() -> dict[str, Any]:
    """Every activity write once (the recorded life of a play, plus the rarer calls); their answers."""
    activity = ActivityProcessor()
    answers: dict[str, Any] = {}
    with context.call_context(now=ANCHOR + 1, config={"NOTIFY_CONTINUED_SESSION_THRESHOLD": 15}):
        answers["write_session"] = activity.write_session(session=movie("9701"), notify=False)
    with context.call_context(now=ANCHOR + 50):
        answers["set_session_state"] = activity.set_session_state(session_key=9701, state="paused",
                                                                  view_offset=50000)
        answers["set_session_last_paused"] = activity.set_session_last_paused(session_key=9701, timestamp=ANCHOR + 50)
    with context.call_context(now=ANCHOR + 90):
        activity.set_session_last_paused(session_key=9701, timestamp=None)
        answers["increment_session_buffer_count"] = activity.increment_session_buffer_count(session_key=9701)
        answers["set_session_buffer_trigger_time"] = activity.set_session_buffer_trigger_time(session_key=9701)
        answers["set_marker"] = activity.set_marker(session_key=9701, marker_idx=1, marker_type="intro")
        answers["set_watched"] = activity.set_watched(session_key=9701)
        answers["increment_write_attempts"] = activity.increment_write_attempts(session_key=9701)
        answers["set_temp_stopped"] = activity.set_temp_stopped()
        answers["write_continued_session"] = activity.write_continued_session(
            user_id=AOIFE, machine_id="other-device", media_type="track", stopped=ANCHOR)
    with context.call_context(now=ANCHOR + 3000):
        activity.set_session_state(session_key=9701, state="stopped", stopped=ANCHOR + 3000, view_offset=2_000_000)
        session = activity.get_session_by_key(session_key=9701)
    with context.call_context(now=ANCHOR + 3001, config=WATCHED, plex=RecordedPlex(MOVIE_PMS)):
        answers["write_session_history"] = activity.write_session_history(session=session)
        answers["group_history"] = activity.group_history(4127, {"live": 0, "user_id": 10781001,
                                                                 "rating_key": 1119, "media_type": "movie",
                                                                 "duration": 6971683, "marker_credits_first": None,
                                                                 "marker_credits_final": None})
    answers["delete_session"] = activity.delete_session(session_key=9701)
    return answers


@pytest.fixture
def shadow(sample_db: Path, tmp_path: Path):
    from plexpy import bootstrap, config, runtime
    from shim.testing import RecordingPublisher

    built = []

    def make(mode: str) -> RecordingPublisher:
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "backends": {"default": mode},
            "report_dir": str(tmp_path / "reports"), "candidate_timeout": 300})  # regroup copies the database
        recorder = RecordingPublisher()
        rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[recorder]))
        built.append(rt)
        scope = runtime.use(rt)
        scope.__enter__()
        built.append(scope)
        return recorder

    with context.call_context(now=ANCHOR, tz="UTC"):
        yield make
    for item in reversed(built):
        item.__exit__(None, None, None) if hasattr(item, "__exit__") else item.close()


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_every_activity_write_is_verified_in_shadow(shadow, sample_db: Path, mode: str, tmp_path: Path) -> None:
    from shim.observation import Outcome

    recorder = shadow(mode)
    answers = _session_script()
    assert answers["write_session"] is True
    assert answers["write_session_history"] == 5101
    with context.call_context(config={**WATCHED, "BACKUP_DIR": str(tmp_path / "backups")}):
        assert ActivityProcessor().regroup_history() is True
    writes = {e.operation: e for e in recorder.events if e.domain == "activity" and not e.operation.startswith(
        ("get_", "is_"))}
    assert set(writes) == {*answers, "regroup_history"}
    for name in answers:
        assert writes[name].outcome is Outcome.MATCH, (name, writes[name].difference)
        assert writes[name].verification == "transaction"
    assert writes["write_session_history"].changes["answering"]["rows"] == 4  # three history rows, one device
    regroup = writes["regroup_history"]  # it writes a backup file: verified on a scratch copy of the database
    assert (regroup.outcome, regroup.verification) == (Outcome.MATCH, "scratch"), regroup.difference
    assert len(list((tmp_path / "backups").iterdir())) == 1  # the compared path's backup stayed in its scratch
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE id > 4133") == [(1,)]  # applied once
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'sessions'") == [(5101,)]


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
        with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
            answers = _session_script()
            play(db, "9801", ANCHOR + 90000, 3_000_000, live=1, guid="plex://x")
            with context.call_context(config={**WATCHED, "BACKUP_DIR": str(tmp_path / mode)}):
                answers["regroup_history"] = ActivityProcessor().regroup_history()
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        states.append((answers, dump_state(engine, ["sessions", "sessions_continued", *HISTORY, "sqlite_sequence"])))
        engine.dispose()
    assert states[0][0]["regroup_history"] is True
    assert states[0] == states[1]


def test_a_new_live_session_brings_the_live_tv_library(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("DELETE FROM library_sections WHERE section_id = 999999")
    with context.call_context(now=ANCHOR, config={"NOTIFY_CONTINUED_SESSION_THRESHOLD": 15}):
        assert ActivityProcessor().write_session(session=movie("9901", live=1), notify=True) is True
        assert ActivityProcessor().write_session(session=movie("9901", live=1), notify=True) is None
    assert rows(sample_db, "SELECT section_name FROM library_sections WHERE section_id = 999999") == [("Live TV",)]
