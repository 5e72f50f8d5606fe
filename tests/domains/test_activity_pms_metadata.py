"""Plex metadata as the history writers read it (``domains/activity/pms_metadata.py``), from recorded answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plexpy import context
from plexpy.domains.activity.pms_metadata import LIVE_TV_SECTION_ID, metadata_details
from plexpy.plex import RecordedPlex


def answer(path: str, body: str, status: int = 200) -> dict:
    return {"url": path, "status": status, "body": body}


def meta(key: int | str, inner: str, section: str = "2") -> dict:
    return answer(f"/library/metadata/{key}?includeMarkers=1",
                  f'<MediaContainer size="1" librarySectionID="{section}" librarySectionTitle="TV">{inner}'
                  "</MediaContainer>")


SHOW = meta(10, '<Directory ratingKey="10" type="show" title="Show" studio="Studio &amp; Co" year="2001" '
                'thumb="/show.jpg" duration="30"><Role tag="Ann"/><Genre tag="Drama"/></Directory>')
SEASON = meta(11, '<Directory ratingKey="11" type="season" title="Season 1" parentRatingKey="10" year="2002"/>')


@pytest.fixture(autouse=True)
def _config():
    with context.call_context(now=1768478400, tz="America/New_York", config={"CACHE_DIR": ""}):
        yield


def test_an_episode_takes_its_show_and_season() -> None:
    episode = meta(12, '<Video ratingKey="12" type="episode" title="Pilot" grandparentRatingKey="10" '
                       'parentRatingKey="11" grandparentTitle="Show" parentIndex="1" index="1" '
                       'contentRating="TV-14"><Director tag="Dee"/><Marker type="credits" startTimeOffset="90" '
                       'final="1"/><Marker type="credits" startTimeOffset="95"/></Video>')
    with context.call_context(plex=RecordedPlex([episode, SHOW, SEASON])):
        details = metadata_details(12)
    assert details["media_type"] == "episode"
    assert (details["section_id"], details["parent_rating_key"], details["studio"]) == ("2", "11", "Studio & Co")
    assert (details["actors"], details["genres"], details["directors"]) == (["Ann"], ["Drama"], ["Dee"])
    years = (details["parent_year"], details["grandparent_year"], details["parent_thumb"])
    assert years == ("2002", "2001", "/show.jpg")
    assert details["full_title"] == "Show - Pilot"
    assert [(m["first"], m["final"]) for m in details["markers"]] == [(True, True), (False, False)]


def test_an_episode_without_a_season_key_finds_it() -> None:
    episode = meta(12, '<Video ratingKey="12" type="episode" title="Pilot" grandparentRatingKey="10" '
                       'parentIndex="1" parentThumb="/library/metadata/77/thumb/1"/>')
    with context.call_context(plex=RecordedPlex([episode, SHOW])):
        assert metadata_details(12)["parent_rating_key"] == "77"
    episode = meta(13, '<Video ratingKey="13" type="episode" title="Two" grandparentRatingKey="10" parentIndex="2"/>')
    children = answer("/library/metadata/10/children", '<MediaContainer size="2"><Directory ratingKey="21" index="1"/>'
                      '<Directory ratingKey="22" index="2"/></MediaContainer>')
    with context.call_context(plex=RecordedPlex([episode, SHOW, children])):
        assert metadata_details(13)["parent_rating_key"] == "22"


def test_a_track_takes_year_and_genres_from_its_album() -> None:
    track = meta(30, '<Track ratingKey="30" type="track" title="Song" parentRatingKey="31" '
                     'grandparentTitle="Artist" originalTitle=""/>', section="3")
    album = meta(31, '<Directory ratingKey="31" type="album" title="Album" year="1999" parentRatingKey="32">'
                     '<Genre tag="Folk"/></Directory>', section="3")
    artist = meta(32, '<Directory ratingKey="32" type="artist" title="Artist"/>', section="3")
    with context.call_context(plex=RecordedPlex([track, album, artist])):
        details = metadata_details(30)
    assert (details["year"], details["genres"], details["full_title"]) == ("1999", ["Folk"], "Song - Artist")
    with context.call_context(plex=RecordedPlex([SHOW])):
        assert metadata_details(10)["duration"] == str(30 * 60 * 1000)  # a show's minutes


def test_a_live_item_gets_live_tv_and_its_channel_from_the_guide() -> None:
    guid = "plex://episode/live-1"
    live = meta(40, f'<Video ratingKey="40" type="movie" title="News" live="1" guid="{guid}">'
                    '<Media id="1" channelCallSign="N24" channelTitle="Old"/></Video>')
    dvrs = answer("/livetv/dvrs", '<MediaContainer size="1"><Dvr key="1" epgIdentifier="tv.plex.epg"/>'
                  "</MediaContainer>")
    guide = answer(f"/tv.plex.epg/metadata/{guid.replace(':', '%3A').replace('/', '%2F')}",
                   f'<MediaContainer size="1"><Video ratingKey="x" type="movie" title="News" guid="{guid}" '
                   'summary="Tonight" contentRating="TV-G"><Media channelID="5" channelTitle="News 24" '
                   'channelVcn="24" beginsAt="1768440000"/></Video></MediaContainer>')
    with context.call_context(plex=RecordedPlex([live, dvrs, guide])):
        details = metadata_details(40)
    assert details["section_id"] == LIVE_TV_SECTION_ID
    assert (details["summary"], details["content_rating"]) == ("Tonight", "TV-G")
    assert details["originally_available_at"] == "2026-01-14"  # the guide's start, local day (New York)
    assert {k: details["media_info"][0][k] for k in ("channel_call_sign", "channel_id", "channel_title")} == {
        "channel_call_sign": "N24", "channel_id": "5", "channel_title": "News 24"}
    with context.call_context(plex=RecordedPlex([live])), pytest.raises(UnboundLocalError):
        metadata_details(40)  # the DVR list cannot be read: Tautulli's parser fails too


def test_what_counts_as_no_answer(tmp_path: Path) -> None:
    empty = answer("/library/metadata/1?includeMarkers=1", '<MediaContainer size="0"/>')
    with context.call_context(plex=RecordedPlex([empty])):
        assert metadata_details(1) == {}
    with context.call_context(plex=RecordedPlex([{**SHOW, "status": 404}])):
        assert metadata_details(10) == {}
    with context.call_context(plex=RecordedPlex([answer("/library/metadata/2?includeMarkers=1", "not xml")])):
        assert metadata_details(2) == {}
    assert metadata_details(3) == {}  # unreachable
    assert metadata_details("") == {}
    with context.call_context(plex=RecordedPlex([answer("/library/metadata/4?includeMarkers=1", "<Other/>")])), \
            pytest.raises(UnboundLocalError):
        metadata_details(4)
    cache = tmp_path / "session_metadata" / "metadata-sessionKey-77.json"
    cache.parent.mkdir()
    cache.write_text(json.dumps({"media_type": "movie", "_cache_time": 1}), encoding="utf-8")
    with context.call_context(config={"CACHE_DIR": str(tmp_path)}):
        assert metadata_details(5, cache_key=77, return_cache=True) == {"media_type": "movie"}
