"""Lookups reads on both paths: the edge cases the oracle records don't cover."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plexpy import context, notification_handler
from plexpy.datafactory import DataFactory
from plexpy.domains.lookups import web
from plexpy.domains.lookups.network import NetworkError

SKYLER = {"img_title": "Skyler's Voyage - Season 1", "img_url": "https://i.imgur.com/1045e4b.png"}


class Service:
    """A web client answering one URL prefix with a JSON body, and recording the requests."""

    def __init__(self, prefix: str, answer: Any, status: int = 200) -> None:
        self.prefix, self.answer, self.status, self.seen = prefix, answer, status, []

    def get(self, url: str, params: Any = None, headers: Any = None) -> web.WebResponse:
        self.seen.append((url, params))
        if not url.startswith(self.prefix):
            raise web.WebUnavailableError(url)
        return web.WebResponse(self.status, json.dumps(self.answer))


def test_image_order_terms_resolve_as_sqlite_does(facade_mode: str) -> None:
    factory = DataFactory()
    images = factory.get_img_info(service="imgur", order_by="HEIGHT")
    assert len(images) == 194 and SKYLER in images
    assert factory.get_img_info(service="imgur", order_by="img_title")[0]["img_title"] == max(
        i["img_title"] for i in images)
    assert factory.get_img_info(service="imgur", order_by="1") == factory.get_img_info(service="imgur",
                                                                                       order_by="img_title")
    assert factory.get_img_info(service="imgur", order_by="imgur_lookup.imgur_url")[0]["img_url"] == max(
        i["img_url"] for i in images)
    for refused in ("id", "img_hash", "3", "height; DROP TABLE imgur_lookup", "nope", "height desc"):
        assert factory.get_img_info(service="imgur", order_by=refused) == []
    assert factory.get_img_info(service="flickr", rating_key=21071) == []
    assert len(factory.get_img_info(service="imgur")) == 194


def test_image_filters_follow_column_affinity(facade_mode: str) -> None:
    factory = DataFactory()
    assert factory.get_img_info(service="imgur", rating_key="21071", width="1000.0") == [SKYLER]
    assert factory.get_img_info(service="imgur", rating_key=21071, background="000000") == [SKYLER]
    assert factory.get_img_info(service="imgur", rating_key=21071, background=0) == []
    assert factory.get_img_info(service="imgur", rating_key="abc") == []


def test_poster_uses_the_configured_service_and_item_parents(facade_mode: str) -> None:
    factory = DataFactory()
    assert factory.get_poster_info(rating_key=21071) == {}
    with context.call_context(config={"NOTIFY_UPLOAD_POSTERS": 1}):
        episode = {"media_type": "episode", "rating_key": 5, "parent_rating_key": 21071}
        assert factory.get_poster_info(metadata=episode) == {
            "poster_title": SKYLER["img_title"], "poster_url": SKYLER["img_url"], "img_service": "Imgur"}
    with context.call_context(config={"NOTIFY_UPLOAD_POSTERS": 2}):
        assert factory.get_poster_info(rating_key=21071) == {}
    assert factory.get_poster_info(rating_key="x", metadata=None, service="imgur") == {}


def test_lookup_info_keys_and_parents(facade_mode: str) -> None:
    factory = DataFactory()
    season = {"media_type": "season", "rating_key": 1, "parent_rating_key": 21069}
    assert factory.get_lookup_info(metadata=season) == {"tvmaze_id": 1705, "themoviedb_id": 47549,
                                                        "musizbrainz_id": ""}
    assert factory.get_lookup_info(rating_key="") == {"tvmaze_id": "", "themoviedb_id": "", "musizbrainz_id": ""}
    with pytest.raises(KeyError):
        factory.get_lookup_info(metadata={"rating_key": 1})


def test_small_reads_of_unknown_keys(facade_mode: str) -> None:
    assert notification_handler.get_hash_image_info(img_hash="nope") == {}
    assert notification_handler.get_hash_image_info() == {}
    assert DataFactory().get_recently_added_item(rating_key=0) == []
    assert [r["id"] for r in DataFactory().get_recently_added_item(rating_key="21428")] == [119]


def test_cache_misses_fail_offline_as_tautulli_does(facade_mode: str, edit_db) -> None:
    assert notification_handler.lookup_tvmaze_by_id(rating_key=1, imdb_id="tt1") == {}
    assert notification_handler.lookup_themoviedb_by_id(rating_key=1, title="x", year=2020, media_type="movie") == {}
    assert notification_handler.get_themoviedb_info(rating_key=1, media_type="show", themoviedb_id=5) == {}
    assert notification_handler.lookup_musicbrainz_info(rating_key=1, musicbrainz_type=None) == {}
    with pytest.raises(NetworkError):
        notification_handler.lookup_musicbrainz_info(rating_key=1, musicbrainz_type="artist", artist="A")
    edit_db("UPDATE themoviedb_lookup SET themoviedb_json = 'not json' WHERE rating_key = 1119")
    assert notification_handler.get_themoviedb_info(rating_key=1119, media_type="movie") == {}


def test_a_reachable_service_fills_the_cache(facade_mode: str) -> None:
    show = {"id": 99, "url": "https://www.tvmaze.com/shows/99", "externals": {"thetvdb": 7, "imdb": "tt9"}}
    service = Service("http://api.tvmaze.com/lookup/shows", show)
    with web.using(service):
        found = notification_handler.lookup_tvmaze_by_id(rating_key=4242, thetvdb_id=7)
    assert found == {"rating_key": 4242, "thetvdb_id": 7, "imdb_id": "tt9",
                     "tvmaze_url": "https://www.tvmaze.com/shows/99", "tvmaze_id": 99}
    assert service.seen == [("http://api.tvmaze.com/lookup/shows", {"thetvdb": 7})]
    assert notification_handler.lookup_tvmaze_by_id(rating_key="4242") == {
        "imdb_id": "tt9", "tvmaze_id": 99, "tvmaze_url": "https://www.tvmaze.com/shows/99"}
    assert DataFactory().get_lookup_info(rating_key=4242)["tvmaze_id"] == 99


def test_a_musicbrainz_match_is_cached(facade_mode: str) -> None:
    answer = {"recordings": [{"id": "abc-123", "title": "Song"}]}
    with web.using(Service("https://musicbrainz.org/ws/2/recording/", answer)):
        found = notification_handler.lookup_musicbrainz_info(musicbrainz_type="recording", rating_key=777,
                                                              artist="A", recording="Song")
    assert found["musicbrainz_id"] == "abc-123"
    assert notification_handler.lookup_musicbrainz_info(rating_key=777) == {
        "musicbrainz_id": "abc-123", "musicbrainz_url": "https://musicbrainz.org/recording/abc-123",
        "musicbrainz_type": "recording"}
