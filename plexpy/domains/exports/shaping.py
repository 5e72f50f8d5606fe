"""Pure functions both exports twins call: the export's file name, its path under EXPORT_DIR, row shapes.

Whether an export's file exists is a file-system fact, not data access, so it is decided here once: the
directory is ``<title>.<YYYYmmddHHMMSS>`` of the export's timestamp in the configured local time zone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from plexpy import context

__all__ = [
    "DATATABLES_EMPTY",
    "EXPORT_ALIASES",
    "datatables_result",
    "export_details",
    "export_directory",
    "export_dirpath",
    "export_exists",
    "export_filename",
    "export_filepath",
    "export_row",
]

#: Output columns of the exports table query, in Tautulli's order (also the DataTables whitelist).
EXPORT_ALIASES: tuple[str, ...] = (
    "export_id", "timestamp", "section_id", "user_id", "rating_key", "media_type", "media_type_title", "title",
    "file_format", "metadata_level", "media_info_level", "thumb_level", "art_level", "logo_level",
    "squareArt_level", "theme_level", "custom_fields", "individual_files", "file_size", "complete",
    "total_items", "exported_items",
)

DATATABLES_EMPTY: dict[str, Any] = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}


def datatables_result(page: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Tautulli's DataTables answer for the exports table."""
    return {"recordsFiltered": page.filtered_count, "recordsTotal": page.total_count, "data": rows,
            "draw": page.draw}


def export_filename(title: Any, file_format: Any) -> str:
    """``<title>.<file_format>``, the single file of an export that is not split into individual files."""
    return f"{title}.{file_format}"


def export_directory(title: Any, timestamp: Any) -> str:
    """``<title>.<YYYYmmddHHMMSS>``: the export's folder name, its timestamp in the configured local zone."""
    moment = datetime.fromtimestamp(timestamp, UTC).astimezone(ZoneInfo(context.local_tz_name()))
    return f"{title}.{moment.strftime('%Y%m%d%H%M%S')}"


def export_dirpath(title: Any, timestamp: Any = None, resources_directory: Any = None) -> str:
    """The export's folder under EXPORT_DIR (``<title>`` without a timestamp), or its resources folder."""
    name = export_directory(title, timestamp) if timestamp else title
    dirpath = os.path.join(context.config("EXPORT_DIR"), name)
    if resources_directory:
        dirpath = os.path.join(dirpath, f"{resources_directory}.resources")
    return dirpath


def export_filepath(title: Any, timestamp: Any, filename: Any) -> str:
    """A file inside the export's folder."""
    return os.path.join(export_dirpath(title, timestamp), filename)


def export_exists(title: Any, timestamp: Any, filename: Any = None) -> bool:
    """Whether the export's file (or, without a file name, its folder) exists."""
    if filename:
        return os.path.isfile(export_filepath(title, timestamp, filename))
    return os.path.isdir(export_dirpath(title, timestamp))


def _file_and_exists(item: Mapping[str, Any]) -> tuple[str | None, bool]:
    if item["individual_files"]:
        return None, export_exists(item["title"], item["timestamp"])
    filename = export_filename(item["title"], item["file_format"])
    return filename, export_exists(item["title"], item["timestamp"], filename)


def export_details(row: Mapping[str, Any]) -> dict[str, Any]:
    """``get_export``: the stored levels plus ``filename`` and ``exists``; ``{}`` for no row."""
    if not row:
        return {}
    result = dict(row)
    result["filename"], result["exists"] = _file_and_exists(row)
    return result


def export_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the exports table."""
    filename, exists = _file_and_exists(item)
    return {
        "export_id": item["export_id"], "timestamp": item["timestamp"], "section_id": item["section_id"],
        "user_id": item["user_id"], "rating_key": item["rating_key"], "media_type": item["media_type"],
        "media_type_title": item["media_type_title"], "title": item["title"], "filename": filename,
        "file_format": item["file_format"], "metadata_level": item["metadata_level"],
        "media_info_level": item["media_info_level"], "thumb_level": item["thumb_level"],
        "art_level": item["art_level"], "logo_level": item["logo_level"],
        "squareArt_level": item["squareArt_level"], "theme_level": item["theme_level"],
        "custom_fields": item["custom_fields"], "individual_files": item["individual_files"],
        "file_size": item["file_size"], "complete": item["complete"], "exported_items": item["exported_items"],
        "total_items": item["total_items"], "exists": exists,
    }
