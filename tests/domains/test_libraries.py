"""Library reads on both paths: guests, ties, empty and unknown libraries, and the media info table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from plexpy import context, runtime
from plexpy.common import DEFAULT_COVER_THUMB
from plexpy.domains.libraries import media_info
from plexpy.libraries import Libraries, has_library_type
from plexpy.plex import PlexResponse, PlexUnavailableError

SERVER = "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"
GUEST = {"user_id": 3962014, "user": "guest-user", "user_group": "guest"}  # shares libraries 1, 2, 7 and 8
MOVIES_URL = "/library/sections/1/all?X-Plex-Container-Start=0&X-Plex-Container-Size=100&type=1"
MOVIES_XML = """<?xml version="1.0" encoding="UTF-8"?>
<MediaContainer size="3" totalSize="3" librarySectionID="1">
  <Video ratingKey="1119" type="movie" title="The Silent Canyon" titleSort="Silent Canyon" year="2008"
         addedAt="1700000000" thumb="/t/1119">
    <Media container="mkv" bitrate="8000" videoCodec="h264" videoResolution="1080" videoFrameRate="24p"
           audioCodec="aac" audioChannels="2"><Part file="/m/a.mkv" size="1000"/></Media>
  </Video>
  <Video ratingKey="1140" type="movie" title="another film" addedAt="1700000001">
    <Media videoResolution="4k"><Part file="/m/b.mkv" size="3000"/></Media>
  </Video>
  <Video ratingKey="9999" type="movie" title="Ünwatched" titleSort="" addedAt="1600000000">
    <Media videoResolution="SD"><Part file="/m/c.mkv" size="abc"/></Media>
  </Video>
</MediaContainer>"""


class CountingPlex:
    """Serves fixed answers by path and counts the requests; anything else is unreachable."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.requests: list[str] = []

    def get(self, path: str) -> PlexResponse:
        self.requests.append(path)
        if path not in self.answers:
            raise PlexUnavailableError(path)
        return PlexResponse(200, self.answers[path])


def dt_request(columns: list[str], **overrides) -> dict:
    body = {
        "draw": 5,
        "columns": [{"data": c, "searchable": c not in ("file_size", "play_count"), "orderable": True}
                    for c in columns],
        "order": [{"column": 0, "dir": "asc"}], "start": 0, "length": 25, "search": {"value": ""},
    }
    body.update(overrides)
    return {"json_data": json.dumps(body)}


def history(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def server() -> object:
    with context.call_context(config={"PMS_IDENTIFIER": SERVER}):
        yield


def test_unknown_library_details(facade_mode: str, server: object) -> None:
    libraries = Libraries()
    assert libraries.get_library_details(section_id=424242) == {}
    nulls = libraries.get_library_details(section_id=424242, include_last_accessed=True)
    assert nulls["row_id"] is None and nulls["last_accessed"] is None and nulls["library_thumb"] == DEFAULT_COVER_THUMB
    assert libraries.get_library_details(section_id="abc") == {}
    assert libraries.get_details(section_id="2")["section_name"] == "TV Shows"
    assert libraries.get_details(section_id=2, server_id="other")["section_name"] == "Local"


def test_sections_and_library_types(facade_mode: str, edit_db) -> None:
    sections = Libraries().get_sections()
    assert sorted(s["section_id"] for s in sections) == [1, 2, 3, 4, 5, 6, 7, 9, 999999]  # 8 is deleted
    assert has_library_type("movie") is True and has_library_type("clip") is False
    assert has_library_type(None) is False
    edit_db("DELETE FROM library_sections")
    assert Libraries().get_sections() == []
    assert has_library_type("movie") is False


def test_a_guest_is_kept_to_shared_libraries(facade_mode: str) -> None:
    libraries = Libraries()
    with context.call_context(session=GUEST):
        assert libraries.get_recently_watched(section_id=3) == []
        assert libraries.get_user_stats(section_id=3) == []
        assert libraries.get_watch_time_stats(section_id=3) == []
        stats = libraries.get_user_stats(section_id=1)
        others = [s for s in stats if s["user_id"] != GUEST["user_id"]]
        assert len(others) == len(stats) - 1
        assert all((s["user_id"], s["friendly_name"], s["username"]) == ("", "Plex User", "Plex User")
                   for s in others)
        page = libraries.get_datatables_list(kwargs=dt_request(["section_name"]))
        assert [r["section_id"] for r in page["data"]] == [7, 1, 2]  # by name: Home Videos, Movies, TV Shows
    admin_stats = libraries.get_user_stats(section_id=1)
    assert [s["total_plays"] for s in admin_stats] == [s["total_plays"] for s in stats]


def test_ties_follow_sqlites_group_order(facade_mode: str, sample_db: Path) -> None:
    rows = [(70001, 3308933, 500), (70002, 1078106, 500), (70003, 3308933, 400), (70003, 1078106, 500),
            (70003, 1078106, 500), (70004, 1350028, 100), (70004, 1350028, 100), (70004, 1350028, 100)]
    conn = sqlite3.connect(sample_db)
    with conn:
        for rating_key, user_id, started in rows:
            conn.execute("INSERT INTO session_history (started, stopped, rating_key, user_id, section_id, "
                         "media_type, paused_counter) VALUES (?, ?, ?, ?, 77, 'movie', 0)",
                         (started, started + 60, rating_key, user_id))
            conn.execute("INSERT INTO session_history_metadata (id, rating_key, title) "
                         "VALUES (last_insert_rowid(), ?, 'x')", (rating_key,))
        conn.execute("UPDATE session_history SET reference_id = id WHERE section_id = 77")
    conn.close()
    recent = Libraries().get_recently_watched(section_id=77)
    # Newest play first; items tied on it come in descending rating key (SQLite sorts the GROUP BY the way
    # of the single ORDER BY term); within an item, the first of its tied rows.
    assert [(r["rating_key"], r["time"]) for r in recent] == [(70003, 500), (70002, 500), (70001, 500), (70004, 100)]
    first_70003 = history(sample_db, "SELECT MIN(id) FROM session_history WHERE rating_key = 70003 AND started = 500"
                          )[0][0]
    assert recent[0]["row_id"] == first_70003
    stats = Libraries().get_user_stats(section_id=77)
    assert [(s["user_id"], s["total_plays"], s["total_time"]) for s in stats] == [
        (1078106, 3, 180), (1350028, 3, 180), (3308933, 2, 120)]  # the tie: ascending user id (GROUP BY order)
    assert Libraries().get_recently_watched(section_id=77, limit="1")[0]["rating_key"] == 70003
    assert len(Libraries().get_recently_watched(section_id=77, limit="x")) == 4
    with pytest.raises(AttributeError):
        Libraries().get_recently_watched(section_id=77, limit=10)


def test_watch_time_windows(facade_mode: str) -> None:
    stats = Libraries().get_watch_time_stats(section_id=1, query_days="1,abc,7")
    assert [s["query_days"] for s in stats] == [1, 0, 7]
    assert stats[0]["total_plays"] == 2 and stats[1]["total_plays"] == 514
    assert Libraries().get_watch_time_stats(section_id="x") == []


def test_a_library_without_history_and_hostile_tables(facade_mode: str) -> None:
    libraries = Libraries()
    page = libraries.get_datatables_list(kwargs=dt_request(["section_name", "plays"]))
    home = next(r for r in page["data"] if r["section_id"] == 7)
    assert (home["plays"], home["duration"], home["last_accessed"], home["labels"]) == (0, 0, None, ())
    injected = dt_request(["plays; DROP TABLE library_sections", "section_name"], search={"value": "' OR 1=1"})
    assert libraries.get_datatables_list(kwargs=injected)["data"] == []
    assert libraries.get_datatables_list(kwargs={"json_data": "[]"})["recordsTotal"] == 0
    assert len(libraries.get_sections()) == 9


def test_media_info_from_plex_with_play_counts(facade_mode: str, server: object, sample_db: Path,
                                               tmp_path: Path) -> None:
    plex = CountingPlex({MOVIES_URL: MOVIES_XML})
    request = dt_request(["sort_title", "video_resolution", "file_size", "play_count"],
                         order=[{"column": 1, "dir": "desc"}])
    with context.call_context(plex=plex, config={"CACHE_DIR": str(tmp_path / "missing")}):
        table = Libraries().get_datatables_media_info(section_id=1, refresh=True, kwargs=request)
    assert [r["rating_key"] for r in table["data"]] == ["1140", "1119", "9999"]  # 4k, 1080, sd
    plays, last = history(sample_db, "SELECT COUNT(DISTINCT reference_id), MAX(started) FROM session_history "
                          "WHERE section_id = 1 AND rating_key = 1119")[0]
    by_key = {r["rating_key"]: r for r in table["data"]}
    assert (by_key["1119"]["play_count"], by_key["1119"]["last_played"]) == (plays, last)
    assert by_key["9999"]["play_count"] is None and by_key["9999"]["sort_title"] == "Ünwatched"
    assert by_key["1119"]["file_size"] == "1000" and by_key["1119"]["video_codec"] == "h264"
    assert (table["recordsTotal"], table["total_file_size"], table["last_refreshed"]) == (3, 4000, None)
    assert plex.requests == [MOVIES_URL]
    searched = dict(request)
    searched["json_data"] = json.dumps({**json.loads(request["json_data"]), "search": {"value": "ÜNW"},
                                        "start": 0, "length": 1})
    with context.call_context(plex=plex, config={"CACHE_DIR": str(tmp_path / "missing")}):
        found = Libraries().get_datatables_media_info(section_id=1, refresh=True, kwargs=searched)
    assert found["recordsFiltered"] == 1 and found["data"][0]["rating_key"] == "9999"  # Python folds Ü


def test_media_info_cache_is_written_then_read(facade_mode: str, server: object, tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    request = dt_request(["sort_title"])
    plex = CountingPlex({MOVIES_URL: MOVIES_XML})
    with context.call_context(plex=plex, config={"CACHE_DIR": str(tmp_path / "cache")}):
        fresh = Libraries().get_datatables_media_info(section_id="1", refresh=True, kwargs=request)
        cached = Libraries().get_datatables_media_info(section_id="1", kwargs=request)
    assert plex.requests == [MOVIES_URL]
    assert fresh["last_refreshed"] is None and cached["last_refreshed"] == context.now()
    assert [r["sort_title"] for r in cached["data"]] == ["another film", "Silent Canyon", "Ünwatched"]
    assert cached["data"] == fresh["data"]
    stored = json.loads((tmp_path / "cache" / "media_info_1.json").read_text(encoding="utf-8"))
    assert stored["last_refreshed"] == context.now() and len(stored["rows"]) == 3


def test_both_paths_of_one_call_share_one_plex_listing(facade_mode: str, server: object, tmp_path: Path) -> None:
    plex = CountingPlex({MOVIES_URL: MOVIES_XML})
    request = dt_request(["sort_title"])
    rt = runtime.current()
    with context.call_context(plex=plex, config={"CACHE_DIR": str(tmp_path)}), media_info.call_scope():
        answers = [rt.twin("libraries", path).get_datatables_media_info(section_id=1, refresh=True, kwargs=request)
                   for path in ("legacy", "sqlalchemy")]
    assert answers[0] == answers[1] and len(answers[0]["data"]) == 3
    assert plex.requests == [MOVIES_URL]  # the second path reused the first one's listing


def test_media_info_refusals(facade_mode: str, server: object) -> None:
    empty = media_info.media_info_empty()
    libraries = Libraries()
    assert libraries.get_datatables_media_info(section_id="abc", kwargs={}) == empty
    assert libraries.get_datatables_media_info(section_id=1, rating_key="x", kwargs={}) == empty
    assert libraries.get_datatables_media_info(kwargs={}) == empty
    with context.call_context(session=GUEST):
        assert libraries.get_datatables_media_info(section_id=3, kwargs={}) == empty
    broken = MOVIES_XML.replace('<Part file="/m/b.mkv" size="3000"/>', "")
    with context.call_context(plex=CountingPlex({MOVIES_URL: broken})), pytest.raises(IndexError):
        libraries.get_datatables_media_info(section_id=1, refresh=True, kwargs=dt_request(["sort_title"]))
    with context.call_context(plex=CountingPlex({})):
        assert libraries.get_datatables_media_info(section_id=1, kwargs=dt_request(["sort_title"])) == empty
