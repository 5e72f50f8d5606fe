"""Pure rules both newsletters twins follow when they write: newsletter rows, settings forms, log rows.

Building Tautulli's newsletter object (which the settings are read through) can fail before anything is
written; ``shaping.build_check`` reproduces those failures. After a newsletter is stored, Tautulli schedules
it and reloads its log filter: when either fails the write stays but the answer is False.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked
from plexpy.domains.newsletters import catalog
from plexpy.domains.newsletters.shaping import Source, build_check, validated_config

__all__ = [
    "NewsletterAgent",
    "NewsletterForm",
    "Vacuum",
    "agent_of",
    "configs_loggable",
    "failed",
    "new_newsletter",
    "newsletter_form",
    "newsletter_log_row",
    "newsletter_values",
    "schedulable",
]

log = structlog.get_logger(__name__)

_MASKED: Final = "    "
_CONFIG_PREFIX: Final = "newsletter_config_"
_EMAIL_PREFIX: Final = "newsletter_email_"


@dataclass(frozen=True, slots=True)
class NewsletterAgent:
    """An agent a newsletter can be added for: its id, name, label and kind (defaults, form)."""

    id: int
    name: str
    label: str
    kind: catalog.NewsletterAgent


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
            log.warning("newsletters.vacuum_failed", error=str(exc))


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers ``False`` for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)


def agent_of(agent_id: Any) -> NewsletterAgent | None:
    """The newsletter agent an id names (``str(agent_id).isdigit()``), None (logged) for any other."""
    found = catalog.AVAILABLE.get(int(agent_id)) if str(agent_id).isdigit() else None
    if found is None:
        log.error("newsletters.unknown_agent", agent_id=str(agent_id))
        return None
    return NewsletterAgent(int(agent_id), *found)


def new_newsletter(agent: NewsletterAgent, sections: Source) -> dict[str, Any]:
    """The row a new newsletter of ``agent`` starts as (its defaults).

    Raises:
        Exception: what building Tautulli's newsletter object raises (e.g. unreadable libraries).
    """
    config = validated_config(None, agent.kind.config)
    build_check(agent.kind, config, sections)
    return {
        "agent_id": agent.id, "agent_name": agent.name, "agent_label": agent.label, "id_name": "",
        "friendly_name": "", "newsletter_config": json.dumps(config),
        "email_config": json.dumps(validated_config(None, catalog.EMAIL_DEFAULTS)),
        "subject": agent.kind.subject, "body": agent.kind.body, "message": agent.kind.message,
    }


@dataclass(slots=True)
class NewsletterForm:
    """A settings form split the way Tautulli splits it: newsletter config, e-mail config and the rest."""

    config: dict[str, Any] = field(default_factory=dict)
    email: dict[str, Any] = field(default_factory=dict)
    rest: dict[str, Any] = field(default_factory=dict)

    def masked_passwords(self) -> list[str]:
        """E-mail config keys holding a password the form left masked (the stored one is kept)."""
        return [k for k, v in self.email.items() if "password" in k and v == _MASKED]


def newsletter_form(kwargs: Mapping[str, Any]) -> NewsletterForm:
    """Split the HTTP parameters of a newsletter's settings form."""
    form = NewsletterForm()
    for key, value in kwargs.items():
        if key.startswith(_CONFIG_PREFIX):
            form.config[key[len(_CONFIG_PREFIX):]] = value
        elif key.startswith(_EMAIL_PREFIX):
            form.email[key[len(_EMAIL_PREFIX):]] = value
        else:
            form.rest[key] = value
    return form


def newsletter_values(agent: NewsletterAgent, form: NewsletterForm, sections: Source) -> dict[str, Any]:
    """The ``newsletters`` values a settings form stores (configs read through the agent's defaults).

    Raises:
        KeyError: the form has no ``subject``, ``body`` or ``message``.
        Exception: what building Tautulli's newsletter object raises for these settings.
    """
    subject, body, message = form.rest["subject"], form.rest["body"], form.rest["message"]
    config = validated_config(form.config, agent.kind.config)
    email = validated_config(form.email, catalog.EMAIL_DEFAULTS)
    build_check(agent.kind, config, sections)
    return {
        "agent_id": agent.id, "agent_name": agent.name, "agent_label": agent.label,
        "id_name": form.rest.get("id_name", ""), "friendly_name": form.rest.get("friendly_name", ""),
        "newsletter_config": json.dumps(config), "email_config": json.dumps(email),
        "subject": subject or agent.kind.subject, "body": body or agent.kind.body,
        "message": message or agent.kind.message, "cron": form.rest.get("cron"), "active": form.rest.get("active"),
    }


def schedulable(newsletters: Iterable[Mapping[str, Any]]) -> bool:
    """Whether Tautulli's scheduler accepts every active newsletter's cron (five fields it can split)."""
    for item in newsletters:
        if not item["active"]:
            continue
        cron = item["cron"]
        try:
            fields = shlex.split(cron) if cron else []
        except ValueError:
            fields = []
        if len(fields) < 5:
            log.warning("newsletters.unschedulable", newsletter_id=item["id"])
            return False
    return True


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


def newsletter_log_row(newsletter: Mapping[str, Any], notify_action: Any, subject: Any, body: Any, message: Any,
                       filename: Any, start_date: Any, end_date: Any, start_time: Any, end_time: Any,
                       newsletter_uuid: Any, email_msg_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keys, values) of the ``newsletter_log`` upsert: the same second and uuid merge.

    Raises:
        KeyError, TypeError: ``newsletter`` lacks what Tautulli reads.
    """
    keys = {"timestamp": context.now(), "uuid": newsletter_uuid}
    values = {"newsletter_id": newsletter["id"], "agent_id": newsletter["agent_id"],
              "agent_name": newsletter["agent_name"], "notify_action": notify_action, "subject_text": subject,
              "body_text": body, "message_text": message, "start_date": start_date, "end_date": end_date,
              "start_time": start_time, "end_time": end_time, "email_msg_id": email_msg_id, "filename": filename}
    return keys, values
