"""The network halves of the metadata lookups: ask TVmaze, TheMovieDB or MusicBrainz after a cache miss.

Each function gets the twin's ``store`` (Tautulli's update-then-insert into the cache table) and returns what
Tautulli returns. Offline — the default, and every oracle record — TVmaze and TheMovieDB answer ``{}`` and
a MusicBrainz search raises :class:`NetworkError`, as ``musicbrainzngs`` does when the host is unreachable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import structlog

from plexpy import context
from plexpy.domains.lookups import web

__all__ = ["NetworkError", "ResponseError", "WebServiceError", "musicbrainz", "themoviedb_ids",
           "themoviedb_json", "tvmaze"]

log = structlog.get_logger(__name__)

Store = Callable[[str, dict[str, Any], dict[str, Any]], Any]

_TVMAZE = "http://api.tvmaze.com/lookup/shows"
_TVMAZE_SEARCH = "https://api.tvmaze.com/singlesearch/shows"
_THEMOVIEDB = "https://api.themoviedb.org/3"
_MUSICBRAINZ = "https://musicbrainz.org/ws/2"
_MUSICBRAINZ_FIELDS = {
    "artist": ("artist",),
    "release": ("artist", "release", "tracks"),
    "recording": ("artist", "release", "recording", "tracks", "tnum"),
}


class WebServiceError(Exception):
    """A MusicBrainz search failed (``musicbrainzngs``' base error)."""


class NetworkError(WebServiceError):
    """MusicBrainz could not be reached."""


class ResponseError(WebServiceError):
    """MusicBrainz answered with an error status."""


def _answer(url: str, params: Mapping[str, Any]) -> Any:
    """The service's JSON, or None when it cannot be reached or refuses (logged, as Tautulli does)."""
    try:
        response = web.client().get(url, params=params)
    except web.WebUnavailableError as exc:
        log.warning("lookups.service_unreachable", url=url, error=str(exc))
        return None
    if not response.ok:
        log.error("lookups.service_refused", url=url, status=response.status)
        return None
    return response.json()


def tvmaze(rating_key: Any, thetvdb_id: Any, imdb_id: Any, title: Any, store: Store) -> dict[str, Any]:
    """Look an item up on TVmaze by TheTVDB id, IMDb id or title; cache and return its ids."""
    if thetvdb_id or imdb_id:
        answer = _answer(_TVMAZE, {"thetvdb": thetvdb_id} if thetvdb_id else {"imdb": imdb_id})
    elif title:
        answer = _answer(_TVMAZE_SEARCH, {"q": title})
    else:
        return {}
    if answer is None:
        return {}
    externals = answer.get("externals", {})
    keys = {"tvmaze_id": answer.get("id", "")}
    info = {"rating_key": rating_key, "thetvdb_id": externals.get("thetvdb", ""), "imdb_id": externals.get("imdb", ""),
            "tvmaze_url": answer.get("url", ""), "tvmaze_json": json.dumps(answer)}
    store("tvmaze_lookup", keys, info)
    info.update(keys)
    info.pop("tvmaze_json")
    return info


def themoviedb_json(rating_key: Any, media_type: Any, themoviedb_id: Any, store: Store) -> dict[str, Any]:
    """TheMovieDB's details of an item (``media_type`` already ``tv`` for shows); cached, or ``{}``."""
    answer = _answer(f"{_THEMOVIEDB}/{media_type}/{themoviedb_id}",
                     {"api_key": context.config("THEMOVIEDB_APIKEY")})
    if answer is None:
        return {}
    found_id = answer["id"]
    info = {"rating_key": rating_key, "imdb_id": answer.get("imdb_id"),
            "themoviedb_url": f"https://www.themoviedb.org/{media_type}/{found_id}",
            "themoviedb_json": json.dumps(answer)}
    store("themoviedb_lookup", {"themoviedb_id": found_id}, info)
    return dict(answer)


def themoviedb_ids(rating_key: Any, thetvdb_id: Any, imdb_id: Any, title: Any, year: Any, media_type: Any,
                   details: Callable[..., dict[str, Any]], store: Store) -> dict[str, Any]:
    """Find an item on TheMovieDB by id or title and year; cache and return its ids (``details`` fills the JSON)."""
    params: dict[str, Any] = {"api_key": context.config("THEMOVIEDB_APIKEY")}
    if thetvdb_id or imdb_id:
        params["external_source"] = "tvdb_id" if thetvdb_id else "imdb_id"
        answer = _answer(f"{_THEMOVIEDB}/find/{thetvdb_id or imdb_id}", params)
    elif title and year and media_type:
        answer = _answer(f"{_THEMOVIEDB}/search/{media_type}", {**params, "query": title, "year": year})
    else:
        return {}
    if answer is None:
        return {}
    found = next((answer[k][0]["id"] for k in ("tv_results", "movie_results", "results") if answer.get(k)), "")
    if not found:
        return {}
    item = details(rating_key=rating_key, media_type=media_type, themoviedb_id=found)
    info = {"rating_key": rating_key, "thetvdb_id": thetvdb_id, "imdb_id": imdb_id or item.get("imdb_id"),
            "themoviedb_url": f"https://www.themoviedb.org/{media_type}/{found}", "themoviedb_json": json.dumps(item)}
    store("themoviedb_lookup", {"themoviedb_id": found}, info)
    info["themoviedb_id"] = found
    info.pop("themoviedb_json")
    return info


def musicbrainz(musicbrainz_type: Any, rating_key: Any, fields: Mapping[str, Any], store: Store) -> dict[str, Any]:
    """Search MusicBrainz for an artist, release or recording; cache and return its id.

    Raises:
        NetworkError: MusicBrainz cannot be reached.
        ResponseError: MusicBrainz answered with an error.
    """
    wanted = _MUSICBRAINZ_FIELDS.get(musicbrainz_type)
    if wanted is None:
        log.warning("lookups.musicbrainz_no_match", musicbrainz_type=musicbrainz_type)
        return {}
    query = " AND ".join(f'{name}:"{fields[name]}"' for name in wanted if fields.get(name))
    try:
        response = web.client().get(f"{_MUSICBRAINZ}/{musicbrainz_type}/",
                                    params={"query": query, "limit": 1, "fmt": "json"})
    except web.WebUnavailableError as exc:
        raise NetworkError(f"caused by: {exc}") from exc
    if not response.ok:
        raise ResponseError(f"HTTP Error {response.status}")
    found = response.json().get(f"{musicbrainz_type}s") or []
    if not found:
        log.warning("lookups.musicbrainz_no_match", musicbrainz_type=musicbrainz_type)
        return {}
    match = found[0]
    keys = {"musicbrainz_id": match["id"]}
    info = {"rating_key": rating_key,
            "musicbrainz_url": f"https://musicbrainz.org/{musicbrainz_type}/{match['id']}",
            "musicbrainz_type": musicbrainz_type, "musicbrainz_json": json.dumps(match)}
    store("musicbrainz_lookup", keys, info)
    info.update(keys)
    info.pop("musicbrainz_json")
    return info
