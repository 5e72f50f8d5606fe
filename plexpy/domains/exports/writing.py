"""Pure rules both exports twins follow when they write: the rows an export job stores, failure handling."""

from __future__ import annotations

from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked

__all__ = ["export_row", "failed", "progress_values", "state_values"]

log = structlog.get_logger(__name__)


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers its default for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)


def export_row(timestamp: Any, section_id: Any, user_id: Any, rating_key: Any, media_type: Any, title: Any,
               file_format: Any, metadata_level: Any, media_info_level: Any, thumb_level: Any, art_level: Any,
               logo_level: Any, squareArt_level: Any, theme_level: Any, custom_fields: Any,
               individual_files: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(keys, values)`` of a new export job: keyed by its second, library, user, item and media type."""
    keys = {"timestamp": timestamp, "section_id": section_id, "user_id": user_id, "rating_key": rating_key,
            "media_type": media_type}
    values = {"title": title, "file_format": file_format, "metadata_level": metadata_level,
              "media_info_level": media_info_level, "thumb_level": thumb_level, "art_level": art_level,
              "logo_level": logo_level, "squareArt_level": squareArt_level, "theme_level": theme_level,
              "custom_fields": custom_fields, "individual_files": individual_files}
    return keys, values


def state_values(success: Any, thumb_level: Any, art_level: Any, logo_level: Any, squareArt_level: Any,
                 theme_level: Any, file_size: Any) -> dict[str, Any]:
    """What a finished export stores: its resource levels, ``complete`` 1 (success) or -1, and its size."""
    return {"thumb_level": thumb_level, "art_level": art_level, "logo_level": logo_level,
            "squareArt_level": squareArt_level, "theme_level": theme_level, "complete": 1 if success else -1,
            "file_size": file_size}


def progress_values(total_items: Any, exported_items: Any) -> dict[str, Any]:
    """What a running export stores as it goes."""
    return {"total_items": total_items, "exported_items": exported_items}
