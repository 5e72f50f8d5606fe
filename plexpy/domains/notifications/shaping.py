"""Pure functions both notifications twins call: argument rules, row → Tautulli dict, config assembly.

Everything that is not data access lives here once, so the shim compares queries and the oracle judges this.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import structlog

from plexpy.db.errors import QueryRefusedError
from plexpy.domains.notifications import agent_options, choices, form, remote_app
from plexpy.domains.notifications.agents import ACTION_NAMES, ACTIONS, AGENTS, BLANK_TEXT_AGENTS, DEFAULT_CONFIGS
from plexpy.domains.notifications.conditions import DEFAULT_CONDITIONS

__all__ = [
    "BROWSER_AGENT_ID",
    "BROWSER_WINDOW",
    "DATATABLES_EMPTY",
    "LOG_ALIASES",
    "NOTIFIER_COLUMNS",
    "OperationalError",
    "browser_delays",
    "browser_notifications",
    "cast_to_int",
    "datatables_result",
    "enabled_column",
    "form_user",
    "log_row",
    "notifier_config",
    "notifier_id",
    "notifier_summary",
    "notifiers_action",
    "notify_state",
    "validated_config",
]

log = structlog.get_logger(__name__)

#: Output columns of the notification log query, in Tautulli's order (also the DataTables whitelist).
LOG_ALIASES: Final[tuple[str, ...]] = (
    "id", "timestamp", "session_key", "rating_key", "user_id", "user", "notifier_id", "agent_id", "agent_name",
    "notify_action", "subject_text", "body_text", "success",
)

#: Every column of ``notifiers`` (what ``SELECT *`` reads on a v2.17.2 database), by name.
NOTIFIER_COLUMNS: Final[tuple[str, ...]] = (
    "id", "agent_id", "agent_name", "agent_label", "friendly_name", "notifier_config", *ACTION_NAMES,
    *(f"{a}_subject" for a in ACTION_NAMES), *(f"{a}_body" for a in ACTION_NAMES),
    "custom_conditions", "custom_conditions_logic",
)

DATATABLES_EMPTY: Final[dict[str, Any]] = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}
BROWSER_AGENT_ID: Final = 17
BROWSER_WINDOW: Final = 5
_MASK: Final = "    "

#: Columns of the ``notify_log`` subquery that ``get_notify_state_enabled``'s WHERE may also name.
_LOG_SUBQUERY_COLUMNS: Final = ("timestamp", "notifier_id")


class OperationalError(Exception):
    """The error SQLite raises for the statement Tautulli would have built (refused here before it runs)."""


def _refuse(op: str, message: str) -> QueryRefusedError:
    error = QueryRefusedError(f"{op}: OperationalError: {message}", op=op, domain="notifications")
    error.__cause__ = OperationalError(message)
    return error


def cast_to_int(value: Any) -> int:
    """``int(value)``, or 0 when it cannot be converted (Tautulli's ``cast_to_int``)."""
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def notifier_id(value: Any) -> int | None:
    """A notifier id as an int when ``str(value).isdigit()``, else None (the lookup is refused)."""
    return int(value) if str(value).isdigit() else None


def notifiers_action(notifier_id_arg: Any, notify_action: Any) -> str | None:
    """The trigger column ``get_notifiers`` filters on, None for no filter.

    Raises:
        QueryRefusedError: an unknown trigger without a notifier id, where Tautulli's SQL has an empty WHERE.
    """
    if notify_action and notify_action in ACTION_NAMES:
        return str(notify_action)
    if notify_action and not notifier_id_arg:
        raise _refuse("notifications.get_notifiers", 'near "GROUP": syntax error')
    return None


def enabled_column(notify_action: Any) -> tuple[str, str]:
    """(table, column) that ``get_notify_state_enabled`` compares with 1: a notifiers column or the log's.

    Tautulli pastes the trigger into ``WHERE <trigger> = 1``; a whole number stays a number there, and is
    returned as ``("", digits)``.

    Raises:
        QueryRefusedError: any other text (SQLite: no such column, or a syntax error).
    """
    text = str(notify_action)
    if text.isascii() and text.isdigit():
        return "", text
    table, _, column = text.rpartition(".")
    lowered = column.lower()
    if table.lower() in ("", "notifiers") and lowered in NOTIFIER_COLUMNS:
        return "notifiers", lowered
    if table.lower() in ("", "t") and lowered in _LOG_SUBQUERY_COLUMNS:
        return "t", lowered
    raise _refuse("notifications.get_notify_state_enabled", f"no such column: {text}")


def log_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the notification log, body line breaks as ``<br />``."""
    body = item["body_text"]
    body_text = body.replace("\r\n", "<br />").replace("\n", "<br />") if body else ""
    return {
        "id": item["id"], "timestamp": item["timestamp"], "session_key": item["session_key"],
        "rating_key": item["rating_key"], "user_id": item["user_id"], "user": item["user"],
        "notifier_id": item["notifier_id"], "agent_id": item["agent_id"], "agent_name": item["agent_name"],
        "notify_action": item["notify_action"], "subject_text": item["subject_text"], "body_text": body_text,
        "success": item["success"],
    }


def datatables_result(page: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Tautulli's DataTables answer."""
    return {"recordsFiltered": page.filtered_count, "recordsTotal": page.total_count, "data": rows,
            "draw": page.draw}


def notifier_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """One entry of ``get_notifiers``: the trigger columns fold into ``active``."""
    item = {k: v for k, v in row.items() if k not in ACTION_NAMES}
    item["active"] = int(any(row[k] for k in row if k in ACTION_NAMES))
    return item


def validated_config(config: Any, default: Mapping[str, Any]) -> dict[str, Any]:
    """A config read through an agent's defaults (each key cast to its default's type), in the defaults' order."""
    if config is None:
        return copy.deepcopy(dict(default))
    validated: dict[str, Any] = {}
    for key, fallback in default.items():
        value = config.get(key, fallback)
        if isinstance(fallback, int):
            validated[key] = cast_to_int(value)
        elif isinstance(fallback, list):
            validated[key] = value if isinstance(value, list) else [value]
        else:
            validated[key] = value
    return validated


def _mask_config(config: dict[str, Any]) -> dict[str, Any]:
    for key, value in config.items():
        if "password" in key and value != "":
            config[key] = _MASK
    return config


def _mask_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for option in options:
        if "password" in option.get("name", "") and option.get("value", "") != "":
            option["value"] = _MASK
    return options


def _agent_config(row: dict[str, Any]) -> tuple[str | None, dict[str, Any]] | None:
    """(agent name, validated config); None when the stored config cannot be read (Tautulli logs, returns None).

    Raises:
        AttributeError: the agent id is not a number (Tautulli has no agent object and fails on it).
    """
    raw = row.pop("notifier_config", None)
    known = str(row["agent_id"]).isdigit()
    agent = AGENTS.get(int(row["agent_id"])) if known else None
    name = agent.name if agent is not None else None
    try:
        stored = json.loads(raw)  # type: ignore[arg-type] - NULL fails here, as in Tautulli
        config = validated_config(stored, DEFAULT_CONFIGS.get(name or "", {})) if known else {}
    except Exception as exc:  # Tautulli catches everything here and returns None
        log.error("notifications.config_unreadable", notifier_id=row.get("id"), error=str(exc))
        return None
    if not known:
        raise AttributeError("'NoneType' object has no attribute 'config'")
    return name, config


def notifier_config(row: Mapping[str, Any] | None, mask_passwords: bool,
                    users: choices.UsersSource, devices: Callable[[], list[dict[str, Any]]]) -> dict[str, Any] | None:
    """``get_notifier_config``'s answer for a ``notifiers`` row (None when there is none or it is unreadable).

    ``users`` and ``devices`` are read only when the agent's form lists them.
    """
    if not row:
        return None
    result = dict(row)
    agent = _agent_config(result)
    if agent is None:
        return None
    name, config = agent
    if mask_passwords:
        _mask_config(config)
    actions, texts = {}, {}
    for action in ACTIONS:
        subject, body = result.pop(f"{action.name}_subject"), result.pop(f"{action.name}_body")
        blank = result["agent_name"] in BLANK_TEXT_AGENTS
        texts[action.name] = {"subject": ("" if blank else action.subject) if subject is None else subject,
                              "body": ("" if blank else action.body) if body is None else body}
        actions[action.name] = cast_to_int(result.pop(action.name))
    try:
        result["custom_conditions"] = json.loads(result["custom_conditions"])
    except (ValueError, TypeError):
        result["custom_conditions"] = [dict(c, value=[]) for c in DEFAULT_CONDITIONS]
    result["custom_conditions_logic"] = result["custom_conditions_logic"] or ""
    result["config"] = config
    if name == "remoteapp":
        options = remote_app.form(config, devices())
    else:
        options = form.render(name or "", agent_options.OPTIONS.get(name or "", ()), config,
                              choices.resolver(config, users))
    result["config_options"] = _mask_options(options) if mask_passwords else options
    result["actions"] = actions
    result["notify_text"] = texts
    return result


def form_user(row: Mapping[str, Any]) -> dict[str, Any]:
    """A user as the settings forms list them (display name falling back to the user name)."""
    return {"user_id": row["user_id"], "friendly_name": row["friendly_name"] or row["username"],
            "email": row["email"]}


def browser_delays(rows: list[Mapping[str, Any]]) -> dict[Any, int]:
    """How long each active browser notifier shows a notification (its ``auto_hide_delay``), by notifier id."""
    delays = {}
    default = DEFAULT_CONFIGS["browser"]
    for row in rows:
        if not any(row[k] for k in ACTION_NAMES):
            continue
        try:
            delays[row["id"]] = validated_config(json.loads(row["notifier_config"]), default)["auto_hide_delay"]
        except Exception as exc:  # an unreadable config leaves the default delay
            log.error("notifications.browser_config_unreadable", notifier_id=row["id"], error=str(exc))
    return delays


def browser_notifications(rows: list[Mapping[str, Any]], delays: Mapping[Any, int]) -> dict[str, Any]:
    """``get_browser_notifications``'s answer."""
    return {"notifications": [
        {"subject_text": r["subject_text"], "body_text": r["body_text"], "delay": delays.get(r["notifier_id"], 5)}
        for r in rows
    ]}


def notify_state(row: Mapping[str, Any]) -> dict[str, Any]:
    """One entry of ``get_notify_state``."""
    return {"timestamp": row["timestamp"], "notify_action": row["notify_action"], "notifier_id": row["notifier_id"]}
