"""Tautulli-compatible facade of ``plexpy.exporter`` (reads): same function names and signatures as v2.17.2.

Each database read is one routed call; the ``exports`` flag decides which twin answers. The file-name helpers
Tautulli keeps in this module touch no database and are the shared rules of the exports domain.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.exports import shaping as _shaping
from plexpy.domains.exports.contract import OPERATIONS as _OPS

__all__ = [
    "check_export_exists",
    "format_export_directory",
    "format_export_filename",
    "get_export",
    "get_export_datatable",
    "get_export_dirpath",
    "get_export_filepath",
]


def get_export(export_id: Any) -> Any:
    """One export's levels, file name and whether its file exists, or ``{}``."""
    return runtime.route(_OPS["get_export"], export_id=export_id)


def get_export_datatable(section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                         kwargs: Any = None) -> Any:
    """The exports table (DataTables)."""
    return runtime.route(_OPS["get_export_datatable"], section_id=section_id, user_id=user_id,
                         rating_key=rating_key, kwargs=kwargs)


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
