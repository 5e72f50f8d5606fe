"""The PlexWatch and Plexivity importers on both paths: what lands in history, users, refusals, atomicity.

The fixtures are small files with the columns Tautulli's importers read (PlexWatch's and Plexivity's
``processed`` tables, each play's item XML in ``xml``). The PlexWatch rows were checked once against Tautulli
v2.17.2's own importer run on the same files with ``markers=[]`` added to its import metadata (unpatched, it
stops with ``KeyError: 'markers'`` after the first play's history and media info): identical rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plexpy import plexivity_import, plexwatch_import
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.state import dump_state
from plexpy.domains.maintenance.foreign_xml import latin_to_ascii

NOW = 1768478400
HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")
PLEXWATCH_TABLE = """
CREATE TABLE processed (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT, time INTEGER, user TEXT,
    platform TEXT, title TEXT, orig_title TEXT, orig_title_ep TEXT, episode INTEGER, season INTEGER, year INTEGER,
    rating TEXT, genre TEXT, summary TEXT, notified INTEGER, stopped INTEGER, paused INTEGER, paused_counter INTEGER,
    xml TEXT, ratingKey INTEGER, parentRatingKey INTEGER, grandparentRatingKey INTEGER, ip_address TEXT)"""
PLEXIVITY_TABLE = """
CREATE TABLE processed (id INTEGER PRIMARY KEY AUTOINCREMENT, time DATETIME, stopped DATETIME, user TEXT,
    ip_address TEXT, paused_counter INTEGER, platform TEXT, xml TEXT, rating TEXT, summary TEXT, title TEXT,
    orig_title TEXT, orig_title_ep TEXT)"""


def movie_xml(rating_key: str = "500", view_offset: str = "1800000", user_id: str = "999", media_type: str = "movie",
              tag: str = "opt", address: str = "10.0.0.5", duration: str = "7200000") -> str:
    return (
        f'<{tag} ratingKey="{rating_key}" parentRatingKey="" grandparentRatingKey="" addedAt="1400000000" '
        f'duration="{duration}" guid="com.plexapp.agents.imdb://tt0000001" librarySectionID="1" '
        f'title="Ünïcode Movie" type="{media_type}" viewOffset="{view_offset}" year="2014" studio="S" tagline="T">'
        '<Media aspectRatio="2.35" audioChannels="6" audioCodec="aac" bitrate="5000" container="mkv" height="1080" '
        'videoCodec="h264" videoFrameRate="24p" videoResolution="1080" width="1920"/>'
        f'<Player address="{address}" machineIdentifier="machine-1" platform="Chrome" title="Plex Web"/>'
        '<TranscodeSession audioDecision="copy" videoDecision="transcode" container="mkv" protocol="http" '
        'videoCodec="h264" audioCodec="aac" audioChannels="2" width="1280" height="720"/>'
        f'<User id="{user_id}" title="someone"/><Director tag="Dir One"/><Genre tag="Drama"/><Genre tag="Action"/>'
        f'</{tag}>'
    )


def build_plexwatch(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(PLEXWATCH_TABLE)
    plays = [
        # time, stopped, user, ratingKey, xml, paused_counter, orig_title_ep
        (1700000000, 1700001800, "aoifepike10", 500, movie_xml(view_offset="1800000"), 60, ""),
        (1700010000, 1700011800, "aoifepike10", 500, movie_xml(view_offset="3600000"), 0, ""),  # resumed
        (1700020000, 1700023600, "dave", 600, movie_xml(rating_key="600", user_id="555", media_type="episode"),
         0, "Pilot"),
        (1700030000, 1700033600, "dave", 601, "<opt><broken", 0, ""),  # malformed XML
        (1700040000, 1700043600, "dave", None, movie_xml(), 0, ""),  # no ratingKey
        (1700050000, 1700053600, "dave", 602, movie_xml(rating_key="602", media_type="clip"), 0, ""),  # not logged
        (1700060000, 1700060030, "dave", 603, movie_xml(rating_key="603"), 0, ""),  # 30 s
    ]
    conn.executemany(
        "INSERT INTO processed (time, stopped, user, ratingKey, xml, paused_counter, orig_title_ep, orig_title, "
        "title, rating, summary, platform, ip_address, parentRatingKey, grandparentRatingKey) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'Show or Movie', 'Full Title', 'PG', 'Sum', 'Chrome', '', NULL, NULL)", plays)
    conn.commit()
    conn.close()
    return path


def build_plexivity(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(PLEXIVITY_TABLE)
    xml = movie_xml(rating_key="700", tag="Video", address="::ffff:10.0.0.7", user_id="777")
    conn.executemany(
        "INSERT INTO processed (time, stopped, user, ip_address, paused_counter, platform, xml, rating, summary, "
        "title, orig_title, orig_title_ep) VALUES (?, ?, ?, '', 0, 'Roku', ?, 'R', 'Sum', 'Full', 'Orig', 'n/a')",
        [("2015-03-01 20:00:00", "2015-03-01 22:00:00", "erin", xml),
         ("not a time", "2015-03-02 22:00:00", "erin", xml),  # skipped
         (1425300000, "2015-03-02 22:00:00", "erin", movie_xml(rating_key="x1", tag="Video"))])  # bad rating key
    conn.commit()
    conn.close()
    return path


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_plexwatch_plays_land_in_the_three_history_tables(facade_mode: str, sample_db: Path, tmp_path: Path) -> None:
    source = build_plexwatch(tmp_path / "plexwatch.db")
    assert plexwatch_import.validate_database(database_file=str(source), table_name="processed") == "success"
    assert plexwatch_import.import_from_plexwatch(database_file=str(source), table_name="processed") is None
    new = rows(sample_db, "SELECT id, reference_id, user_id, user, rating_key, media_type, started, stopped, "
                          "paused_counter, view_offset, section_id, ip_address, platform, player, machine_id, product "
                          "FROM session_history WHERE id > 4133 ORDER BY id")
    assert new == [
        (4134, 4134, 3308933, "aoifepike10", 500, "movie", 1700000000, 1700001800, 60, 1800000, 1, "10.0.0.5",
         "Chrome", "Chrome", "machine-1", ""),
        (4135, 4134, 3308933, "aoifepike10", 500, "movie", 1700010000, 1700011800, 0, 3600000, 1, "10.0.0.5",
         "Chrome", "Chrome", "machine-1", ""),
        (4136, 4136, 555, "dave", 600, "episode", 1700020000, 1700023600, 0, 1800000, 1, "10.0.0.5", "Chrome",
         "Chrome", "machine-1", ""),
        (4137, 4137, 999, "dave", 603, "movie", 1700060000, 1700060030, 0, 1800000, 1, "10.0.0.5", "Chrome",
         "Chrome", "machine-1", ""),
    ]
    assert rows(sample_db, "SELECT id, title, grandparent_title, full_title, directors, genres, studio, guid, "
                           "live, marker_credits_first FROM session_history_metadata "
                           "WHERE id IN (4134, 4136) ORDER BY id") == [
        (4134, "Show or Movie", None, "Full Title", "Dir One", "Drama;Action", "S",
         "com.plexapp.agents.imdb://tt0000001", "", None),
        (4136, "Pilot", "Show or Movie", "Full Title", "Dir One", "Drama;Action", "S",
         "com.plexapp.agents.imdb://tt0000001", "", None),
    ]
    assert rows(sample_db, "SELECT id, transcode_decision, video_decision, audio_decision, duration, width, "
                           "transcode_width, stream_bitrate FROM session_history_media_info WHERE id = 4134") == [
        (4134, "transcode", "transcode", "copy", 7200000, 1920, 1280, "")]
    # import_users: one row per new user id in history (dave's came from his XML), the lowest id's user name
    assert rows(sample_db, "SELECT user_id, username FROM users WHERE user_id IN (555, 999) ORDER BY user_id") == [
        (555, "dave"), (999, "dave")]
    # every user id in history went through INSERT OR IGNORE: the ignored ones drew sequence values too
    groups = rows(sample_db, "SELECT COUNT(DISTINCT user_id) FROM session_history WHERE user_id != 1")[0][0]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'users'") == [(61 + groups,)]


def test_the_ignore_interval_skips_short_movies_and_episodes(facade_mode: str, sample_db: Path,
                                                             tmp_path: Path) -> None:
    source = build_plexwatch(tmp_path / "plexwatch.db")
    plexwatch_import.import_from_plexwatch(database_file=str(source), table_name="PROCESSED",
                                           import_ignore_interval="60")
    assert rows(sample_db, "SELECT rating_key FROM session_history WHERE id > 4133 ORDER BY id") == [
        (500,), (500,), (600,)]


def test_plexivity_plays_take_their_keys_from_the_xml(facade_mode: str, sample_db: Path, tmp_path: Path) -> None:
    source = build_plexivity(tmp_path / "plexivity.db")
    assert plexivity_import.validate_database(database_file=str(source), table_name="processed") == "success"
    assert plexivity_import.import_from_plexivity(database_file=str(source), table_name="processed") is None
    # started is the UTC time of the text; stopped is "now" (a float stop time is never a digit string)
    assert rows(sample_db, "SELECT id, reference_id, user_id, user, rating_key, started, stopped, ip_address, "
                           "section_id, player FROM session_history WHERE id > 4133") == [
        (4134, 4134, 777, "erin", 700, 1425240000, NOW, "10.0.0.7", 1, "Roku")]
    assert rows(sample_db, "SELECT title, grandparent_title FROM session_history_metadata WHERE id = 4134") == [
        ("Orig", None)]
    assert rows(sample_db, "SELECT username FROM users WHERE user_id = 777") == [("erin",)]


@pytest.mark.parametrize(("database_file", "table_name", "expected"), [
    ("missing.db", "processed", "Invalid database specified."),
    ("plexwatch.db", "no_table", "Invalid database specified."),
    ("plexwatch.db", "processed; DROP TABLE processed", "Invalid database specified."),
    ("plexwatch.db", None, "Invalid database specified."),
    ("garbage.db", "processed", "Uncaught exception."),
    (None, "processed", "Uncaught exception."),
])
def test_validation_verdicts(facade_mode: str, tmp_path: Path, database_file: str | None, table_name: str | None,
                             expected: str) -> None:
    build_plexwatch(tmp_path / "plexwatch.db")
    (tmp_path / "garbage.db").write_bytes(b"not a database" * 200)
    target = str(tmp_path / database_file) if database_file else None
    assert plexwatch_import.validate_database(database_file=target, table_name=table_name) == expected
    assert plexwatch_import.import_from_plexwatch(database_file=target, table_name=table_name) is None
    assert not (tmp_path / "missing.db").exists()
    assert rows(tmp_path / "plexwatch.db", "SELECT COUNT(*) FROM processed") == [(7,)]
    assert plexivity_import.validate_database(database_file=target, table_name=table_name) == expected


def test_plexivity_needs_its_xml_column(facade_mode: str, tmp_path: Path) -> None:
    source = build_plexwatch(tmp_path / "plexwatch.db")
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE other (id INTEGER PRIMARY KEY, ratingKey INTEGER)")
    conn.commit()
    conn.close()
    assert plexivity_import.validate_database(database_file=str(source), table_name="processed") == "success"
    assert plexivity_import.validate_database(database_file=str(source), table_name="other") == \
        "Invalid database specified."
    assert plexwatch_import.validate_database(database_file=str(source), table_name="other") == "success"


def test_a_failing_import_writes_nothing(facade_mode: str, sample_db: Path, tmp_path: Path, edit_db) -> None:
    source = build_plexwatch(tmp_path / "plexwatch.db")
    # the third play's grouping update fails (an insert's integrity error would be swallowed, as Tautulli's upsert does)
    edit_db("CREATE TRIGGER refuse BEFORE UPDATE ON session_history WHEN NEW.id > 4135 "
            "BEGIN SELECT RAISE(ABORT, 'no'); END")
    counts = [rows(sample_db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in (*HISTORY, "users")]
    with pytest.raises(TautulliDBError):
        plexwatch_import.import_from_plexwatch(database_file=str(source), table_name="processed")
    assert [rows(sample_db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in (*HISTORY, "users")] == counts


def test_both_paths_write_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, context, runtime

    states = []
    for mode in ("legacy", "sqlalchemy"):
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=NOW, tz="UTC"):
            plexwatch_import.import_from_plexwatch(database_file=str(build_plexwatch(tmp_path / f"{mode}-w.db")),
                                                   table_name="processed")
            plexivity_import.import_from_plexivity(database_file=str(build_plexivity(tmp_path / f"{mode}-i.db")),
                                                   table_name="processed")
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        states.append(dump_state(engine, [*HISTORY, "users", "sqlite_sequence"]))
        engine.dispose()
    assert states[0] == states[1]


def test_the_xml_is_folded_to_ascii_first() -> None:
    assert latin_to_ascii("Ünïcode ½ — ok") == "Unicode {1/2}  ok"
    assert plexwatch_import.extract_plexwatch_xml("<opt title='Café'/>")["title"] == "Cafe"
    assert plexwatch_import.extract_plexwatch_xml("<nothing/>") is None
    assert plexivity_import.extract_plexivity_xml(None) is None
    assert plexwatch_import.extract_plexwatch_xml("<opt/>")["ip_address"] == ""  # Tautulli raised here


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_shadow_verifies_the_imports_without_applying_them_twice(mode: str, tmp_path: Path, sample_db: Path,
                                                                  log_output) -> None:
    from plexpy import bootstrap, config, context, runtime

    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": mode}, "report_dir": str(tmp_path / "reports")})
    rt = bootstrap.build(settings)
    with runtime.use(rt), context.call_context(now=NOW, tz="UTC"):
        plexwatch_import.import_from_plexwatch(database_file=str(build_plexwatch(tmp_path / "w.db")),
                                               table_name="processed")
        plexivity_import.import_from_plexivity(database_file=str(build_plexivity(tmp_path / "i.db")),
                                               table_name="processed")
    rt.close()
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE id > 4133") == [(5,)]
    verdicts = {(e["operation"], e["event"]) for e in log_output.entries if e.get("domain") == "maintenance"
                and str(e.get("event")).startswith(("parity.", "candidate."))}
    assert verdicts == {(op, "parity.match") for op in ("validate_plexwatch_database", "import_from_plexwatch",
                                                         "validate_plexivity_database", "import_from_plexivity")}
