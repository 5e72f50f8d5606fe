"""Pure functions both newsletters twins call: argument rules, row → Tautulli dict, config assembly, files.

Everything that is not data access lives here once, so the shim compares queries and the oracle judges this.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.domains.newsletters import catalog

__all__ = [
    "CONFIG_COLUMNS",
    "DATATABLES_EMPTY",
    "LOG_ALIASES",
    "build_check",
    "datatables_result",
    "form_user",
    "newsletter_config",
    "newsletter_html",
    "newsletter_id",
    "validated_config",
]

log = structlog.get_logger(__name__)

#: Output columns of the newsletter log query, in Tautulli's order (also the DataTables whitelist).
LOG_ALIASES: Final[tuple[str, ...]] = (
    "id", "timestamp", "newsletter_id", "agent_id", "agent_name", "notify_action", "subject_text", "body_text",
    "start_date", "end_date", "uuid", "success",
)

#: Every column of ``newsletters`` (``SELECT *`` of a v2.17.2 database), in table order.
CONFIG_COLUMNS: Final[tuple[str, ...]] = (
    "id", "agent_id", "agent_name", "agent_label", "id_name", "friendly_name", "newsletter_config", "email_config",
    "subject", "body", "message", "cron", "active",
)

DATATABLES_EMPTY: Final[dict[str, Any]] = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}
_MASK: Final = "    "

Source = Callable[[], list[dict[str, Any]] | None]


def newsletter_id(value: Any) -> int | None:
    """A newsletter id as an int when ``str(value).isdigit()``, else None (the lookup is refused)."""
    return int(value) if str(value).isdigit() else None


def datatables_result(page: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Tautulli's DataTables answer."""
    return {"recordsFiltered": page.filtered_count, "recordsTotal": page.total_count, "data": rows,
            "draw": page.draw}


def form_user(row: Mapping[str, Any]) -> dict[str, Any]:
    """A user as the e-mail form lists them (display name falling back to the user name)."""
    return {"friendly_name": row["friendly_name"] or row["username"], "email": row["email"]}


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def validated_config(config: Any, default: Mapping[str, Any]) -> dict[str, Any]:
    """A stored config read through defaults (each key cast to its default's type)."""
    if config is None:
        return copy.deepcopy(dict(default))
    validated: dict[str, Any] = {}
    for key, fallback in default.items():
        value = config.get(key, fallback)
        if isinstance(fallback, int):
            validated[key] = _cast_to_int(value)
        elif isinstance(fallback, list):
            validated[key] = value if isinstance(value, list) else [value]
        else:
            validated[key] = value
    return validated


def _check_time_frame(config: Mapping[str, Any]) -> None:
    """Fail as Tautulli's date arithmetic does when the time frame reaches outside the calendar.

    Raises:
        OverflowError, ValueError: the newsletter's start date cannot be represented.
    """
    end = datetime.fromtimestamp(context.now(), UTC)
    frame, units = config["time_frame"], config["time_frame_units"]
    if units == "months":
        months = end.year * 12 + end.month - 1 - frame
        if not 1 <= months // 12 <= 9999:
            raise ValueError(f"year {months // 12} is out of range")
    else:
        _ = end - (timedelta(days=frame) if units == "days" else timedelta(hours=frame))


def build_check(agent: catalog.NewsletterAgent, config: Mapping[str, Any], sections: Source) -> list[dict[str, Any]]:
    """Do what building Tautulli's newsletter object does that can fail; return the libraries it read.

    Raises:
        Exception: whatever Tautulli's constructor raises for this config (the caller answers None).
    """
    _check_time_frame(config)
    libraries = sections() if agent.lists_libraries else []
    for s in libraries:  # type: ignore[union-attr] - unreadable libraries (None) fail here, as in Tautulli
        _ = str(s["section_id"]) in config["incl_libraries"]
    _ = (config["filename"] or agent.filename).endswith(".html")
    return libraries or []


def _mask(config: dict[str, Any]) -> dict[str, Any]:
    for key, value in config.items():
        if "password" in key and value != "":
            config[key] = _MASK
    return config


def _email_form(email_config: Mapping[str, Any], users: list[dict[str, Any]], mask: bool) -> list[dict[str, Any]]:
    """The Email agent's form for a newsletter's e-mail config, names prefixed ``newsletter_``."""
    config = validated_config(email_config, catalog.EMAIL_AGENT_DEFAULTS)
    emails = {u["email"]: u["friendly_name"] for u in users if u["email"]}
    options = []
    for key, label, input_type, description in catalog.EMAIL_FORM:
        option: dict[str, Any] = {"label": label, "value": config[key], "name": f"newsletter_email_{key}",
                                  "description": description, "input_type": input_type}
        if input_type == "selectize":
            recipients = dict.fromkeys(config[key], "")
            recipients.update(emails)
            option["select_options"] = [{"value": k, "text": v} for k, v in recipients.items()]
            option["select_all"] = True
        elif key == "tls":
            option["select_options"] = dict(catalog.ENCRYPTION_CHOICES)
        if mask and "password" in option["name"] and option["value"] != "":
            option["value"] = _MASK
        options.append(option)
    return options


def newsletter_config(row: Mapping[str, Any] | None, mask_passwords: bool, users: Source,
                      sections: Source) -> dict[str, Any] | None:
    """``get_newsletter_config``'s answer for a ``newsletters`` row (None when there is none or it is unreadable).

    ``sections`` answers None when the libraries cannot be read, which fails the newsletter as in Tautulli.
    """
    if not row:
        return None
    result = dict(row)
    agent = catalog.agent_for(result["agent_id"])
    try:
        stored_config = json.loads(result.pop("newsletter_config"))
        stored_email = json.loads(result.pop("email_config"))
        texts = {k: result.pop(k) for k in ("subject", "body", "message")}
        if agent is not None:
            config = validated_config(stored_config, agent.config)
            email_config = validated_config(stored_email, catalog.EMAIL_DEFAULTS)
            libraries = build_check(agent, config, sections)
    except Exception as exc:  # Tautulli catches everything here and returns None
        log.error("newsletters.config_unreadable", newsletter_id=result.get("id"), error=str(exc))
        return None
    if agent is None:
        raise AttributeError(f"'NoneType' object has no attribute '{'email_config' if mask_passwords else 'subject'}'")
    if mask_passwords:
        _mask(email_config)
    result["subject"] = texts["subject"] or agent.subject
    result["body"] = texts["body"] or agent.body
    result["message"] = texts["message"] or agent.message
    result["config"] = config
    result["email_config"] = email_config
    result["config_options"] = [{
        "label": "Included Libraries", "value": config["incl_libraries"],
        "description": "Select the libraries to include in the newsletter.",
        "name": "newsletter_config_incl_libraries", "input_type": "selectize",
        "select_options": catalog.library_groups(libraries or []), "select_all": True,
    }] if agent.lists_libraries else []
    result["email_config_options"] = _email_form(email_config, users() or [], mask_passwords)
    return result


def _newsletter_folder(database_folder: str | None) -> str | None:
    """``NEWSLETTER_DIR``, else ``<data dir>/newsletters`` (the data dir is the database file's folder in Tautulli)."""
    folder = context.config("NEWSLETTER_DIR")
    if folder:
        return str(folder)
    try:
        data_dir = context.config("DATA_DIR")
    except KeyError:
        data_dir = database_folder
    return os.path.join(str(data_dir), "newsletters") if data_dir else None


def newsletter_html(row: Mapping[str, Any], database_folder: str | None) -> str | None:
    """The saved HTML of the newsletter a ``newsletter_log`` row names, or None when its file is missing.

    A missing folder counts as a missing file (Tautulli's ``os.listdir`` would raise).
    """
    if not row:
        return None
    start, end = row["start_date"], row["end_date"]
    file_name = row["filename"] or f"newsletter_{start.replace('-', '')}-{end.replace('-', '')}_{row['uuid']}.html"
    folder = _newsletter_folder(database_folder)
    if folder is None or not os.path.isdir(folder) or file_name not in os.listdir(folder):
        log.warning("newsletters.file_missing", file_name=file_name)
        return None
    try:
        with open(os.path.join(folder, file_name), encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        log.error("newsletters.file_unreadable", uuid=row["uuid"], error=str(exc))
        return None
