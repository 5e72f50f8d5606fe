"""Tautulli-compatible facade of ``plexpy.exporter``: same function, class and method names and signatures as v2.17.2.

Each database read or write is one routed call; the ``exports`` flag decides which twin answers. ``Export``
keeps Tautulli's constructor (its argument casts and m3u reset) and its three database methods; building the
export itself from Plex is out of this data layer. Files are removed only after a committed delete, once. The
file-name helpers Tautulli keeps in this module touch no database and are the shared rules of the domain.
"""

from __future__ import annotations

from typing import Any

from plexpy import context, runtime
from plexpy.domains.exports import shaping as _shaping
from plexpy.domains.exports.contract import OPERATIONS as _OPS

__all__ = [
    "Export",
    "cancel_exports",
    "check_export_exists",
    "delete_all_exports",
    "delete_export",
    "format_export_directory",
    "format_export_filename",
    "get_export",
    "get_export_datatable",
    "get_export_dirpath",
    "get_export_filepath",
]


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


class Export:
    """One export job, as Tautulli builds it before it runs (only its database methods are here)."""

    FILE_FORMATS = ("csv", "json", "xml", "m3u")
    EXPORT_TYPES = ("all", "collection", "playlist")

    def __init__(self, section_id: Any = None, user_id: Any = None, rating_key: Any = None, file_format: Any = "csv",
                 metadata_level: Any = 1, media_info_level: Any = 1, thumb_level: Any = 0, art_level: Any = 0,
                 logo_level: Any = 0, squareArt_level: Any = 0, theme_level: Any = 0, custom_fields: Any = "",
                 export_type: Any = "all", individual_files: Any = False) -> None:
        self.section_id = _cast_to_int(section_id) or None
        self.user_id = _cast_to_int(user_id) or None
        self.rating_key = _cast_to_int(rating_key) or None
        self.file_format = str(file_format).lower()
        self.metadata_level = _cast_to_int(metadata_level)
        self.media_info_level = _cast_to_int(media_info_level)
        self.thumb_level = _cast_to_int(thumb_level)
        self.art_level = _cast_to_int(art_level)
        self.logo_level = _cast_to_int(logo_level)
        self.squareArt_level = _cast_to_int(squareArt_level)
        self.theme_level = _cast_to_int(theme_level)
        self.custom_fields = custom_fields.replace(" ", "")
        self.export_type = str(export_type).lower() or "all"
        self.individual_files = individual_files
        self.timestamp = context.now()
        self.media_type: Any = None
        self.obj_title: Any = None
        self.directory: Any = None
        self.filename: Any = None
        self.title: Any = None
        self.export_id: Any = None
        self.file_size = 0
        self.total_items = 0
        self.exported_items = 0
        self.success = False
        if self.file_format == "m3u":  # Tautulli resets the options an m3u playlist cannot carry
            self.metadata_level = self.media_info_level = 1
            self.thumb_level = self.art_level = self.logo_level = self.squareArt_level = self.theme_level = 0
            self.custom_fields = ""

    def add_export(self) -> Any:
        """Store the job: its new row id (0 when an existing row matched), False when the write failed."""
        return runtime.route(
            _OPS["add_export"], timestamp=self.timestamp, section_id=self.section_id, user_id=self.user_id,
            rating_key=self.rating_key, media_type=self.media_type, title=self.title, file_format=self.file_format,
            metadata_level=self.metadata_level, media_info_level=self.media_info_level,
            thumb_level=self.thumb_level, art_level=self.art_level, logo_level=self.logo_level,
            squareArt_level=self.squareArt_level, theme_level=self.theme_level, custom_fields=self.custom_fields,
            individual_files=self.individual_files,
        )

    def set_export_state(self) -> Any:
        """Store how the job ended (``complete`` 1 on success, else -1), its resource levels and size."""
        return runtime.route(
            _OPS["set_export_state"], export_id=self.export_id, success=self.success, thumb_level=self.thumb_level,
            art_level=self.art_level, logo_level=self.logo_level, squareArt_level=self.squareArt_level,
            theme_level=self.theme_level, file_size=self.file_size,
        )

    def set_export_progress(self) -> Any:
        """Store how far the job has come."""
        return runtime.route(_OPS["set_export_progress"], export_id=self.export_id, total_items=self.total_items,
                             exported_items=self.exported_items)


def get_export(export_id: Any) -> Any:
    """One export's levels, file name and whether its file exists, or ``{}``."""
    return runtime.route(_OPS["get_export"], export_id=export_id)


def get_export_datatable(section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                         kwargs: Any = None) -> Any:
    """The exports table (DataTables)."""
    return runtime.route(_OPS["get_export_datatable"], section_id=section_id, user_id=user_id,
                         rating_key=rating_key, kwargs=kwargs)


def delete_export(export_id: Any) -> Any:
    """Delete an export's row and folder: True, or False for a non-numeric id."""
    return runtime.route(_OPS["delete_export"], export_id=export_id)


def delete_all_exports() -> Any:
    """Delete every export row and empty the export directory: True."""
    return runtime.route(_OPS["delete_all_exports"])


def cancel_exports() -> Any:
    """Mark every unfinished export failed."""
    return runtime.route(_OPS["cancel_exports"])


def format_export_directory(title: Any, timestamp: Any) -> str:
    """``<title>.<YYYYmmddHHMMSS>`` in the configured local time zone."""
    return _shaping.export_directory(title, timestamp)


def format_export_filename(title: Any, file_format: Any) -> str:
    """``<title>.<file_format>``."""
    return _shaping.export_filename(title, file_format)


def get_export_dirpath(title: Any, timestamp: Any = None, resources_directory: Any = None) -> str:
    """The export's folder under EXPORT_DIR (or its ``.resources`` folder)."""
    return _shaping.export_dirpath(title, timestamp, resources_directory)


def get_export_filepath(title: Any, timestamp: Any, filename: Any) -> str:
    """A file inside the export's folder."""
    return _shaping.export_filepath(title, timestamp, filename)


def check_export_exists(title: Any, timestamp: Any, filename: Any = None) -> bool:
    """Whether the export's file (or, without a file name, its folder) exists."""
    return _shaping.export_exists(title, timestamp, filename)
