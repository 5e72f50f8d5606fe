"""Pure rules both notifications twins follow when they write: notifier rows, settings forms, log rows.

A notifier's settings arrive as HTTP parameters whose names become ``notifiers`` columns (``on_play``,
``on_play_subject``, ...) or config keys (``<agent>_<key>``); names are checked against the table's columns
here, before any SQL is built, so a name that is not a column refuses the write the way SQLite's "no such
column" made Tautulli refuse it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked
from plexpy.domains.notifications import conditions
from plexpy.domains.notifications.agents import ACTION_NAMES, ACTIONS, AGENTS, BLANK_TEXT_AGENTS, DEFAULT_CONFIGS, Agent
from plexpy.domains.notifications.shaping import NOTIFIER_COLUMNS, cast_to_int, validated_config

__all__ = [
    "BROWSER_AGENT_ID",
    "NotifierForm",
    "Vacuum",
    "agent_of",
    "configs_loggable",
    "failed",
    "known_columns",
    "new_notifier",
    "notifier_form",
    "notifier_values",
    "notify_log_row",
]

log = structlog.get_logger(__name__)

BROWSER_AGENT_ID: Final = 17
_MASKED: Final = "    "
_COLUMNS: Final = frozenset(NOTIFIER_COLUMNS)


class Vacuum:
    """Tautulli's VACUUM after a log is cleared, run once the delete commits; ``ok`` is Tautulli's answer.

    A VACUUM that fails makes the answer False; one that meets a locked database is skipped with a warning
    (Tautulli gives up on it and answers True). The log rows are gone either way.
    """

    def __init__(self, run: Callable[[], Any]) -> None:
        self._run = run
        self.ok = True

    def __call__(self) -> None:
        """Run the VACUUM, keeping its outcome."""
        try:
            self._run()
        except TautulliDBError as exc:
            self.ok = is_locked(exc)
            log.warning("notifications.vacuum_failed", error=str(exc))


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers ``False`` for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)


def agent_of(agent_id: Any) -> Agent | None:
    """The notification agent an id names (``str(agent_id).isdigit()``), None (logged) for any other."""
    agent = AGENTS.get(int(agent_id)) if str(agent_id).isdigit() else None
    if agent is None:
        log.error("notifications.unknown_agent", agent_id=str(agent_id))
    return agent


def _texts(agent: Agent) -> dict[str, str]:
    blank = agent.name in BLANK_TEXT_AGENTS
    texts = {}
    for action in ACTIONS:
        texts[f"{action.name}_subject"] = "" if blank else action.subject
        texts[f"{action.name}_body"] = "" if blank else action.body
    return texts


def new_notifier(agent: Agent) -> dict[str, Any]:
    """The row a new notifier of ``agent`` starts as: default config, no conditions, the default texts."""
    return {
        "agent_id": agent.id, "agent_name": agent.name, "agent_label": agent.label, "friendly_name": "",
        "notifier_config": json.dumps(validated_config(None, DEFAULT_CONFIGS.get(agent.name, {}))),
        "custom_conditions": json.dumps([dict(c) for c in conditions.DEFAULT_CONDITIONS]),
        "custom_conditions_logic": "", **_texts(agent),
    }


@dataclass(slots=True)
class NotifierForm:
    """A settings form split the way Tautulli splits it: triggers, texts, agent config and the rest."""

    actions: dict[str, int] = field(default_factory=dict)
    texts: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    rest: dict[str, Any] = field(default_factory=dict)

    def masked_passwords(self) -> list[str]:
        """Config keys holding a password the form left masked (the stored one is kept)."""
        return [k for k, v in self.config.items() if "password" in k and v == _MASKED]


def notifier_form(agent: Agent, kwargs: Mapping[str, Any]) -> NotifierForm:
    """Split the HTTP parameters of a notifier's settings form."""
    form = NotifierForm()
    prefix = f"{agent.name}_"
    for key, value in kwargs.items():
        if key in ACTION_NAMES:
            form.actions[key] = cast_to_int(value)
        elif key.startswith(ACTION_NAMES) and key.endswith(("_subject", "_body")):
            form.texts[key] = value
        elif key.startswith(prefix):
            form.config[key[len(prefix):]] = value
        else:
            form.rest[key] = value
    return form


def notifier_values(agent: Agent, form: NotifierForm, checked_conditions: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``notifiers`` values a settings form stores (the config read through the agent's defaults)."""
    values = {
        "agent_id": agent.id, "agent_name": agent.name, "agent_label": agent.label,
        "friendly_name": form.rest.get("friendly_name", ""),
        "notifier_config": json.dumps(validated_config(form.config, DEFAULT_CONFIGS.get(agent.name, {}))),
        "custom_conditions": json.dumps(checked_conditions or [dict(c) for c in conditions.DEFAULT_CONDITIONS]),
        "custom_conditions_logic": form.rest.get("custom_conditions_logic", ""),
    }
    values.update(form.actions)
    values.update(form.texts)
    return values


def known_columns(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """``values`` keyed by ``notifiers`` column names (SQLite matches names in any case), None if one is unknown.

    A name given twice in different cases keeps the later value, as SQLite's UPDATE keeps the rightmost.
    """
    columns: dict[str, Any] = {}
    for name, value in values.items():
        if name.lower() not in _COLUMNS:
            log.warning("notifications.unknown_column", column=name)
            return None
        columns[name.lower()] = value
    return columns


def configs_loggable(configs: Iterable[Any]) -> bool:
    """Whether every stored config can be read for the log filter (Tautulli's ``blacklist_logger``)."""
    for raw in configs:
        try:
            parsed = json.loads(raw or "{}")
        except (ValueError, TypeError):
            return False
        if not isinstance(parsed, dict):
            return False
    return True


def notify_log_row(notifier: Mapping[str, Any], notify_action: Any, subject: Any, body: Any, script_args: Any,
                   session: Mapping[str, Any] | None, parameters: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keys, values) of the ``notify_log`` upsert: the same second, session, notifier and trigger merge.

    Raises:
        KeyError, TypeError: ``notifier`` or, for update triggers, ``parameters`` lack what Tautulli reads.
    """
    session = session or {}
    keys = {"timestamp": context.now(), "session_key": session.get("session_key"),
            "rating_key": session.get("rating_key"), "user_id": session.get("user_id"),
            "notifier_id": notifier["id"], "agent_id": notifier["agent_id"], "notify_action": notify_action}
    values = {"parent_rating_key": session.get("parent_rating_key"),
              "grandparent_rating_key": session.get("grandparent_rating_key"), "user": session.get("user"),
              "agent_name": notifier["agent_name"], "subject_text": subject, "body_text": body,
              "script_args": json.dumps(script_args) if script_args else None}
    if notify_action == "on_pmsupdate":
        values["tag"] = parameters["update_version"]
    elif notify_action == "on_plexpyupdate":
        values["tag"] = parameters["tautulli_update_version"]
    elif notify_action == "on_tokenexpired":
        values["tag"] = hashlib.sha256(str(context.config("PMS_TOKEN")).encode("utf-8")).hexdigest()[:10]
    return keys, values
