"""Caches of outside services and recently added items: rows without relationships."""

from __future__ import annotations

from plexpy.db import schema
from plexpy.db.orm.base import Base

__all__ = [
    "CloudinaryLookup",
    "ImageHashLookup",
    "ImgurLookup",
    "MusicbrainzLookup",
    "RecentlyAdded",
    "ThemoviedbLookup",
    "TvmazeLookup",
]


class TvmazeLookup(Base):
    """TVmaze ids and JSON of a show, by rating key."""

    __table__ = schema.tvmaze_lookup


class ThemoviedbLookup(Base):
    """TMDb ids and JSON of an item, by rating key."""

    __table__ = schema.themoviedb_lookup


class MusicbrainzLookup(Base):
    """MusicBrainz ids and JSON of an item, by rating key."""

    __table__ = schema.musicbrainz_lookup


class ImageHashLookup(Base):
    """The image parameters behind a proxied image's hash."""

    __table__ = schema.image_hash_lookup


class ImgurLookup(Base):
    """An image uploaded to Imgur, by image hash."""

    __table__ = schema.imgur_lookup


class CloudinaryLookup(Base):
    """An image uploaded to Cloudinary, by image hash."""

    __table__ = schema.cloudinary_lookup


class RecentlyAdded(Base):
    """An item Plex reported as recently added (for newsletters and notifications)."""

    __table__ = schema.recently_added
