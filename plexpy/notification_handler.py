"""Tautulli-compatible facade of ``plexpy.notification_handler`` (its database half).

Notification state routes by the ``notifications`` flag; image hashes and metadata lookups (TVmaze,
TheMovieDB, MusicBrainz caches) by the ``lookups`` flag.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.lookups.contract import OPERATIONS as _LOOKUPS
from plexpy.domains.notifications.contract import OPERATIONS as _NOTIFICATIONS

__all__ = [
    "check_nofity_tag",
    "get_hash_image_info",
    "get_notify_state",
    "get_notify_state_enabled",
    "get_themoviedb_info",
    "lookup_musicbrainz_info",
    "lookup_themoviedb_by_id",
    "lookup_tvmaze_by_id",
    "set_hash_image_info",
    "set_notify_state",
    "set_notify_success",
]


def get_notify_state(session: Any) -> Any:
    """Every notification sent for one session, newest first."""
    return runtime.route(_NOTIFICATIONS["get_notify_state"], session=session)


def set_notify_state(notifier: Any, notify_action: Any, subject: Any = "", body: Any = "", script_args: Any = "",
                     session: Any = None, parameters: Any = None) -> Any:
    """Log a notification; the new log id, 0 when it merged into a row of the same second."""
    return runtime.route(_NOTIFICATIONS["set_notify_state"], notifier=notifier, notify_action=notify_action,
                         subject=subject, body=body, script_args=script_args, session=session, parameters=parameters)


def set_notify_success(notification_id: Any) -> Any:
    """Mark a logged notification as sent."""
    return runtime.route(_NOTIFICATIONS["set_notify_success"], notification_id=notification_id)


def get_notify_state_enabled(session: Any, notify_action: Any, notified: bool = True) -> Any:
    """Notifiers with a trigger on that did (or did not) notify a session of it."""
    return runtime.route(_NOTIFICATIONS["get_notify_state_enabled"], session=session, notify_action=notify_action,
                         notified=notified)


def check_nofity_tag(notify_action: Any, tag: Any) -> Any:
    """Whether a notification with this trigger and tag was sent (Tautulli's spelling, kept)."""
    return runtime.route(_NOTIFICATIONS["check_nofity_tag"], notify_action=notify_action, tag=tag)


def get_hash_image_info(img_hash: Any = None) -> Any:
    """The image behind a hash, or ``{}``."""
    return runtime.route(_LOOKUPS["get_hash_image_info"], img_hash=img_hash)


def set_hash_image_info(img: Any = None, rating_key: Any = None, width: Any = 750, height: Any = 1000,
                        opacity: Any = 100, background: Any = "000000", blur: Any = 0, fallback: Any = None,
                        add_to_db: Any = True) -> Any:
    """The hash standing for an image and its transform (sha256 with ``PMS_UUID``), stored unless ``add_to_db``."""
    return runtime.route(_LOOKUPS["set_hash_image_info"], img=img, rating_key=rating_key, width=width, height=height,
                         opacity=opacity, background=background, blur=blur, fallback=fallback, add_to_db=add_to_db)


def lookup_tvmaze_by_id(rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                        title: Any = None) -> Any:
    """TVmaze ids of an item (cache first, then TVmaze)."""
    return runtime.route(_LOOKUPS["lookup_tvmaze_by_id"], rating_key=rating_key, thetvdb_id=thetvdb_id,
                         imdb_id=imdb_id, title=title)


def lookup_themoviedb_by_id(rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None, title: Any = None,
                            year: Any = None, media_type: Any = None) -> Any:
    """TheMovieDB ids of an item (cache first, then TheMovieDB)."""
    return runtime.route(_LOOKUPS["lookup_themoviedb_by_id"], rating_key=rating_key, thetvdb_id=thetvdb_id,
                         imdb_id=imdb_id, title=title, year=year, media_type=media_type)


def get_themoviedb_info(rating_key: Any = None, media_type: Any = None, themoviedb_id: Any = None) -> Any:
    """TheMovieDB's JSON for an item (cache first, then TheMovieDB)."""
    return runtime.route(_LOOKUPS["get_themoviedb_info"], rating_key=rating_key, media_type=media_type,
                         themoviedb_id=themoviedb_id)


def lookup_musicbrainz_info(musicbrainz_type: Any = None, rating_key: Any = None, artist: Any = None,
                            release: Any = None, recording: Any = None, tracks: Any = None, tnum: Any = None) -> Any:
    """MusicBrainz ids of an item (cache first, then MusicBrainz)."""
    return runtime.route(_LOOKUPS["lookup_musicbrainz_info"], musicbrainz_type=musicbrainz_type,
                         rating_key=rating_key, artist=artist, release=release, recording=recording, tracks=tracks,
                         tnum=tnum)
